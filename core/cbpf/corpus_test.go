package cbpf

import (
	"errors"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

const testBPFCorpus = "../../testdata/corpus/test_bpf-dev.jsonl.gz"

// classicRecords returns the classic (cbpf) records of Linux's test_bpf
// corpus, whose truth is the test's own expectation.
func classicRecords(t testing.TB) []*record.In {
	t.Helper()
	all, err := record.ReadAll(testBPFCorpus)
	if err != nil {
		t.Fatalf("reading the corpus (it ships with the repository): %v", err)
	}
	var out []*record.In
	for _, r := range all {
		if r.CBPF {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		t.Fatal("no classic records in " + testBPFCorpus)
	}
	return out
}

// TestTestBPFCorpus is the done-criterion: every classic record of
// test_bpf gives the kernel's answer: refused ones EINVAL, accepted ones
// their expected return value on their data.
func TestTestBPFCorpus(t *testing.T) {
	recs := classicRecords(t)
	pass := 0
	for _, r := range recs {
		ok := t.Run(r.Name, func(t *testing.T) {
			if r.Expect == nil {
				t.Fatal("record has no expectation")
			}
			p, err := DecodeRaw(r.Insns)
			if err != nil {
				t.Fatal(err)
			}
			var data []byte
			if r.TestRun != nil {
				data = r.TestRun.Data
			}
			got, err := Run(p, TestBPFSkb(data))
			switch r.Expect.Result {
			case "reject":
				var ce *CheckError
				if !errors.As(err, &ce) || !errors.Is(err, ErrInvalid) || ce.Errno() != 22 {
					t.Fatalf("want EINVAL, got %v (ret %d)", err, got)
				}
			case "accept":
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if r.Expect.Retval == nil {
					t.Fatal("accepted record without retval")
				}
				if want := uint32(*r.Expect.Retval); got != want {
					t.Fatalf("returned %d (%#x), want %d (%#x)", got, got, want, want)
				}
			default:
				t.Fatalf("unknown expectation %q", r.Expect.Result)
			}
		})
		if ok {
			pass++
		}
	}
	t.Logf("test_bpf classic records: %d/%d give the kernel's answer", pass, len(recs))
}
