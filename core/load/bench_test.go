package load

import (
	"context"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

// BenchmarkLoadJIT measures what the playground asks for when the JIT
// pane is open: verify, rewrite, JIT the xlated program, disassemble it
// and map it back to the source — on the largest accepted real-world
// program (testdata/realworld). Reports ns per original instruction.
//
//	go test ./core/load -run '^$' -bench LoadJIT
func BenchmarkLoadJIT(b *testing.B) {
	all, err := record.ReadAll("../../testdata/realworld/corpus.jsonl.gz")
	if err != nil {
		b.Fatal(err)
	}
	var big *record.In
	for _, in := range all {
		if in.Kernel != nil && in.Kernel.OK && (big == nil || len(in.Insns) > len(big.Insns)) {
			big = in
		}
	}
	n := len(big.Insns) / 8
	b.Logf("%s: %d instructions", big.Name, n)
	// Without the JIT, for the JIT's share of the total.
	for _, withJIT := range []bool{false, true} {
		name := "verify"
		if withJIT {
			name = "verify+jit"
		}
		b.Run(name, func(b *testing.B) {
			req := &Request{Source: Source{Insns: big.Insns}, ProgType: big.ProgType, AttachType: big.ExpectedAttachType, Maps: big.Maps, JIT: withJIT}
			for b.Loop() {
				resp := Load(context.Background(), req)
				if !resp.OK || (withJIT && resp.JIT == nil) {
					b.Fatalf("%s: %+v", big.Name, resp.Diagnostics)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/insn")
		})
	}
}
