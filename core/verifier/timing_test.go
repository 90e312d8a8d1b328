package verifier

import (
	"os"
	"testing"
	"time"

	"github.com/bpfplay/bpfplay/core/record"
)

// TestVerifyFile verifies every record of $BPFPLAY_VERIFY_FILE (any
// corpus, also those without a kernel answer) and logs the time and
// statistics of each: a handle for profiling one slow record.
//
//	zcat testdata/corpus/test_bpf-dev.jsonl.gz | sed -n 427p > /tmp/one.jsonl
//	BPFPLAY_VERIFY_FILE=/tmp/one.jsonl go test ./core/verifier -run TestVerifyFile -v -cpuprofile /tmp/cpu.out
func TestVerifyFile(t *testing.T) {
	path := os.Getenv("BPFPLAY_VERIFY_FILE")
	if path == "" {
		t.Skip("BPFPLAY_VERIFY_FILE not set")
	}
	r, err := record.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for {
		in, err := r.Next()
		if err != nil {
			break
		}
		slots, opts, err := FromRecord(in, false)
		if err != nil {
			t.Errorf("%s: %v", in.Name, err)
			continue
		}
		start := time.Now()
		res := VerifySlots(slots, opts)
		t.Logf("%s: accepted=%v insns_processed=%d states=%d %v", in.Name, res.Accepted, res.Stats.InsnsProcessed, res.Stats.TotalStates, time.Since(start))
	}
}
