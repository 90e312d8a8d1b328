package testrun

import (
	"bytes"
	"io"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

// TestTestBPFCorpus runs the eBPF programs of Linux's test_bpf module
// (lib/test_bpf.c) without the verifier, as the module does, and checks
// the kernel's answer: kernel.run.retval where the kernel's verifier
// accepted the program, else the test's own expect.retval; data_out
// where the kernel recorded it. At least 99% must match; the known
// exceptions are listed in docs/interp.md.
func TestTestBPFCorpus(t *testing.T) {
	rd, err := record.Open("../../../testdata/corpus/test_bpf-dev.jsonl.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var total, pass int
	for {
		in, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if in.CBPF {
			continue
		}
		total++
		want, ok := expected(in)
		if !ok {
			t.Errorf("%s: no expected retval in the record", in.Name)
			continue
		}
		res, err := Run(in, &Options{Budget: 200_000_000, RawCtx: in.Source == "test_bpf", MaxRepeat: 1000})
		if err != nil {
			t.Errorf("%s: %v", in.Name, err)
			continue
		}
		if !res.Run.OK {
			t.Errorf("%s: run failed: %s", in.Name, res.Run.Error)
			continue
		}
		if res.Run.Retval != want {
			t.Errorf("%s: retval %d (%#x), want %d (%#x)", in.Name, res.Run.Retval, res.Run.Retval, want, want)
			continue
		}
		if k := in.Kernel; k != nil && k.OK && k.Run != nil && len(k.Run.DataOut) > 0 && !bytes.Equal(k.Run.DataOut, res.Run.DataOut) {
			t.Errorf("%s: data_out %x, want %x", in.Name, res.Run.DataOut, k.Run.DataOut)
			continue
		}
		pass++
	}
	t.Logf("test_bpf eBPF records: %d/%d match the kernel", pass, total)
	if total != 440 {
		t.Errorf("expected 440 eBPF records, found %d", total)
	}
	if pass*100 < total*99 {
		t.Errorf("only %d/%d match (need 99%%)", pass, total)
	}
}

func expected(in *record.In) (uint32, bool) {
	if k := in.Kernel; k != nil && k.OK && k.Run != nil && k.Run.OK {
		return k.Run.Retval, true
	}
	if in.Expect != nil && in.Expect.Retval != nil {
		return uint32(*in.Expect.Retval), true
	}
	return 0, false
}
