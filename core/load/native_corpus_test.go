package load

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"sort"
	"testing"

	"github.com/bpfplay/bpfplay/core/interp/testrun"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/jit/native"
)

// addressDependent are records whose results depend on where the
// runtime placed memory, which the interpreter and the native runner
// (and the kernel) place differently.
var addressDependent = map[string]string{
	"verifier/stack_ptr.c: store PTR_TO_STACK in R10 to array map using BPF_B": "stores the low byte of r10, a stack address, in the map",
}

// TestNativeMatchesInterpreterOnCorpus runs the xlated program of every
// accepted corpus record that has a test run natively (the recipe of
// nativeRecordRun: kernel-layout context, kernel calls mapped to
// helpers) and compares r0, the packet and the maps after the run with
// the interpreter's run of the program as written — wherever the
// interpreter agrees with the kernel (a program returning a pointer
// cannot agree: its value is an address).
func TestNativeMatchesInterpreterOnCorpus(t *testing.T) {
	if err := native.Available(); err != nil {
		t.Skipf("native execution is not available here: %v", err)
	}
	if testing.Short() {
		t.Skip("verifies and runs ~300 corpus records; skipped with -short")
	}
	var recs []*record.In
	for _, file := range []string{"../../testdata/corpus/verifier-dev.jsonl.gz", "../../testdata/realworld/corpus.jsonl.gz"} {
		all, err := record.ReadAll(file)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, all...)
	}
	type job struct {
		in     *record.In
		interp *testrun.Result
	}
	var jobs []job
	var reqs []*native.Request
	skipped, big := 0, 0
	for _, in := range recs {
		k := in.Kernel
		if k == nil || !k.OK || k.Run == nil || in.TestRun == nil || in.CBPF {
			continue
		}
		if len(in.Insns) > 8*65536 {
			big++ // verifier/scale.c: a million instructions; batch --jit covers them
			continue
		}
		ires, err := testrun.Run(in, &testrun.Options{Budget: 10_000_000})
		if err != nil || !ires.Run.OK || ires.Run.Retval != k.Run.Retval {
			skipped++
			continue
		}
		res, opts, err := verifyIn(in, false, false)
		if err != nil || !res.Accepted {
			t.Errorf("%s: not accepted by our verifier", in.Name)
			continue
		}
		x := newXlated(res, opts)
		if x == nil {
			t.Errorf("%s: xlated does not decode", in.Name)
			continue
		}
		jobs = append(jobs, job{in, ires})
		reqs = append(reqs, x.nativeRequest(in.ProgType, in.Source == "test_bpf", in.TestRun, in.Maps))
	}
	results, errs := native.RunBatch(context.Background(), reqs)
	same, addrDep := 0, 0
	for i, j := range jobs {
		name := j.in.Name
		if errs[i] != nil {
			t.Errorf("%s: native: %v", name, errs[i])
			continue
		}
		n, r := results[i], j.interp
		if uint32(n.R0) != r.Run.Retval {
			t.Errorf("%s: r0 native %#x, interpreter %#x", name, n.R0, r.Run.Retval)
			continue
		}
		if len(r.Run.DataOut) > 0 && !bytes.Equal(n.DataOut, r.Run.DataOut) {
			t.Errorf("%s: data_out native %x, interpreter %x", name, n.DataOut, []byte(r.Run.DataOut))
			continue
		}
		if d := mapsDiff(n.Maps, r.MapsAfter()); d != "" {
			if addressDependent[name] != "" {
				addrDep++
				continue
			}
			t.Errorf("%s: maps after the run: %s", name, d)
			continue
		}
		same++
	}
	t.Logf("native runs of our xlated programs: %d, same r0, data_out and maps as the interpreter: %d, address-dependent maps: %d (%d not run: the interpreter disagrees with the kernel; %d over 64k instructions)", len(jobs), same, addrDep, skipped, big)
}

// mapsDiff compares two sets of map contents, entries in any order.
func mapsDiff(a, b [][]record.Entry) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d maps, %d", len(a), len(b))
	}
	norm := func(es []record.Entry) []string {
		var s []string
		for _, e := range es {
			s = append(s, hex.EncodeToString(e.Key)+"="+hex.EncodeToString(e.Value))
		}
		sort.Strings(s)
		return s
	}
	for i := range a {
		if x, y := fmt.Sprint(norm(a[i])), fmt.Sprint(norm(b[i])); x != y {
			return fmt.Sprintf("map %d: native %s, interpreter %s", i, x, y)
		}
	}
	return ""
}
