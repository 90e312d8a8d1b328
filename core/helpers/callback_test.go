package helpers_test

import (
	"encoding/binary"
	"testing"

	"github.com/bpfplay/bpfplay/core/interp/testrun"
)

// TestCallbacks checks bpf_loop and bpf_for_each_map_elem, which the
// oracle cannot run (Linux wants BTF func info for callbacks). Expected
// values follow the helpers' documented contracts: bpf_loop returns the
// number of iterations made (-EINVAL for flags, -E2BIG above 1<<23, as a
// long); for_each returns the number of elements visited, as an int
// (zero-extended in r0).
func TestCallbacks(t *testing.T) {
	want := map[string]struct {
		r0  uint64
		res []uint64
	}{
		"helpers/loop/sum":             {r0: 10<<32 | 45},
		"helpers/loop/stop-and-errors": {r0: 0, res: []uint64{4, uint64(1<<64 - 22), uint64(1<<64 - 7), 0}},
		"helpers/for_each/array":       {r0: 4<<32 | 12},
		"helpers/for_each/array-stop":  {r0: 3<<32 | 9},
		"helpers/for_each/hash":        {r0: 3<<32 | 77},
		"helpers/for_each/flags":       {r0: 0xffffffea},
	}
	cases := callbackCases()
	if len(cases) != len(want) {
		t.Fatalf("%d callback cases, %d expectations", len(cases), len(want))
	}
	for i := range cases {
		c := &cases[i]
		w, ok := want[c.Name]
		if !ok {
			t.Errorf("%s: no expectation", c.Name)
			continue
		}
		res := runCase(t, c)
		if res.Interp.Fault != nil {
			t.Errorf("%s: %v", c.Name, res.Interp.Fault)
			continue
		}
		if res.Interp.R0 != w.r0 {
			t.Errorf("%s: r0 %#x, want %#x", c.Name, res.Interp.R0, w.r0)
		}
		for j, v := range w.res {
			if g := resValue(res, j); g != v {
				t.Errorf("%s: res[%d] = %#x, want %#x", c.Name, j, g, v)
			}
		}
	}
}

// runCase runs a case in the interpreter, for the tests whose expected
// values come from the helpers' documented contracts (the oracle
// cannot load or run them).
func runCase(t *testing.T, c *testrun.Case) *testrun.Result {
	t.Helper()
	in, err := c.Record()
	if err != nil {
		t.Fatal(err)
	}
	res, err := testrun.Run(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// resValue is res[i], the u64 a case recorded in its first map.
func resValue(res *testrun.Result, i int) uint64 {
	return binary.LittleEndian.Uint64(res.Maps[0].Lookup([]byte{byte(i), 0, 0, 0}))
}
