package helpers_test

import (
	"fmt"
	"testing"

	"github.com/bpfplay/bpfplay/core/interp/testrun"
	ot "github.com/bpfplay/bpfplay/core/interp/testrun/oracletest"
)

// TestSkLookupAssign checks bpf_sk_assign in sk_lookup programs, which
// the oracle cannot run (its test runs pass a data_out buffer, which
// sk_lookup test runs refuse). Expected values follow the helper's
// documented contract: flags beyond BPF_SK_LOOKUP_F_REPLACE |
// BPF_SK_LOOKUP_F_NO_REUSEPORT are EINVAL; assigning NULL (the only
// socket there is to assign) succeeds and selects nothing.
func TestSkLookupAssign(t *testing.T) {
	assign := func(flags int) string {
		return fmt.Sprintf("r1 = r6\nr2 = 0\nr3 = %d\ncall bpf_sk_assign\n", flags)
	}
	c := testrun.Case{Name: "sk_lookup/assign", ProgType: "sk_lookup", Ctx: make([]byte, 72),
		Asm: "r6 = r1\n" + ot.Steps(assign(0), assign(1), assign(2), assign(3), assign(4),
			"r0 = *(u64 *)(r6 +0)\nif r0 == 0 goto +1\nr0 = 1\n"),
		Maps: []testrun.NamedMap{ot.ResMap()}}
	res := runCase(t, &c)
	if res.Interp.Fault != nil {
		t.Fatal(res.Interp.Fault)
	}
	want := []int64{0, 0, 0, 0, -22, 0}
	for i, w := range want {
		if got := int64(resValue(res, i)); got != w {
			t.Errorf("res[%d] = %d, want %d", i, got, w)
		}
	}
}
