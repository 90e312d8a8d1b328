package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/interp"
	"github.com/bpfplay/bpfplay/core/isa"
)

func init() {
	register(&command{
		name:    "bench",
		args:    "[--json] [--jit] [--runs N] DIR",
		summary: "time the interpreter on benchmark .data programs (ns per executed instruction)",
		help: `Runs every .data program in DIR (e.g. ../shared/bench), checks its
result, then times it: one warm-up run and N timed runs, each measured in
thread CPU time (wall time where the platform has no thread clock). Prints
min/median/max nanoseconds per executed instruction; with --json one line
per program: {"program": "sum_loop", "insns": 30000003,
"ns_per_insn": {"min": ..., "median": ..., "max": ...}}.
Figures depend on the machine's load: quote them with the load average.
With --jit the program runs natively as bpfplay's x86-64 JIT code
(linux/amd64), timed in thread CPU time inside the runner process.`,
		setup: func(fs *flag.FlagSet) func(*env, []string) int {
			asJSON := fs.Bool("json", false, "one JSON object per program")
			runs := fs.Int("runs", 11, "timed runs per program")
			useJIT := fs.Bool("jit", false, "time the JIT's native code instead of the interpreter")
			return func(e *env, args []string) int {
				if len(args) != 1 {
					return usageError(e, "bench", "want the directory of .data programs")
				}
				files, _ := filepath.Glob(filepath.Join(args[0], "*.data"))
				if len(files) == 0 {
					return fail(e, "no .data files in %s", args[0])
				}
				sort.Strings(files)
				if !*asJSON {
					fmt.Fprintf(e.stdout, "# clock: %s; load average: %s\n", clockName, loadAvg())
					fmt.Fprintf(e.stdout, "%-14s %10s %8s %8s %8s  (ns/insn)\n", "program", "insns", "min", "median", "max")
				}
				bad := false
				for _, f := range files {
					name := strings.TrimSuffix(filepath.Base(f), ".data")
					one := benchOne
					if *useJIT {
						one = benchNative
					}
					r, err := one(f, max(*runs, 1))
					if err != nil {
						fmt.Fprintf(e.stderr, "bpfplay bench: %s: %v\n", name, err)
						bad = true
						continue
					}
					if *asJSON {
						json.NewEncoder(e.stdout).Encode(map[string]any{"program": name, "insns": r.insns,
							"ns_per_insn": map[string]float64{"min": r.min, "median": r.median, "max": r.max}})
					} else {
						fmt.Fprintf(e.stdout, "%-14s %10d %8.2f %8.2f %8.2f\n", name, r.insns, r.min, r.median, r.max)
					}
				}
				if bad {
					return exitBad
				}
				return exitOK
			}
		},
	})
}

type benchResult struct {
	insns            int64
	min, median, max float64
}

// loadBench reads a benchmark .data file: the test, its program, and
// the program compiled for the interpreter (both engines' benchmarks
// start here).
func loadBench(path string) (*conformance.Test, isa.Program, *interp.Program, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, nil, err
	}
	tc, err := conformance.ParseData(string(src))
	if err != nil {
		return nil, nil, nil, err
	}
	prog, err := tc.Program()
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := interp.Compile(prog, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	return tc, prog, p, nil
}

func benchOne(path string, runs int) (*benchResult, error) {
	tc, _, p, err := loadBench(path)
	if err != nil {
		return nil, err
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	mem := make([]byte, len(tc.Mem))
	env := &interp.Env{Budget: -1}
	var insns int64
	var samples []float64
	for i := 0; i <= runs; i++ {
		copy(mem, tc.Mem)
		env.Mem = nil
		if tc.Mem != nil {
			env.Mem = mem
		}
		t0 := cpuNow()
		res := p.Run(env)
		t1 := cpuNow()
		if res.Fault != nil {
			return nil, res.Fault
		}
		if tc.HasResult && res.R0 != tc.Result {
			return nil, fmt.Errorf("r0 = %#x, want %#x", res.R0, tc.Result)
		}
		insns = res.Insns
		if i > 0 { // the first run warms up
			samples = append(samples, float64(t1-t0)/float64(insns))
		}
	}
	sort.Float64s(samples)
	return &benchResult{insns: insns, min: samples[0], median: samples[len(samples)/2], max: samples[len(samples)-1]}, nil
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
