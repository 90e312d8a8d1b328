package ksyms_test

import (
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/jit/ksyms"
	"github.com/bpfplay/bpfplay/jit/vectors"
)

// TestVectorCalls checks the table against every call the kernel's JIT
// made in the recorded vectors.
func TestVectorCalls(t *testing.T) {
	vs, err := vectors.ReadFile("../../testdata/jit-vectors/vectors.jsonl.gz")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range vs {
		for _, c := range v.Calls {
			if strings.HasPrefix(c.Symbol, "func#") {
				continue
			}
			n++
			name, ok := ksyms.Name(uint64(c.Target))
			if !ok {
				t.Errorf("%s: no symbol at %#x (%s)", v.Name, uint64(c.Target), c.Symbol)
				continue
			}
			if a, _ := ksyms.Addr(c.Symbol); a != uint64(c.Target) {
				t.Errorf("%s: %s at %#x, table says %#x (%s)", v.Name, c.Symbol, uint64(c.Target), a, name)
			}
		}
	}
	if n == 0 {
		t.Fatal("no calls in the vectors")
	}
	if a, _ := ksyms.Addr("__bpf_call_base"); a != 0xffffffff812013d0 {
		t.Errorf("__bpf_call_base = %#x", a)
	}
}
