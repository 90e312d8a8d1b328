package main

import (
	"strings"
	"testing"
)

// TestVerifyCommand checks bpfplay verify's exit codes and log against
// Linux 6.1's answers for small programs.
func TestVerifyCommand(t *testing.T) {
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		outSub []string
	}{
		{name: "accepted", stdin: "r0 = 0\nexit\n", args: []string{"verify", "-"}, code: 0,
			outSub: []string{"processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n"}},
		{name: "uninit r0", stdin: "exit\n", args: []string{"verify", "-"}, code: 1,
			outSub: []string{"0: (95) exit\nR0 !read_ok\n"}},
		{name: "level 2", stdin: "r0 = 0\nexit\n", args: []string{"verify", "--log-level", "2", "-"}, code: 0,
			outSub: []string{"func#0 @0\n0: R1=ctx(off=0,imm=0) R10=fp0\n0: (b7) r0 = 0                        ; R0_w=0\n1: (95) exit\n"}},
		{name: "xdp return", stdin: "r0 = 7\nexit\n", args: []string{"verify", "--prog-type", "xdp", "--xlated", "-"}, code: 0,
			outSub: []string{"   0: (b7) r0 = 7\n   1: (95) exit\n"}},
		{name: "map lookup without null check", args: []string{"verify", "--map", "m=hash,key=8,value=8,entries=4", "-"},
			stdin: "r1 = 0\n*(u64 *)(r10 - 8) = r1\nr2 = r10\nr2 += -8\nr1 = map[m] ll\ncall bpf_map_lookup_elem\nr1 = *(u64 *)(r0 + 0)\nr0 = 0\nexit\n",
			code:  1, outSub: []string{"R0 invalid mem access 'map_value_or_null'\n"}},
		{name: "undefined map", args: []string{"verify", "-"}, stdin: "r1 = map[m] ll\nr0 = 0\nexit\n", code: 1},
		{name: "bad log level", args: []string{"verify", "--log-level", "3", "-"}, stdin: "exit\n", code: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCmd(tc.stdin, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			for _, s := range tc.outSub {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
		})
	}
}
