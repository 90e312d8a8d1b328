package load

import (
	"context"
	"errors"
	"time"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/progtype"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/core/verifier"
	"github.com/bpfplay/bpfplay/jit/native"
)

// runNative executes the JIT's machine code for real, in the sandboxed
// child of package native. A verified program runs as the kernel runs
// it: its xlated form (context accesses converted to struct sk_buff /
// xdp_buff offsets, helpers called by kernel address, inlined map
// lookups) on a kernel-layout context built from the run's packet and
// context, like BPF_PROG_TEST_RUN's. A program that skipped the
// verifier runs as written with the packet as raw memory (r1, r2).
// runNative reports false when it cannot run (another platform, or an
// unverified program that reads its context, whose uapi offsets mean
// nothing to a kernel-layout context); the caller then runs the
// interpreter and says why.
func runNative(ctx context.Context, req *Request, p *program, pt *progtype.Type, states [][]verifier.State, resp *Response) bool {
	if err := native.Available(); err != nil {
		resp.warn("run", "native execution is not available here ("+err.Error()+"): the interpreter ran the program")
		return false
	}
	var nreq *native.Request
	switch {
	case p.xl != nil:
		nreq = p.xl.nativeRequest(pt.Name, false, &record.TestRun{Data: req.Run.Data, Ctx: req.Run.Ctx}, p.maps)
	case p.classic != nil || usesCtx(p.prog, states):
		resp.warn("run", "without the verifier's rewrites the native runner passes the packet as raw memory (r1, r2), with no "+pt.Name+" context: this program reads its context, so the interpreter ran it")
		return false
	default:
		nreq = &native.Request{Insns: p.prog.Encode(), Mem: req.Run.Data, Maps: p.maps}
	}
	nreq.Seed, nreq.Repeat = req.Run.Seed, req.Run.Repeat
	start := time.Now()
	res, err := native.Run(ctx, nreq)
	rr := &RunResult{Engine: "native", DurationNs: time.Since(start).Nanoseconds()}
	resp.Run = rr
	if err != nil {
		var f *native.Fault
		if errors.As(err, &f) {
			rr.Fault = &Fault{PC: f.PC, Kind: f.Kind, Msg: f.Msg}
		}
		rr.Error = err.Error()
		resp.OK = false
		return true
	}
	rr.OK, rr.R0, rr.Retval = true, res.R0, uint32(res.R0)
	rr.RetvalName = pt.ReturnName(uint64(rr.Retval))
	rr.DataOut = res.Mem
	if nreq.Xlated {
		rr.DataOut = res.DataOut
	}
	for _, line := range res.Output {
		rr.TracePipe += line
	}
	for i, entries := range res.Maps {
		mc := MapContents{Name: nameAt(p.mapName, i), Entries: entries}
		if i < len(p.maps) {
			mc.Type = p.maps[i].Type
		}
		rr.Maps = append(rr.Maps, mc)
	}
	if res.MedianNs > 0 {
		rr.DurationNs = int64(res.MedianNs)
	}
	return true
}

// nativeRequest is the native runner's request for the xlated program
// on a test run's input: with rawCtx (Linux's test_bpf module), the
// context buffer as raw memory in r1; otherwise the program type's
// kernel-layout context built from the packet and the uapi context.
func (x *xlatedProg) nativeRequest(progType string, rawCtx bool, tr *record.TestRun, maps []record.Map) *native.Request {
	req := &native.Request{Insns: x.prog.Encode(), Xlated: true, MapIDs: x.mapIDs, Maps: maps, StackDepth: x.stackDepth}
	switch {
	case rawCtx:
		req.Mem = tr.Ctx
	default:
		req.ProgType, req.Data, req.Ctx = progType, tr.Data, tr.Ctx
	}
	return req
}

// nativeRecordRun runs a verified record's xlated program natively once
// (jit_run), on the record's test run input.
func nativeRecordRun(ctx context.Context, in *record.In, x *xlatedProg) *record.Run {
	if native.Available() != nil {
		return nil
	}
	testBPF := in.Source == "test_bpf"
	if testBPF {
		// test_bpf's legacy packet loads read an skb the raw context
		// is not.
		if slots, err := isa.UnmarshalSlots(in.Insns); err != nil {
			return nil
		} else if p, err := isa.Pair(slots); err != nil || hasLegacyLoads(p) {
			return nil
		}
	}
	req := x.nativeRequest(in.ProgType, testBPF, in.TestRun, in.Maps)
	// The child compiles before it runs: give the corpus's
	// million-instruction programs (verifier/scale.c) the time that
	// takes on a busy machine.
	req.Limits.WallTime = native.DefaultLimits.WallTime + time.Duration(len(req.Insns)/8)*50*time.Microsecond
	res, err := native.Run(ctx, req)
	if err != nil {
		return &record.Run{OK: false, Errno: errnoEINVAL, Error: err.Error()}
	}
	r := &record.Run{OK: true, Retval: uint32(res.R0), DataOut: res.DataOut}
	if testBPF {
		r.DataOut = nil
	}
	return r
}

func (r *Response) warn(stage, msg string) {
	r.Diagnostics = append(r.Diagnostics, Diagnostic{Severity: "warning", Stage: stage, Message: msg})
}

// usesCtx reports whether any path the verifier explored accesses memory
// through a context pointer or hands one to a helper. Without states
// (no verifier run) it assumes the worst.
func usesCtx(prog isa.Program, states [][]verifier.State) bool {
	if states == nil {
		return true
	}
	pcs := prog.PCs()
	for i, ins := range prog {
		pc := pcs[i]
		if pc >= len(states) {
			return true
		}
		var regs []int
		switch c := ins.OpCode.Class(); {
		case c == isa.LdXClass:
			regs = []int{int(ins.Src)}
		case c == isa.StClass || c == isa.StXClass:
			regs = []int{int(ins.Dst)}
		case ins.IsHelperCall() || ins.IsKfuncCall():
			regs = []int{1, 2, 3, 4, 5}
		case c == isa.LdClass && (ins.OpCode.Mode() == isa.AbsMode || ins.OpCode.Mode() == isa.IndMode):
			return true // legacy packet loads read the skb behind r6
		default:
			continue
		}
		for _, st := range states[pc] {
			if len(st.Frames) == 0 {
				continue
			}
			for _, rv := range st.Frames[len(st.Frames)-1].Regs {
				for _, r := range regs {
					if rv.Reg == r && rv.Type == "ctx" {
						return true
					}
				}
			}
		}
	}
	return false
}
