package native

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/interp"
)

// benchDir holds the shared benchmark programs (bpf_conformance .data
// files); BPFPLAY_BENCH overrides it.
func benchDir() string {
	if d := os.Getenv("BPFPLAY_BENCH"); d != "" {
		return d
	}
	return "../../../shared/bench"
}

// BenchmarkNative times the JIT's machine code on the shared benchmark
// programs: each b.N step is one child process that runs the program 11
// times (the first a warm-up) and reports the median thread CPU time;
// the metric is ns per executed eBPF instruction (counted by the
// interpreter, which also checks the result).
//
//	go test ./jit/native -run '^$' -bench Native -benchtime 3x
func BenchmarkNative(b *testing.B) {
	if err := Available(); err != nil {
		b.Skip(err)
	}
	files, _ := filepath.Glob(filepath.Join(benchDir(), "*.data"))
	if len(files) == 0 {
		b.Fatalf("no benchmark programs in %s (set BPFPLAY_BENCH to ../shared/bench)", benchDir())
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".data")
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		tc, err := conformance.ParseData(string(src))
		if err != nil {
			b.Fatal(err)
		}
		prog, err := tc.Program()
		if err != nil {
			b.Fatal(err)
		}
		ip, err := interp.Compile(prog, nil)
		if err != nil {
			b.Fatal(err)
		}
		ref := ip.Run(&interp.Env{Mem: append([]byte(nil), tc.Mem...), Budget: -1})
		if ref.Fault != nil || ref.R0 != tc.Result {
			b.Fatalf("%s: interpreter: r0 %#x, fault %v", name, ref.R0, ref.Fault)
		}
		b.Run(name, func(b *testing.B) {
			var med, best float64
			for b.Loop() {
				res, err := Run(context.Background(), &Request{Insns: prog.Encode(), Mem: tc.Mem, Repeat: 11})
				if err != nil {
					b.Fatal(err)
				}
				if res.R0 != tc.Result {
					b.Fatalf("r0 = %#x, want %#x", res.R0, tc.Result)
				}
				med += res.MedianNs
				if best == 0 || res.MinNs < best {
					best = res.MinNs
				}
			}
			b.ReportMetric(med/float64(b.N)/float64(ref.Insns), "ns/insn")
			b.ReportMetric(best/float64(ref.Insns), "min-ns/insn")
			b.ReportMetric(med/float64(b.N)/1e6, "ms/run")
		})
	}
}
