package main

import (
	"strings"
	"testing"
)

func TestCbpfCommand(t *testing.T) {
	// tcpdump 4.99.3 -ddd 'ip proto 6' (the iptables man page's example).
	const ddd = "4\n48 0 0 9\n21 0 1 6\n6 0 0 1\n6 0 0 0\n"
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		out    string
		outSub string
		errSub string
	}{
		{name: "ddd to iptables", stdin: ddd, args: []string{"cbpf", "--to", "iptables", "-"},
			out: "4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0\n"},
		{name: "iptables to tcpdump", stdin: "4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0", args: []string{"cbpf", "-"},
			out: "(000) ldb      [9]\n(001) jeq      #0x6             jt 2\tjf 3\n(002) ret      #1\n(003) ret      #0\n"},
		{name: "to dd", stdin: ddd, args: []string{"cbpf", "--to", "dd", "-"},
			out: "{ 0x30, 0, 0, 0x00000009 },\n{ 0x15, 0, 1, 0x00000006 },\n{ 0x6, 0, 0, 0x00000001 },\n{ 0x6, 0, 0, 0x00000000 },\n"},
		{name: "to bpf_asm", stdin: ddd, args: []string{"cbpf", "--to", "bpf_asm", "-"},
			out: "\tldb [9]\n\tjeq #0x6, l2, l3\nl2:\tret #1\nl3:\tret #0\n"},
		{name: "to ebpf", stdin: ddd, args: []string{"cbpf", "--to", "ebpf", "-"},
			outSub: "call bpf_skb_load_helper_8#6326512"},
		{name: "check ok", stdin: ddd, args: []string{"cbpf", "--check", "-"}, outSub: "ok: Linux accepts"},
		{name: "check refused", stdin: "ld M[3]\nret a\n", args: []string{"cbpf", "--check", "-"}, code: exitBad,
			errSub: "EINVAL"},
		{name: "run tcp (xt_bpf sees the IP packet: test_run)", stdin: ddd, args: []string{"cbpf", "--skb", "test_run", "--run", "0011223344550000000000010800" + "450000280000000040060000", "-"},
			out: "retval 1 (0x1)\n"},
		{name: "run udp test_run", stdin: ddd, args: []string{"cbpf", "--skb", "test_run", "--run", "0011223344550000000000010800" + "450000280000000040110000", "-"},
			out: "retval 0 (0x0)\n"},
		{name: "parse error", stdin: "2\n6 0 0 0\n", args: []string{"cbpf", "--from", "ddd", "-"}, code: exitBad,
			errSub: "ddd: line 1: count: count says 2 instructions, 1 follow"},
		{name: "bad format", stdin: ddd, args: []string{"cbpf", "--to", "xml", "-"}, code: exitUsage, errSub: "unknown output format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCmd(tt.stdin, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errs)
			}
			if tt.out != "" && out != tt.out {
				t.Errorf("stdout:\n%q\nwant\n%q", out, tt.out)
			}
			if !strings.Contains(out, tt.outSub) {
				t.Errorf("stdout lacks %q:\n%s", tt.outSub, out)
			}
			if !strings.Contains(errs, tt.errSub) {
				t.Errorf("stderr lacks %q:\n%s", tt.errSub, errs)
			}
		})
	}
}
