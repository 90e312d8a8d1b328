package interp

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bpfplay/bpfplay/core/asm/conformance"
)

// The benchmark programs of ../shared/bench (copied to testdata/bench):
// each has an expected result and, in its header, the number of
// instructions it executes.

type benchProg struct {
	name  string
	prog  *Program
	mem   []byte
	want  uint64
	insns int64
}

var insnsRE = regexp.MustCompile(`expected executed instructions[^:]*:\s*([0-9]+)`)

func loadBench(t testing.TB) []benchProg {
	files, _ := filepath.Glob("testdata/bench/*.data")
	if len(files) != 7 {
		t.Fatalf("want 7 benchmark programs in testdata/bench, found %d", len(files))
	}
	var out []benchProg
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := insnsRE.FindSubmatch(src)
		if m == nil {
			t.Fatalf("%s: no instruction count in the header", f)
		}
		n, _ := strconv.ParseInt(string(m[1]), 10, 64)
		tc, err := conformance.ParseData(string(src))
		if err != nil {
			t.Fatal(err)
		}
		prog, err := tc.Program()
		if err != nil {
			t.Fatal(err)
		}
		p, err := Compile(prog, nil)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, benchProg{name: strings.TrimSuffix(filepath.Base(f), ".data"), prog: p, mem: tc.Mem, want: tc.Result, insns: n})
	}
	return out
}

// TestBenchPrograms checks results and executed-instruction counts (the
// count must be exact: ns/insn divides by it).
func TestBenchPrograms(t *testing.T) {
	for _, b := range loadBench(t) {
		t.Run(b.name, func(t *testing.T) {
			for _, fuse := range []bool{true, false} {
				p := b.prog
				if !fuse {
					p, _ = Compile(b.prog.insns, &Options{NoFuse: true})
				}
				mem := append([]byte(nil), b.mem...)
				res := p.Run(&Env{Mem: mem, Budget: -1})
				if res.Fault != nil {
					t.Fatal(res.Fault)
				}
				if res.R0 != b.want || res.Insns != b.insns {
					t.Errorf("fuse=%v: r0 %#x insns %d, want %#x %d", fuse, res.R0, res.Insns, b.want, b.insns)
				}
			}
		})
	}
}

// BenchmarkPrograms reports ns per executed instruction.
func BenchmarkPrograms(b *testing.B) {
	for _, bp := range loadBench(b) {
		b.Run(bp.name, func(b *testing.B) {
			mem := make([]byte, len(bp.mem))
			env := &Env{Budget: -1}
			for b.Loop() {
				copy(mem, bp.mem)
				env.Mem = mem
				if r := bp.prog.Run(env); r.R0 != bp.want {
					b.Fatalf("r0 %#x", r.R0)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*bp.insns), "ns/insn")
		})
	}
}

// BenchmarkProgramsInterp is BenchmarkPrograms with the js/wasm
// compiled path turned off (the same as BenchmarkPrograms natively).
func BenchmarkProgramsInterp(b *testing.B) {
	accelDisabled = true
	defer func() { accelDisabled = false }()
	BenchmarkPrograms(b)
}

// BenchmarkMedian measures like `bpfplay bench`: per program one warm-up
// run, then 11 timed runs; it reports the median ns per executed
// instruction (wall time, as Go's js/wasm has no thread clock). Run it
// with -benchtime 1x.
func BenchmarkMedian(b *testing.B) {
	progs := loadBench(b)
	for _, bp := range progs {
		b.Run(bp.name, func(b *testing.B) {
			var med float64
			for b.Loop() {
				mem := make([]byte, len(bp.mem))
				var s []float64
				for i := 0; i < 12; i++ {
					copy(mem, bp.mem)
					t0 := time.Now()
					r := bp.prog.Run(&Env{Mem: mem, Budget: -1})
					d := time.Since(t0)
					if r.R0 != bp.want {
						b.Fatalf("r0 %#x", r.R0)
					}
					if i > 0 {
						s = append(s, float64(d.Nanoseconds())/float64(r.Insns))
					}
				}
				sort.Float64s(s)
				med = s[len(s)/2]
			}
			b.ReportMetric(med, "ns/insn")
		})
	}
}

// BenchmarkShortRun is the fixed cost of a run: a four-instruction
// program (what most playground and test_bpf runs look like).
func BenchmarkShortRun(b *testing.B) {
	p := compileAsm(b, "r0 = 1\nr0 += 2\n*(u64 *)(r10 -8) = r0\nexit", nil)
	env := &Env{}
	for b.Loop() {
		if r := p.Run(env); r.R0 != 3 {
			b.Fatal(r.R0)
		}
	}
}
