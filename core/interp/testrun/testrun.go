// Package testrun runs program records (see FORMATS.md) in the
// interpreter the way Linux's BPF_PROG_TEST_RUN runs them: maps created
// from the record and patched into the program's map references, the
// context built from test_run.data/ctx by the program type's rules, the
// program run test_run.repeat times, and the kernel-shaped answer
// (retval, data_out, ctx_out) returned with the maps' contents and the
// outputs (trace_pipe, perf and ring buffer records).
//
// It does not verify: callers that want the verifier's verdict first
// (core/load) call it after; `bpfplay batch --no-verify` and the
// test_bpf corpus test call it directly, as Linux's test_bpf module runs
// programs without the verifier.
package testrun

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/bpfplay/bpfplay/core/helpers"
	"github.com/bpfplay/bpfplay/core/interp"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/progtype"
	"github.com/bpfplay/bpfplay/core/record"
)

// Options adjust a run.
type Options struct {
	Budget int64 // per repetition; 0: interp.DefaultBudget
	Trace  int   // steps to trace (first repetition only)
	State  *helpers.State
	// Programs resolve prog_array values (userspace writes program
	// ids); nil leaves prog_array slots empty, as the corpus was run.
	Programs map[uint32]*interp.Program
	// MaxRepeat caps test_run.repeat (0: 1000). The kernel runs the
	// program repeat times on the same context, so maps, the packet and
	// the clock carry over from one run to the next; the answer is the
	// last run's.
	MaxRepeat int
	// RawCtx makes r1 point to a plain copy of test_run.ctx instead of
	// the program type's context, as Linux's test_bpf module does for
	// its large-memory tests (records with "source": "test_bpf").
	RawCtx bool
	// PerfClosed makes perf_event_array outputs fail with ENOENT, as in
	// the kernel when no perf event is open (the default captures them).
	PerfClosed bool
	// DataOutSize is the caller's data_out buffer (0: the kernel
	// oracle's default, len(data)+4096 and at least 256). A longer packet
	// is cut to it and the run fails with ENOSPC, as BPF_PROG_TEST_RUN
	// does.
	DataOutSize int
	// Cancel stops the run when set (checked every 64Ki instructions).
	Cancel *atomic.Bool
}

// Result is a run's outcome.
type Result struct {
	Run    record.Run     // the kernel-shaped answer
	Interp *interp.Result // the last repetition's details
	Maps   []maps.Map     // the record's maps, in order
	State  *helpers.State // trace_pipe, clock ...
	Ctx    *progtype.Run  // the context after the run
	Prog   *interp.Program
	// Duration is the mean wall time of one repetition, the program's
	// run alone (as BPF_PROG_TEST_RUN's duration): maps, compilation
	// and the context's set-up are outside it.
	Duration time.Duration
}

// FD numbers given to a record's maps: the kernel oracle's first fd is
// 3 (after stdio); the interpreter only needs them to be distinct.
const firstFD = 3

// Prepare creates the record's maps, patches the program's map
// references (fixups) and compiles it.
func Prepare(in *record.In) (*interp.Program, []maps.Map, error) {
	if in.CBPF {
		return nil, nil, errors.New("classic BPF records must be converted to eBPF first (core/cbpf)")
	}
	slots, err := isa.UnmarshalSlots(in.Insns)
	if err != nil {
		return nil, nil, err
	}
	ms := make([]maps.Map, len(in.Maps))
	fds := map[int32]maps.Map{}
	names := map[maps.Map]string{}
	for i := range in.Maps {
		m, err := maps.FromRecord(&in.Maps[i])
		if err != nil {
			return nil, nil, fmt.Errorf("map %d: %w", i, err)
		}
		ms[i] = m
		fd := int32(firstFD + i)
		fds[fd] = m
		names[m] = in.Maps[i].Name
		if names[m] == "" {
			names[m] = fmt.Sprintf("map%d", i)
		}
		for _, s := range in.Maps[i].Fixups {
			if s < 0 || s >= len(slots) || slots[s].Op != isa.OpLdImm64 {
				return nil, nil, fmt.Errorf("map %d: fixup slot %d is not an ld_imm64", i, s)
			}
			slots[s].Src = isa.Register(isa.PseudoMapFD)
			slots[s].Imm = fd
		}
		for _, s := range in.Maps[i].ValueFixups {
			if s < 0 || s >= len(slots) || slots[s].Op != isa.OpLdImm64 {
				return nil, nil, fmt.Errorf("map %d: value fixup slot %d is not an ld_imm64", i, s)
			}
			slots[s].Src = isa.Register(isa.PseudoMapValue)
			slots[s].Imm = fd
		}
	}
	prog, err := isa.Pair(slots)
	if err != nil {
		return nil, nil, err
	}
	p, err := interp.Compile(prog, &interp.Options{Name: in.Name, MapFDs: fds, MapNames: names})
	if err != nil {
		return nil, nil, err
	}
	return p, ms, nil
}

// Run runs a record's test_run (an empty one when it has none).
func Run(in *record.In, opt *Options) (*Result, error) {
	if opt == nil {
		opt = &Options{}
	}
	pt, ok := progtype.Lookup(in.ProgType)
	if !ok {
		return nil, fmt.Errorf("unknown program type %q", in.ProgType)
	}
	p, ms, err := Prepare(in)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if pe, ok := m.(*maps.PerfEventArrayMap); ok {
			pe.Closed = opt.PerfClosed
		}
		if pa, ok := m.(*maps.ProgArrayMap); ok && opt.Programs != nil {
			pa.Resolve = func(id uint32) (any, error) {
				if p, ok := opt.Programs[id]; ok {
					return p, nil
				}
				return nil, maps.EBADF
			}
		}
	}
	tr := in.TestRun
	if tr == nil {
		tr = &record.TestRun{}
	}
	res := &Result{Maps: ms, Prog: p, State: opt.State}
	if res.State == nil {
		res.State = helpers.NewState(1)
	}
	if !pt.TestRun {
		res.Run = record.Run{OK: false, Errno: int(maps.ENOTSUPP), Error: "ENOTSUPP"}
		return res, nil
	}
	var ctx *progtype.Run
	if opt.RawCtx && len(tr.Ctx) > 0 {
		ctx = &progtype.Run{Type: pt, Raw: append([]byte(nil), tr.Ctx...)}
	} else {
		ctx, err = progtype.NewRun(pt, progtype.Input{Data: tr.Data, Ctx: tr.Ctx})
	}
	if err != nil {
		// The reason goes with the errno: the kernel gives none, a
		// playground user needs one (a packet too short, a ctx field
		// that must be zero).
		res.Run = record.Run{OK: false, Errno: int(maps.EINVAL), Error: "EINVAL: " + err.Error()}
		if errors.Is(err, progtype.ErrNoDev) {
			res.Run = record.Run{OK: false, Errno: 19, Error: "ENODEV"}
		}
		return res, nil
	}
	repeat := max(tr.Repeat, 1)
	if opt.MaxRepeat > 0 {
		repeat = min(repeat, opt.MaxRepeat)
	} else {
		repeat = min(repeat, 1000)
	}
	var trace []interp.Step
	var trunc bool
	start := time.Now()
	ran := 0
	for i := 0; i < repeat; i++ {
		ran++
		env := &interp.Env{Ctx: ctx, Budget: opt.Budget, State: res.State, Cancel: opt.Cancel}
		if i == 0 {
			env.Trace = opt.Trace
		}
		res.Interp = p.Run(env)
		if i == 0 {
			trace, trunc = res.Interp.Trace, res.Interp.TraceTruncated
		}
		if res.Interp.Fault != nil {
			break
		}
	}
	res.Duration = time.Since(start) / time.Duration(ran)
	// The trace is the first repetition's (the one traced).
	res.Interp.Trace, res.Interp.TraceTruncated = trace, trunc
	res.Ctx = ctx
	r := &res.Run
	if f := res.Interp.Fault; f != nil {
		r.OK = false
		r.Errno = int(maps.EINVAL)
		r.Error = f.Error()
		return res, nil
	}
	r.OK = true
	r.Retval = uint32(res.Interp.R0)
	r.DataOut = ctx.DataOut()
	r.DataSizeOut = len(r.DataOut)
	size := opt.DataOutSize
	if size == 0 {
		size = max(len(tr.Data)+4096, 256)
	}
	if len(r.DataOut) > size {
		r.DataOut = r.DataOut[:size]
		r.OK, r.Errno, r.Error = false, 28, "ENOSPC"
	}
	if out := ctx.CtxOut(); out != nil {
		r.CtxOut = out
	}
	return res, nil
}

// MapsAfter dumps every map as the kernel oracle's maps_after does.
func (r *Result) MapsAfter() [][]record.Entry {
	out := make([][]record.Entry, len(r.Maps))
	for i, m := range r.Maps {
		out[i] = maps.Dump(m)
	}
	return out
}
