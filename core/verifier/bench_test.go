package verifier

import (
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
)

type corpusProg struct {
	name   string
	slots  []isa.Slot
	opts   *Options
	kernel int // the kernel's insns_processed
}

func loadCorpusProgs(b *testing.B) []corpusProg {
	recs, err := record.ReadAll(corpusPath)
	if err != nil {
		b.Fatalf("read corpus: %v", err)
	}
	var ps []corpusProg
	for _, in := range recs {
		if in.Kernel == nil {
			continue
		}
		slots, opts, err := FromRecord(in, false)
		if err != nil {
			b.Fatalf("%s: %v", in.Name, err)
		}
		ps = append(ps, corpusProg{in.Name, slots, opts, in.Kernel.InsnsProcessed})
	}
	return ps
}

// BenchmarkCorpus verifies every record of the dev corpus (privileged,
// log level 1) per iteration and reports the slowest ten records with
// their insns_processed next to the kernel's, and the peak heap.
//
//	go test ./core/verifier -run '^$' -bench Corpus -benchtime 1x
func BenchmarkCorpus(b *testing.B) {
	ps := loadCorpusProgs(b)
	type timing struct {
		name         string
		d            time.Duration
		ours, kernel int
	}
	var times []timing
	var peak uint64
	first := true
	for b.Loop() {
		for _, p := range ps {
			start := time.Now()
			res := VerifySlots(p.slots, p.opts)
			if first {
				times = append(times, timing{p.name, time.Since(start), res.Stats.InsnsProcessed, p.kernel})
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		first = false
	}
	sort.Slice(times, func(i, j int) bool { return times[i].d > times[j].d })
	var total time.Duration
	for _, t := range times {
		total += t.d
	}
	b.Logf("%d records in %v (first pass); heap peak seen %d MiB", len(times), total, peak>>20)
	for _, t := range times[:min(10, len(times))] {
		b.Logf("%10v  insns %7d (kernel %7d)  %s", t.d.Round(time.Microsecond), t.ours, t.kernel, t.name)
	}
	b.ReportMetric(float64(total.Milliseconds()), "ms/corpus")
}
