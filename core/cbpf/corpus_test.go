package cbpf

import (
	"errors"
	"sync"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

const testBPFCorpus = "../../testdata/corpus/test_bpf-dev.jsonl.gz"

// classicRecords returns the classic (cbpf) records of Linux's test_bpf
// corpus, whose truth is the test's own expectation.
func classicRecords(t testing.TB) []*record.In {
	t.Helper()
	corpusOnce.Do(func() {
		all, err := record.ReadAll(testBPFCorpus)
		if err != nil {
			corpusErr = err
			return
		}
		for _, r := range all {
			if r.CBPF {
				corpusClassic = append(corpusClassic, r)
			}
		}
	})
	if corpusErr != nil {
		t.Fatalf("reading the corpus (it ships with the repository): %v", corpusErr)
	}
	if len(corpusClassic) == 0 {
		t.Fatal("no classic records in " + testBPFCorpus)
	}
	return corpusClassic
}

var (
	corpusOnce    sync.Once
	corpusClassic []*record.In
	corpusErr     error
)

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

// TestTestBPFCorpusConverted runs the same records through the eBPF
// program Convert produces, executed with kernel-layout structures.
func TestTestBPFCorpusConverted(t *testing.T) {
	recs := classicRecords(t)
	n := 0
	for _, r := range recs {
		if r.Expect == nil || r.Expect.Result != "accept" {
			continue
		}
		p, err := DecodeRaw(r.Insns)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Convert(p)
		if err != nil {
			t.Errorf("%s: %v", r.Name, err)
			continue
		}
		var data []byte
		if r.TestRun != nil {
			data = r.TestRun.Data
		}
		got, err := execConverted(c, TestBPFSkb(data))
		if err != nil {
			t.Errorf("%s: %v", r.Name, err)
			continue
		}
		if want := uint32(*r.Expect.Retval); got != want {
			t.Errorf("%s: converted program returned %d, want %d", r.Name, got, want)
		}
		n++
	}
	t.Logf("%d accepted classic records give the kernel's answer through the converted eBPF", n)
}
