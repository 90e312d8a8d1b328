package load

import (
	"context"
	"errors"
	"time"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/progtype"
	"github.com/bpfplay/bpfplay/core/verifier"
	"github.com/bpfplay/bpfplay/jit/native"
)

// runNative executes the JIT's machine code for real, in the sandboxed
// child of package native. It reports false when it cannot (another
// platform, or a program that reads its context: the native runner
// passes the packet as raw memory in r1/r2, so context fields would read
// garbage); the caller then runs the interpreter and says why.
func runNative(ctx context.Context, req *Request, p *program, pt *progtype.Type, states [][]verifier.State, resp *Response) bool {
	if err := native.Available(); err != nil {
		resp.warn("run", "native execution is not available here ("+err.Error()+"): the interpreter ran the program")
		return false
	}
	if p.classic != nil || usesCtx(p.prog, states) {
		resp.warn("run", "the native runner passes the packet as raw memory (r1, r2) and has no "+pt.Name+" context yet: this program reads its context, so the interpreter ran it")
		return false
	}
	nreq := &native.Request{Insns: p.prog.Encode(), Mem: req.Run.Data, Maps: p.maps, Seed: req.Run.Seed, Repeat: req.Run.Repeat}
	if resp.Verifier != nil {
		nreq.StackDepth = resp.Verifier.Stats.StackDepth
	}
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
