package helpers_test

import (
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
		in, err := c.Record()
		if err != nil {
			t.Fatal(err)
		}
		res, err := testrun.Run(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Interp.Fault != nil {
			t.Errorf("%s: %v", c.Name, res.Interp.Fault)
			continue
		}
		if res.Interp.R0 != w.r0 {
			t.Errorf("%s: r0 %#x, want %#x", c.Name, res.Interp.R0, w.r0)
		}
		for j, v := range w.res {
			got := res.Maps[0].Lookup([]byte{byte(j), 0, 0, 0})
			var g uint64
			for k := 7; k >= 0; k-- {
				g = g<<8 | uint64(got[k])
			}
			if g != v {
				t.Errorf("%s: res[%d] = %#x, want %#x", c.Name, j, g, v)
			}
		}
	}
}
