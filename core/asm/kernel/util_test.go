package kernel_test

import (
	"os"
	"sync"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}

var (
	corpusMu    sync.Mutex
	corpusCache = map[string][]*record.In{}
)

// corpusRecords reads a corpus file once per test binary.
func corpusRecords(t *testing.T, file string) []*record.In {
	t.Helper()
	corpusMu.Lock()
	defer corpusMu.Unlock()
	if recs, ok := corpusCache[file]; ok {
		return recs
	}
	recs, err := record.ReadAll("../../../testdata/corpus/" + file)
	if err != nil {
		t.Fatal(err)
	}
	corpusCache[file] = recs
	return recs
}
