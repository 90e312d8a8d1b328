package helpers_test

import (
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/interp/testrun"
	ot "github.com/bpfplay/bpfplay/core/interp/testrun/oracletest"
)

// TestSnprintf: bpf_snprintf writes a NUL-terminated string and returns
// the length of the whole formatted text plus one (snprintf's contract);
// the kernel's oracle cannot load it (the format must live in a frozen
// read-only map), so expectations follow vsnprintf.
func TestSnprintf(t *testing.T) {
	cases := []struct {
		format string
		args   []int64
		size   int
		want   string
		ret    int64
	}{
		{"x=%d y=%u", []int64{-5, 7}, 32, "x=-5 y=7", 9},
		{"%lx|%5d|%-3d|", []int64{255, 42, 1}, 32, "ff|   42|1  |", 14},
		{"%08x", []int64{0xbeef}, 32, "0000beef", 9},
		{"truncated %d", []int64{123456}, 8, "truncat", 17},
		{"%q", []int64{1}, 16, "", -22},
		{"%d %d", []int64{1}, 16, "", -22},
	}
	for _, c := range cases {
		fmtCode, _ := str(c.format, 64)
		args := ""
		for i, a := range c.args {
			args += "r1 = " + itoa(a) + " ll\n*(u64 *)(r10 " + itoa(int64(-200+8*i)) + ") = r1\n"
		}
		asm := fmtCode + "r3 = r1\n" + args + "r1 = r10\nr1 += -128\nr2 = " + itoa(int64(c.size)) +
			"\nr4 = r10\nr4 += -200\nr5 = " + itoa(int64(8*len(c.args))) + "\ncall bpf_snprintf\nexit\n"
		cs := testrun.Case{Name: c.format, Asm: asm, Maps: []testrun.NamedMap{ot.ResMap()}}
		in, err := cs.Record()
		if err != nil {
			t.Fatal(err)
		}
		res, err := testrun.Run(in, &testrun.Options{Trace: 1000})
		if err != nil || res.Interp.Fault != nil {
			t.Fatalf("%q: %v %v", c.format, err, res.Interp.Fault)
		}
		if int64(res.Interp.R0) != c.ret {
			t.Errorf("%q: returned %d, want %d", c.format, int64(res.Interp.R0), c.ret)
		}
		// The helper's write is in the trace of its call.
		got := ""
		for _, st := range res.Interp.Trace {
			for _, m := range st.Mem {
				if len(m.Data) == c.size {
					got = string(m.Data)
				}
			}
		}
		if i := strings.IndexByte(got, 0); i >= 0 {
			got = got[:i]
		}
		if got != c.want {
			t.Errorf("%q: wrote %q, want %q", c.format, got, c.want)
		}
	}
}

func itoa(v int64) string {
	if v < 0 {
		return "-" + itoa(-v)
	}
	if v < 10 {
		return string(rune('0' + v))
	}
	return itoa(v/10) + string(rune('0'+v%10))
}
