package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm"
	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/isa"
)

func init() {
	register(&command{
		name:    "asm",
		args:    "[--dialect kernel|conformance] [--hex] [-o OUT] FILE|-",
		summary: "assemble eBPF text into instructions",
		help: `Reads a program in the kernel/llvm dialect (what the verifier log and
llvm-objdump print: r0 = 1, if r1 > 0x5 goto pc+3, call bpf_map_lookup_elem#1 ...;
a pasted verifier log or llvm-objdump listing works too) or in the conformance
dialect (mov %r0, 1 ...; a whole bpf_conformance .data file works too), and writes
the instructions: raw little-endian bytes, or hex with --hex (one 8-byte slot per
line). Errors are printed as FILE:LINE:COL: message. See docs/asm.md.`,
		setup: func(fs *flag.FlagSet) func(*env, []string) int {
			dialect := fs.String("dialect", "kernel", "input dialect: kernel (also llvm) or conformance")
			hexOut := fs.Bool("hex", false, "write hex text instead of raw bytes")
			out := fs.String("o", "-", "output file (- for standard output)")
			return func(e *env, args []string) int {
				if len(args) != 1 {
					return usageError(e, "asm", "want exactly one input file (or - for standard input)")
				}
				src, err := readInput(e, args[0])
				if err != nil {
					return fail(e, "%v", err)
				}
				prog, err := assembleText(string(src), *dialect)
				if err != nil {
					if errors.Is(err, errBadDialect) {
						return usageError(e, "asm", "%v", err)
					}
					return failAsm(e, args[0], err)
				}
				b := prog.Encode()
				if *hexOut {
					b = []byte(hexSlots(b))
				}
				if *out == "-" {
					_, err = e.stdout.Write(b)
				} else {
					err = os.WriteFile(*out, b, 0o644)
				}
				if err != nil {
					return fail(e, "%v", err)
				}
				return exitOK
			}
		},
	})
}

var errBadDialect = errors.New("unknown dialect (want kernel, llvm or conformance)")

// assembleText assembles src in a dialect. A conformance .data file
// (it has "-- asm" or "-- raw" sections) is read as such.
func assembleText(src, dialect string) (isa.Program, error) {
	switch dialect {
	case "kernel", "llvm":
		l, err := kernel.Assemble(src)
		if err != nil {
			return nil, err
		}
		return l.Program, nil
	case "conformance":
		if strings.Contains(src, "-- asm") || strings.Contains(src, "-- raw") {
			tc, err := conformance.ParseData(src)
			if err != nil {
				return nil, err
			}
			return tc.Program()
		}
		l, err := conformance.Assemble(src)
		if err != nil {
			return nil, err
		}
		return l.Program, nil
	}
	return nil, fmt.Errorf("%w: %q", errBadDialect, dialect)
}

// failAsm prints assembler errors one per line as FILE:LINE:COL: msg.
func failAsm(e *env, file string, err error) int {
	if file == "-" {
		file = "<stdin>"
	}
	var el asm.ErrorList
	if errors.As(err, &el) {
		for _, x := range el {
			if x.Pos.IsValid() {
				fmt.Fprintf(e.stderr, "%s:%s: %s\n", file, x.Pos, x.Msg)
			} else {
				fmt.Fprintf(e.stderr, "%s: %s\n", file, x.Msg)
			}
		}
		return exitBad
	}
	return fail(e, "%s: %v", file, err)
}

// hexSlots prints bytes as hex, one 8-byte slot per line.
func hexSlots(b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); i += isa.SlotSize {
		fmt.Fprintf(&sb, "%x\n", b[i:min(i+isa.SlotSize, len(b))])
	}
	return sb.String()
}
