package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs the CLI in-process with stdin and returns exit code,
// stdout and stderr.
func runCmd(stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(&env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestAsmDisasmCommands(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "prog.bin")
	tests := []struct {
		name     string
		stdin    string
		args     []string
		code     int
		out      string // exact stdout, when not ""
		errSub   string // substring of stderr
		outSub   string // substring of stdout
		checkBin []byte
	}{
		{name: "asm hex", stdin: "r0 = 1 ; comment\nexit\n", args: []string{"asm", "--hex", "-"},
			out: "b700000001000000\n9500000000000000\n"},
		{name: "asm raw to file", stdin: "r0 = 1\nexit\n", args: []string{"asm", "-o", bin, "-"},
			checkBin: []byte{0xb7, 0, 0, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0}},
		{name: "asm conformance", stdin: "mov %r0, 1\nexit\n", args: []string{"asm", "--dialect", "conformance", "--hex", "-"},
			out: "b700000001000000\n9500000000000000\n"},
		{name: "asm conformance data file", stdin: "-- asm\nmov32 %r0, 2\nexit\n-- result\n0x2\n", args: []string{"asm", "--dialect", "conformance", "--hex", "-"},
			out: "b400000002000000\n9500000000000000\n"},
		{name: "asm pasted log", stdin: "0: R1=ctx(off=0,imm=0) R10=fp0\n0: (b7) r0 = 0                       ; R0_w=0\n1: (95) exit\nprocessed 2 insns\n",
			args: []string{"asm", "--hex", "-"}, out: "b700000000000000\n9500000000000000\n"},
		{name: "asm error has file:line:col", stdin: "r0 = 1\nr0 += r11\n", args: []string{"asm", "-"},
			code: exitBad, errSub: "<stdin>:2:7: register r11 does not exist"},
		{name: "asm bad dialect", stdin: "exit", args: []string{"asm", "--dialect", "x86", "-"}, code: exitUsage, errSub: "unknown dialect"},
		{name: "asm no file", args: []string{"asm"}, code: exitUsage, errSub: "want exactly one input file"},
		{name: "asm missing file", args: []string{"asm", filepath.Join(dir, "nope")}, code: exitBad, errSub: "no such file"},
		{name: "disasm kernel", stdin: "b7000000010000000700000001000000a500feff0a0000009500000000000000", args: []string{"disasm", "--hex", "-"},
			out: "r0 = 1\nL1:\nr0 += 1\nif r0 < 0xa goto L1\nexit\n"},
		{name: "disasm kernel log", stdin: "7a0af8ff00000000 1811000000000000 0000000000000000 8500000001000000 9500000000000000", args: []string{"disasm", "--hex", "--kernel-log", "-"},
			out: "0: (7a) *(u64 *)(r10 -8) = 0\n1: (18) r1 = 0x0\n3: (85) call bpf_map_lookup_elem#1\n4: (95) exit\n"},
		{name: "disasm llvm", stdin: "bc12080000000000 9500000000000000", args: []string{"disasm", "--hex", "--dialect", "llvm", "-"},
			out: "w2 = (s8)w1\nexit\n"},
		{name: "disasm conformance", stdin: "b700000001000000 9500000000000000", args: []string{"disasm", "--hex", "--dialect", "conformance", "-"},
			out: "mov %r0, 1\nexit\n"},
		{name: "disasm raw", stdin: "\x95\x00\x00\x00\x00\x00\x00\x00", args: []string{"disasm", "-"}, out: "exit\n"},
		{name: "disasm invalid insn prints and fails", stdin: "0700010001000000 9500000000000000", args: []string{"disasm", "--hex", "-"},
			code: exitBad, outSub: ".slot 0x0000000100010007", errSub: "insn 0: off must be zero"},
		{name: "disasm truncated", stdin: "950000", args: []string{"disasm", "--hex", "-"}, code: exitBad, errSub: "not a whole number"},
		{name: "disasm bad hex", stdin: "zz", args: []string{"disasm", "--hex", "-"}, code: exitBad, errSub: "bad hex"},
		{name: "disasm bad dialect", stdin: "", args: []string{"disasm", "--dialect", "arm", "-"}, code: exitUsage},
		{name: "help asm", args: []string{"help", "asm"}, outSub: "usage: bpfplay asm"},
		{name: "help disasm", args: []string{"disasm", "-h"}, errSub: "--kernel-log"},
		{name: "bad flag", args: []string{"asm", "--nope", "-"}, code: exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCmd(tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errs)
			}
			if tt.out != "" && out != tt.out {
				t.Errorf("stdout\n%s\nwant\n%s", out, tt.out)
			}
			if tt.outSub != "" && !strings.Contains(out, tt.outSub) {
				t.Errorf("stdout %q does not contain %q", out, tt.outSub)
			}
			if tt.errSub != "" && !strings.Contains(errs, tt.errSub) {
				t.Errorf("stderr %q does not contain %q", errs, tt.errSub)
			}
			if tt.checkBin != nil {
				got, err := os.ReadFile(bin)
				if err != nil || !bytes.Equal(got, tt.checkBin) {
					t.Errorf("output file %x (%v), want %x", got, err, tt.checkBin)
				}
			}
		})
	}
}

// TestAsmDisasmRoundTrip: disasm's output in each dialect assembles back.
func TestAsmDisasmRoundTrip(t *testing.T) {
	const hexProg = "b700000000000000 1801000088776655 0000000044332211 d701000010000000 3f21010000000000 0600000001000000 b700000001000000 9500000000000000"
	for _, d := range []string{"kernel", "llvm", "conformance"} {
		code, text, errs := runCmd(hexProg, "disasm", "--hex", "--dialect", d, "-")
		if code != 0 {
			t.Fatalf("%s: disasm exit %d: %s", d, code, errs)
		}
		asmDialect := d
		if d == "llvm" {
			asmDialect = "kernel"
		}
		code, hexOut, errs := runCmd(text, "asm", "--hex", "--dialect", asmDialect, "-")
		if code != 0 {
			t.Fatalf("%s: asm exit %d: %s\n%s", d, code, errs, text)
		}
		if got := strings.ReplaceAll(hexOut, "\n", " "); strings.TrimSpace(got) != hexProg {
			t.Errorf("%s: round trip gave %s", d, got)
		}
	}
}
