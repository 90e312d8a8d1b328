package verifier

import (
	"runtime"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
)

type corpusProg struct {
	name   string
	slots  []isa.Slot
	opts   *Options
	kernel int // the kernel's insns_processed, -1 when the record has no answer
}

func loadCorpusProgs(b *testing.B) []corpusProg {
	recs, err := record.ReadAll(corpusPath)
	if err != nil {
		b.Fatalf("read corpus: %v", err)
	}
	var ps []corpusProg
	for _, in := range recs {
		slots, opts, err := FromRecord(in, false)
		if err != nil {
			b.Fatalf("%s: %v", in.Name, err)
		}
		kernel := -1 // no kernel answer recorded
		if in.Kernel != nil {
			kernel = in.Kernel.InsnsProcessed
		}
		ps = append(ps, corpusProg{in.Name, slots, opts, kernel})
	}
	return ps
}

// BenchmarkCorpus verifies every record of the dev corpus (privileged,
// log level 1; also records without a kernel answer) per iteration and
// reports the slowest ten records with their insns_processed next to
// the kernel's ("-" where the kernel was not asked), the slowest record's
// time, the peak heap and the process's peak RSS.
//
//	go test ./core/verifier -run '^$' -bench Corpus -benchtime 1x
//	BPFPLAY_CORPUS=$PWD/testdata/corpus/test_bpf-dev.jsonl.gz go test ./core/verifier -run '^$' -bench Corpus -benchtime 1x
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
	b.Logf("%d records in %v (first pass); heap peak seen %d MiB, process peak RSS %d MiB", len(times), total, peak>>20, peakRSS()>>20)
	for _, t := range times[:min(10, len(times))] {
		k := "-"
		if t.kernel >= 0 {
			k = strconv.Itoa(t.kernel)
		}
		b.Logf("%10v  insns %7d (kernel %7s)  %s", t.d.Round(time.Microsecond), t.ours, k, t.name)
	}
	b.ReportMetric(float64(total.Milliseconds()), "ms/corpus")
	b.ReportMetric(float64(times[0].d.Milliseconds()), "ms/slowest")
	b.ReportMetric(float64(peakRSS()>>20), "MiB-peak-RSS")
}
