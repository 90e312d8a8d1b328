package bridge

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/bpfplay/bpfplay/core/interp"
	"github.com/bpfplay/bpfplay/core/interp/testrun"
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/record"
)

// "run" executes a program with the interpreter, without the verifier:
// the page uses it while the full load pipeline (core/load, method
// "load") is not in the build, and says so. The answer has the shape of
// the "run" part of load's response.

// RunRequest is the input of "run": the load request's fields it uses.
type RunRequest struct {
	Source struct {
		Text    string `json:"text"`
		Dialect string `json:"dialect"`
		Insns   string `json:"insns"`
	} `json:"source"`
	ProgType string       `json:"prog_type"`
	Maps     []record.Map `json:"maps"`
	Run      struct {
		Data   record.Hex `json:"data"`
		Ctx    record.Hex `json:"ctx"`
		Budget int64      `json:"budget"`
		Trace  bool       `json:"trace"`
	} `json:"run"`
}

// RunAnswer is the answer of "run".
type RunAnswer struct {
	Verified bool             `json:"verified"` // always false: no verifier ran
	Listing  []ListedInsn     `json:"listing,omitempty"`
	Errors   []PositionedText `json:"errors,omitempty"`
	Run      *RunResult       `json:"run,omitempty"`
}

// RunResult is a run's outcome for the page.
type RunResult struct {
	OK             bool        `json:"ok"`
	Errno          int         `json:"errno"`
	Error          string      `json:"error,omitempty"`
	FaultPC        *int        `json:"fault_pc,omitempty"`
	Retval         string      `json:"retval"` // r0, all 64 bits, decimal (JSON numbers lose bits)
	DataOut        string      `json:"data_out,omitempty"`
	Output         []string    `json:"output"`
	Maps           []MapDump   `json:"maps,omitempty"`
	Ringbuf        []string    `json:"ringbuf,omitempty"`
	InsnsExecuted  int64       `json:"insns_executed"`
	Trace          []TraceStep `json:"trace,omitempty"`
	TraceTruncated bool        `json:"trace_truncated,omitempty"`
	Ns             int64       `json:"ns"` // one repetition's run, as BPF_PROG_TEST_RUN's duration
}

// MapDump is a map's contents after the run.
type MapDump struct {
	Name    string         `json:"name"`
	Entries []record.Entry `json:"entries"`
}

// TraceStep is one executed instruction and the registers it changed.
type TraceStep struct {
	PC   int               `json:"pc"`
	Regs map[string]string `json:"regs"`
}

// traceLimit bounds the step debugger's trace.
const traceLimit = 10000

func runInterp(params json.RawMessage) (any, error) {
	var req RunRequest
	if err := decodeParams("run", params, &req); err != nil {
		return nil, err
	}
	var ans RunAnswer
	var code []byte
	if req.Source.Insns != "" {
		b, err := hex.DecodeString(stripSpace(req.Source.Insns))
		if err != nil {
			return nil, fmt.Errorf("the instructions are not hex: %v", err)
		}
		code = b
	} else {
		d, err := lookupDialect(req.Source.Dialect)
		if err != nil {
			return nil, err
		}
		l, err := d.assemble(req.Source.Text)
		if err != nil {
			ans.Errors = asmErrors(err)
			return ans, nil
		}
		ans.Listing = listing(l, d).Insns
		code = l.Program.Encode()
	}
	if req.ProgType == "" {
		req.ProgType = "socket_filter"
	}
	in := &record.In{Name: "playground", ProgType: req.ProgType, Insns: code, Maps: req.Maps,
		TestRun: &record.TestRun{Data: req.Run.Data, Ctx: req.Run.Ctx}}
	opt := &testrun.Options{Budget: req.Run.Budget}
	if req.Run.Trace {
		opt.Trace = traceLimit
	}
	res, err := testrun.Run(in, opt)
	if err != nil {
		return nil, err
	}
	ans.Run = runResult(req.Maps, res)
	return ans, nil
}

func runResult(specs []record.Map, res *testrun.Result) *RunResult {
	r := &RunResult{OK: res.Run.OK, Errno: res.Run.Errno, Error: res.Run.Error, DataOut: hex.EncodeToString(res.Run.DataOut), Ns: res.Duration.Nanoseconds(), Output: []string{}}
	if res.State != nil {
		for _, line := range strings.Split(strings.TrimRight(res.State.TracePipe.String(), "\n"), "\n") {
			if line != "" {
				r.Output = append(r.Output, line)
			}
		}
	}
	if ir := res.Interp; ir != nil {
		r.Retval = fmt.Sprint(int64(ir.R0))
		r.InsnsExecuted = ir.Insns
		if ir.Fault != nil {
			pc := ir.Fault.PC
			r.FaultPC = &pc
		}
		r.TraceTruncated = ir.TraceTruncated
		var regs [11]uint64
		for _, s := range ir.Trace {
			st := TraceStep{PC: s.PC, Regs: map[string]string{}}
			for _, w := range s.Regs {
				if w.Reg < len(regs) {
					regs[w.Reg] = w.Value
				}
				st.Regs[fmt.Sprintf("r%d", w.Reg)] = fmt.Sprintf("%#x", w.Value)
			}
			r.Trace = append(r.Trace, st)
		}
	}
	for i, m := range res.Maps {
		name := fmt.Sprintf("map%d", i)
		if i < len(specs) && specs[i].Name != "" {
			name = specs[i].Name
		}
		if rb, ok := m.(*maps.RingBufMap); ok {
			for _, rec := range rb.Records {
				if !rec.Discarded {
					r.Ringbuf = append(r.Ringbuf, hex.EncodeToString(rec.Data))
				}
			}
			continue
		}
		r.Maps = append(r.Maps, MapDump{Name: name, Entries: maps.Dump(m)})
	}
	return r
}

// BenchRequest is the input of "bench": a program in the conformance .data
// format (asm/raw and mem sections) and how many times to run it.
type BenchRequest struct {
	Data   string `json:"data"`
	Repeat int    `json:"repeat"`
}

// BenchResult reports the interpreter's speed on this machine.
type BenchResult struct {
	R0        string  `json:"r0"`
	Insns     int64   `json:"insns"` // per run
	Runs      int     `json:"runs"`
	NsPerInsn float64 `json:"ns_per_insn"` // best run
	BestMs    float64 `json:"best_ms"`
}

func bench(params json.RawMessage) (any, error) {
	var req BenchRequest
	if err := decodeParams("bench", params, &req); err != nil {
		return nil, err
	}
	return Bench(req.Data, req.Repeat)
}

// Bench runs a conformance-format program repeat times with the
// interpreter (no budget) and reports the best run. It is exported so the
// native benchmark and the browser measure the same code.
func Bench(data string, repeat int) (*BenchResult, error) {
	t, err := conformanceParse(data)
	if err != nil {
		return nil, err
	}
	prog, err := t.Program()
	if err != nil {
		return nil, err
	}
	p, err := interp.Compile(prog, nil)
	if err != nil {
		return nil, err
	}
	repeat = max(1, min(repeat, 100))
	res := &BenchResult{Runs: repeat}
	best := time.Duration(1<<63 - 1)
	for i := 0; i < repeat; i++ {
		mem := append([]byte(nil), t.Mem...)
		start := time.Now()
		out := p.Run(&interp.Env{Mem: mem, Budget: -1})
		d := time.Since(start)
		if out.Fault != nil {
			return nil, out.Fault
		}
		best = min(best, d)
		res.Insns = out.Insns
		res.R0 = fmt.Sprintf("%#x", out.R0)
	}
	res.BestMs = float64(best) / 1e6
	if res.Insns > 0 {
		res.NsPerInsn = float64(best.Nanoseconds()) / float64(res.Insns)
	}
	return res, nil
}

func init() {
	register("run", runInterp)
	register("bench", bench)
}
