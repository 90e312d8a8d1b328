package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestJitCommand(t *testing.T) {
	// A vector from the kernel: "r0 = 1; exit" as Linux 6.1 jitted it.
	vec := `{"name":"one","variant":"priv","xlated":"b7000000010000009500000000000000","jited":"0f1f4400006690554889e5b801000000c9c3cc","func_lens":[19],"image_addr":["ffffffffc0000654"]}` + "\n"
	bad := strings.Replace(vec, `"name":"one"`, `"name":"bad"`, 1)
	bad = strings.Replace(bad, "b801000000c9", "b802000000c9", 1)
	dir := t.TempDir()
	benchDir := filepath.Join(dir, "bench")
	os.Mkdir(benchDir, 0o755)
	os.WriteFile(filepath.Join(benchDir, "loop.data"), []byte("-- asm\nmov %r0, 0\nmov %r1, 1\nl:\nadd %r0, %r1\nadd %r1, 1\njle %r1, 1000, l\nexit\n-- result\n0x7a314\n"), 0o644)
	good := filepath.Join(dir, "good.jsonl")
	wrong := filepath.Join(dir, "wrong.jsonl")
	os.WriteFile(good, []byte(vec), 0o644)
	os.WriteFile(wrong, []byte(vec+bad), 0o644)

	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		outSub []string
	}{
		{name: "listing att", stdin: "r0 = 1\nexit\n", args: []string{"jit", "-"}, code: exitOK,
			outSub: []string{"; prologue", "0: r0 = 1", "b8 01 00 00 00", "mov $0x1,%eax", "1: exit", "leave"}},
		{name: "listing intel", stdin: "r0 = 1\nexit\n", args: []string{"jit", "--intel", "-"}, code: exitOK,
			outSub: []string{"mov eax, 0x1"}},
		// Verified, the program compiled is the xlated one: Linux 6.1's
		// fix-up sends bpf_get_prandom_u32 to bpf_user_rnd_u32.
		{name: "helper named", stdin: "call bpf_get_prandom_u32\nexit\n", args: []string{"jit", "-"}, code: exitOK,
			outSub: []string{"0: call bpf_user_rnd_u32#29232", "callq bpf_user_rnd_u32"}},
		{name: "helper named, no verify", stdin: "call bpf_get_prandom_u32\nexit\n", args: []string{"jit", "--no-verify", "-"}, code: exitOK,
			outSub: []string{"bpf_get_prandom_u32"}},
		{name: "xlated: LD_ABS lowered", stdin: "r6 = r1\nr0 = *(u8 *)skb[12]\nexit\n", args: []string{"jit", "-"}, code: exitOK,
			outSub: []string{"8 xlated instructions", "3: call bpf_skb_load_helper_8_no_cache#6327184"}},
		{name: "rejected", stdin: "r0 = r5\nexit\n", args: []string{"jit", "-"}, code: exitBad},
		{name: "json", stdin: "r0 = 1\nexit\n", args: []string{"jit", "--json", "-"}, code: exitOK,
			outSub: []string{`"program": "xlated"`, `"code": "0f1f4400006690554889e5b801000000c9c3cc"`}},
		{name: "json, no verify", stdin: "r0 = 1\nexit\n", args: []string{"jit", "--no-verify", "--json", "-"}, code: exitOK,
			outSub: []string{`"code": "0f1f4400006690554889e5b801000000c9c3cc"`, `"insn_offsets"`}},
		{name: "vectors match", args: []string{"jit", "--vectors", good}, code: exitOK,
			outSub: []string{"1 matched, 0 differ"}},
		{name: "vectors differ", args: []string{"jit", "--vectors", wrong}, code: exitBad,
			outSub: []string{"bad [priv]: byte 12 (0xc) differs", "=>", "mov $0x2,%eax", "mov $0x1,%eax", "1 matched, 1 differ"}},
		{name: "bad asm", stdin: "r0 = \n", args: []string{"jit", "-"}, code: exitBad},
		{name: "run --jit", stdin: "r0 = 6\nr0 *= 7\nexit\n", args: []string{"run", "--jit", "-"}, code: exitOK,
			outSub: []string{"r0 = 0x2a (42)", "ran natively"}},
		{name: "run --jit fault", stdin: "r1 = 0\nr0 = *(u64 *)(r1 +8)\nexit\n", args: []string{"run", "--jit", "-"}, code: exitBad},
		{name: "run --jit map", stdin: "r1 = map[m] ll\nr2 = r10\nr2 += -4\n*(u32 *)(r10 -4) = 0\ncall bpf_map_lookup_elem\nif r0 == 0 goto out\n*(u64 *)(r0 +0) = 9\nout:\nr0 = 0\nexit\n",
			args: []string{"run", "--jit", "--map", "m=array:4:8:2", "-"}, code: exitOK,
			outSub: []string{"map m (array): 2 entries", "00000000: 0900000000000000"}},
		{name: "conformance --jit", args: []string{"conformance", "--jit", "../../testdata/conformance/tests"}, code: exitOK,
			outSub: []string{"313 passed, 0 failed"}},
		{name: "bench --jit", args: []string{"bench", "--jit", "--runs", "2", benchDir}, code: exitOK,
			outSub: []string{"loop ", "(ns/insn)"}},
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
