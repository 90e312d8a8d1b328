package load

import (
	"context"
	"fmt"
	"strings"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/core/verifier"
	"github.com/bpfplay/bpfplay/jit"
	"github.com/bpfplay/bpfplay/jit/native"
)

// compileJIT emits the x86-64 code Linux 6.1's JIT would, at the
// reference kernel's addresses, with a listing that maps machine code to
// eBPF instructions. A verified program is compiled in its xlated form,
// as the kernel compiles it: the listing's slots are then xlated slots
// (response.xlated), each with the original instruction it came from
// where known. A program that skipped the verifier is compiled as
// written.
func compileJIT(req *Request, p *program, resp *Response) {
	opts := jit.DisplayOptions{MapNames: p.mapName, Syntax: jit.ATT}
	if req.JITSyntax == "intel" {
		opts.Syntax = jit.Intel
	}
	prog, program := p.prog, "as_written"
	if p.xl != nil {
		prog, program = p.xl.withMapIndices(), "xlated"
		opts.Xlated, opts.StackDepth, opts.DirectTailCall = true, p.xl.stackDepth, p.xl.directTailCall
	} else if v := resp.Verifier; v != nil && v.Accepted {
		opts.StackDepth = v.Stats.StackDepth
	}
	d, err := jit.CompileForDisplay(prog, opts)
	if err != nil {
		resp.Diagnostics = append(resp.Diagnostics, Diagnostic{Severity: "error", Stage: "jit", Message: fmt.Sprintf("JIT: %v", err)})
		resp.OK = false
		return
	}
	var orig []int
	if p.xl != nil {
		orig = p.xl.origSlots()
	}
	lines := make([]JITLine, len(d.Listing))
	for i, l := range d.Listing {
		lines[i] = JITLine{Line: l}
		switch {
		case l.Slot < 0:
		case p.xl == nil:
			o := l.Slot
			lines[i].OrigSlot = &o
		case l.Slot < len(orig) && orig[l.Slot] >= 0:
			o := orig[l.Slot]
			lines[i].OrigSlot = &o
		}
	}
	resp.JIT = &JITResult{Program: program, Code: d.Image.Code, FuncLens: d.Image.FuncLens(), Listing: lines}
}

// jitXlatedRecord fills a verified record's jited and jited_func_lens
// with the JIT's image of the verifier's xlated program, as the kernel
// reports them (at the reference kernel's addresses), and with native,
// its jit_run: the xlated program run natively the way the kernel's
// BPF_PROG_TEST_RUN runs it.
func jitXlatedRecord(ctx context.Context, in *record.In, out *record.Out, xl *xlatedProg, native bool) {
	img, err := jit.CompileDisplayImage(xl.withMapIndices(), jit.DisplayOptions{Xlated: true, StackDepth: xl.stackDepth, DirectTailCall: xl.directTailCall})
	if err != nil {
		out.Error = strings.TrimSpace(out.Error + " jit: " + err.Error())
		return
	}
	out.Jited, out.JitedFuncLens = img.Code, img.FuncLens()
	if native && in.TestRun != nil {
		out.JitRun = nativeRecordRun(ctx, in, xl)
	}
}

// jitRecord fills an unverified record's jited and jited_func_lens with
// the JIT's image of the program as written, and jit_run when the
// program can run natively: test_bpf-style records whose r1 is the raw
// context buffer, without legacy packet loads (they need an skb).
func jitRecord(ctx context.Context, in *record.In, out *record.Out) {
	slots, _, err := verifier.FromRecord(in, false)
	if err != nil {
		return
	}
	prog, err := isa.Pair(slots)
	if err != nil {
		return
	}
	img, err := jit.CompileDisplayImage(prog, jit.DisplayOptions{})
	if err != nil {
		out.Error = strings.TrimSpace(out.Error + " jit: " + err.Error())
		return
	}
	out.Jited, out.JitedFuncLens = img.Code, img.FuncLens()
	if in.TestRun == nil || in.Source != "test_bpf" || native.Available() != nil || hasLegacyLoads(prog) {
		return
	}
	res, err := native.Run(ctx, &native.Request{Insns: prog.Encode(), Mem: in.TestRun.Ctx, Maps: in.Maps})
	if err != nil {
		out.JitRun = &record.Run{OK: false, Errno: errnoEINVAL, Error: err.Error()}
		return
	}
	out.JitRun = &record.Run{OK: true, Retval: uint32(res.R0)}
}

func hasLegacyLoads(p isa.Program) bool {
	for _, ins := range p {
		if ins.OpCode.Class() == isa.LdClass && (ins.OpCode.Mode() == isa.AbsMode || ins.OpCode.Mode() == isa.IndMode) {
			return true
		}
	}
	return false
}
