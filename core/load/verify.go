package load

import (
	"context"
	"encoding/hex"
	"fmt"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/core/verifier"
	"github.com/bpfplay/bpfplay/jit"
	"github.com/bpfplay/bpfplay/jit/ksyms"
)

// errnoNames are the names the kernel oracle writes in "error".
var errnoNames = map[int]string{
	1: "EPERM", 2: "ENOENT", 7: "E2BIG", 12: "ENOMEM", 13: "EACCES", 14: "EFAULT",
	16: "EBUSY", 22: "EINVAL", 28: "ENOSPC", 34: "ERANGE", 524: "ENOTSUPP",
}

func errnoName(errno int) string {
	if n, ok := errnoNames[errno]; ok {
		return n
	}
	return fmt.Sprintf("errno %d", errno)
}

// verifyIn runs the verifier on a program record, privileged or not.
// The options it used say which map got which id.
func verifyIn(in *record.In, unpriv bool, states bool) (*verifier.Result, *verifier.Options, error) {
	slots, opts, err := verifier.FromRecord(in, unpriv)
	if err != nil {
		return nil, nil, err
	}
	opts.NoStates = !states
	return verifier.VerifySlots(slots, opts), opts, nil
}

// verify runs the verifier for a request; it reports false when the
// program is rejected (or cannot be verified), having filled
// resp.Verifier.
func verify(ctx context.Context, req *Request, p *program, resp *Response) bool {
	in := p.record(req)
	level := req.LogLevel
	if level == 0 {
		level = 1
	}
	in.LogLevel = &level
	res, opts, err := verifyIn(in, req.Unpriv, true)
	if err != nil {
		resp.fail(inputErr("verify", "%v", err))
		return false
	}
	v := &VerifierResult{
		Accepted: res.Accepted,
		Errno:    res.Errno,
		Error:    res.ErrorLine,
		Log:      res.Log,
		Stats: Stats{
			InsnsProcessed:   res.Stats.InsnsProcessed,
			MaxStatesPerInsn: res.Stats.MaxStatesPerInsn,
			TotalStates:      res.Stats.TotalStates,
			PeakStates:       res.Stats.PeakStates,
			MarkRead:         res.Stats.MarkRead,
			StackDepth:       res.StackDepth,
			VerificationUsec: res.Stats.VerificationTimeUsec,
		},
		States: res.States,
	}
	if res.ErrorPC >= 0 && !res.Accepted {
		pc := res.ErrorPC
		v.ErrorPC = &pc
	}
	for _, s := range res.Path {
		v.Path = append(v.Path, s.PC)
	}
	resp.Verifier = v
	p.states = res.States
	if !res.Accepted {
		d := Diagnostic{Severity: "error", Stage: "verify", Message: res.ErrorLine}
		if v.ErrorPC != nil {
			d.PC = v.ErrorPC
			d.Line = p.lineOfSlot(*v.ErrorPC)
		}
		resp.Diagnostics = append(resp.Diagnostics, d)
		return false
	}
	if p.xl = newXlated(res, opts); p.xl != nil {
		resp.Xlated = xlatedListing(p.xl, p.mapName)
	}
	depth := 0
	if len(res.StackDepth) > 0 {
		depth = res.StackDepth[0]
	}
	resp.Load = loadInfo(depth)
	return true
}

// loadInfo is what bpf_prog_load does after verification on x86-64 with
// the JIT enabled: the program is JIT-compiled; the interpreter variant
// the kernel would otherwise pick is named after the stack depth rounded
// up to 32 bytes (__bpf_prog_run32, __bpf_prog_run64, ...).
func loadInfo(stackDepth int) *LoadInfo {
	rounded := (stackDepth + 31) / 32 * 32
	if rounded == 0 {
		rounded = 32
	}
	return &LoadInfo{Runtime: "jit", Interpreter: fmt.Sprintf("__bpf_prog_run%d", rounded), StackDepth: stackDepth, ID: 1}
}

// xlatedListing prints the xlated program as bpftool prints a dump:
// kernel calls named after the reference kernel's symbols
// ("call htab_map_lookup_elem#201840"), bpf-to-bpf calls by their
// pc-relative target, maps by name.
func xlatedListing(x *xlatedProg, mapNames []string) []Line {
	p := x.prog
	pcs := p.PCs()
	out := make([]Line, len(p))
	pr := &kernel.Printer{Style: kernel.Kernel,
		MapName: func(pc int, ins isa.Instruction) string {
			for i, id := range x.mapIDs {
				if id == ins.ImmLo() && i < len(mapNames) {
					return mapNames[i]
				}
			}
			return ""
		},
	}
	for i, ins := range p {
		text := ins
		if ins.IsFuncCall() {
			// The dump keeps the callee's index in imm and the
			// pc-relative target in off; print the target.
			text.Imm, text.Off = int64(ins.Off), 0
		}
		out[i] = Line{PC: pcs[i], Width: ins.Width(), Hex: hex.EncodeToString(ins.AppendBinary(nil)), Text: pr.Insn(pcs[i], text)}
		if ins.IsHelperCall() {
			if name, ok := ksyms.Name(jit.DefaultCallBase + uint64(int64(int32(ins.Imm)))); ok {
				out[i].Text = fmt.Sprintf("call %s#%d", name, int32(ins.Imm))
			}
		}
	}
	return out
}

// lineOfSlot returns the source line of the instruction at a slot, 0
// when unknown.
func (p *program) lineOfSlot(slot int) int {
	idx := p.prog.SlotIndex()
	if slot < 0 || slot >= len(idx) || idx[slot] < 0 || idx[slot] >= len(p.pos) {
		return 0
	}
	return p.pos[idx[slot]].Line
}

// verifyRecord verifies a record's program, filling the load fields of
// out (and out.Unpriv when the record asks for an unprivileged load);
// it reports whether the privileged load was accepted, and returns its
// xlated program (nil when rejected or when it does not decode).
func verifyRecord(ctx context.Context, in *record.In, out *record.Out) (bool, *xlatedProg) {
	res, opts, err := verifyIn(in, false, false)
	if err != nil {
		out.OK, out.Errno, out.Error = false, errnoEINVAL, err.Error()
		return false, nil
	}
	fillLoad(out, res)
	if in.Unpriv {
		ures, _, err := verifyIn(in, true, false)
		u := &record.Out{Name: in.Name}
		if err != nil {
			u.Errno, u.Error = errnoEINVAL, err.Error()
		} else {
			fillLoad(u, ures)
			u.Xlated = nil
		}
		out.Unpriv = u
	}
	if !res.Accepted {
		return false, nil
	}
	return true, newXlated(res, opts)
}

func fillLoad(out *record.Out, res *verifier.Result) {
	out.OK = res.Accepted
	out.Errno = res.Errno
	if !res.Accepted {
		out.Error = errnoName(res.Errno)
	}
	out.Log = res.Log
	out.InsnsProcessed = res.Stats.InsnsProcessed
	if res.Accepted {
		out.Xlated = isa.MarshalSlots(res.Xlated)
	}
}
