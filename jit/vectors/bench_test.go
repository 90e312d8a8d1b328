package vectors

import (
	"testing"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/jit"
)

// BenchmarkCompile compiles every kernel vector's program (all passes
// and the final emission); the metric is nanoseconds per eBPF slot.
//
//	go test ./jit/vectors -run '^$' -bench Compile
func BenchmarkCompile(b *testing.B) {
	vs, err := ReadFile(kernelVectors)
	if err != nil {
		b.Fatal(err)
	}
	type job struct {
		p   isa.Program
		opt jit.Options
	}
	var jobs []job
	slots := 0
	for i := range vs {
		p, err := Program(&vs[i])
		if err != nil {
			b.Fatal(err)
		}
		jobs = append(jobs, job{p, Options(&vs[i], &defaultMeta)})
		slots += p.NumSlots()
	}
	b.ResetTimer()
	for b.Loop() {
		for _, j := range jobs {
			if _, err := jit.Compile(j.p, j.opt); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(slots), "ns/insn")
}
