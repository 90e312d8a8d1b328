package native

import (
	"context"
	"testing"

	"github.com/bpfplay/bpfplay/core/cbpf"
	"github.com/bpfplay/bpfplay/core/interp/testrun"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
)

// TestBPFCorpus runs Linux's test_bpf programs (eBPF, the kernel's JIT
// self-test) natively and compares the return value with the
// interpreter's and the kernel's: wherever the interpreter agrees with
// the kernel (or, where the kernel was not asked, with the test's own
// expectation), the JIT must too. Programs the 6.1 JIT only sees after
// the verifier rewrote them (the legacy packet loads) are counted apart.
func TestBPFCorpus(t *testing.T) {
	if err := Available(); err != nil {
		t.Skip(err)
	}
	r, err := record.Open("../../testdata/corpus/test_bpf-dev.jsonl.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	type rec struct {
		in   *record.In
		want uint32
	}
	var recs []rec
	var reqs []*Request
	legacy, interpDiffers := 0, 0
	var classicRecs []*record.In
	for {
		in, err := r.Next()
		if err != nil {
			break
		}
		if in.CBPF {
			classicRecs = append(classicRecs, in)
			continue
		}
		want, ok := truth(in)
		if !ok {
			continue
		}
		ires, err := testrun.Run(in, &testrun.Options{Budget: 200_000_000, RawCtx: true})
		if err != nil || !ires.Run.OK || uint32(ires.Run.Retval) != want {
			interpDiffers++
			continue
		}
		slots, err := isa.UnmarshalSlots(in.Insns)
		if err != nil {
			t.Fatal(err)
		}
		if usesLegacyLoads(slots) {
			legacy++
			continue
		}
		var mem []byte
		if in.TestRun != nil {
			mem = in.TestRun.Ctx
		}
		recs = append(recs, rec{in, want})
		reqs = append(reqs, &Request{Insns: in.Insns, Mem: mem})
	}
	res, errs := RunBatch(context.Background(), reqs)
	bad := 0
	for i, rc := range recs {
		if errs[i] != nil {
			bad++
			t.Errorf("%s: %v", rc.in.Name, errs[i])
			continue
		}
		if got := uint32(res[i].R0); got != rc.want {
			bad++
			t.Errorf("%s: JIT retval %#x, interpreter and kernel %#x", rc.in.Name, got, rc.want)
		}
	}
	t.Logf("eBPF records where the interpreter agrees with the kernel: %d; JIT agrees on %d, differs on %d", len(recs), len(recs)-bad, bad)
	t.Logf("not run natively: %d with legacy packet loads (the verifier rewrites them), %d where the interpreter disagrees or the test has no answer", legacy, interpDiffers)
	if len(recs) < 300 {
		t.Errorf("only %d records compared", len(recs))
	}
	checkClassic(t, classicRecs)
}

// checkClassic runs the classic records natively (converted as Linux
// converts them, on lib/test_bpf.c's skb) and compares with core/cbpf's
// run and the test's expectation.
func checkClassic(t *testing.T, recs []*record.In) {
	var reqs []*Request
	var want []uint32
	var names []string
	skipped := 0
	for _, in := range recs {
		exp, ok := truth(in)
		p, _, err := cbpf.Parse(in.Insns, cbpf.FormatRaw)
		if !ok || err != nil {
			skipped++
			continue
		}
		var data []byte
		if in.TestRun != nil {
			data = in.TestRun.Data
		}
		got, err := cbpf.Run(p, cbpf.TestBPFSkb(append([]byte(nil), data...)))
		if err != nil || got != exp {
			skipped++ // the classic interpreter disagrees with the test
			continue
		}
		reqs = append(reqs, &Request{Insns: in.Insns, Classic: "test_bpf", Data: data})
		want = append(want, exp)
		names = append(names, in.Name)
	}
	res, errs := RunBatch(context.Background(), reqs)
	bad := 0
	for i := range reqs {
		switch {
		case errs[i] != nil:
			bad++
			t.Errorf("%s: %v", names[i], errs[i])
		case uint32(res[i].R0) != want[i]:
			bad++
			t.Errorf("%s: JIT retval %#x, classic interpreter and test %#x", names[i], uint32(res[i].R0), want[i])
		}
	}
	t.Logf("classic records where core/cbpf agrees with the test: %d; JIT agrees on %d (%d skipped)", len(reqs), len(reqs)-bad, skipped)
}

// truth is the record's expected return value: the kernel's test run,
// else the test's own expectation.
func truth(in *record.In) (uint32, bool) {
	if in.Kernel != nil && in.Kernel.Run != nil && in.Kernel.Run.OK {
		return uint32(in.Kernel.Run.Retval), true
	}
	if in.Expect != nil && in.Expect.Retval != nil {
		return uint32(*in.Expect.Retval), true
	}
	return 0, false
}

func usesLegacyLoads(slots []isa.Slot) bool {
	for _, s := range slots {
		if s.Op.Class() == isa.LdClass && (s.Op.Mode() == isa.AbsMode || s.Op.Mode() == isa.IndMode) {
			return true
		}
	}
	return false
}
