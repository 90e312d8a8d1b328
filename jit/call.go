package jit

import "github.com/bpfplay/bpfplay/core/isa"

// Kernel structure offsets the tail-call sequence reads (Linux 6.1,
// x86-64): struct bpf_map.max_entries, struct bpf_array.ptrs and
// struct bpf_prog.bpf_func. A native runner that executes tail calls must
// lay its program arrays out the same way.
const (
	OffMapMaxEntries = 0x24
	OffArrayPtrs     = 0x110
	OffProgBPFFunc   = 0x30

	// MaxTailCallCnt is MAX_TAIL_CALL_CNT: a chain of tail calls stops
	// (falls through) after this many.
	MaxTailCallCnt = 33
)

// call emits helper calls, bpf-to-bpf calls and tail calls.
func (f *funcJIT) call(c *code, k, pc int, ins isa.Instruction) error {
	if isTailCall(ins) {
		if f.direct(pc, ins) {
			f.tailCallDirect(c, pc)
		} else {
			f.tailCallIndirect(c, pc)
		}
		return nil
	}
	var target uint64
	kind := RelocHelper
	imm := ins.Imm
	switch ins.Src {
	case isa.CallHelper, isa.CallKfunc:
		if h := f.prog.opt.Helper; h != nil {
			t, err := h(int32(ins.Imm))
			if err != nil {
				return errorf(pc, "%v", err)
			}
			target = t
		} else {
			target = f.prog.opt.CallBase + uint64(int64(int32(ins.Imm)))
		}
	case isa.CallFunc:
		callee := f.prog.funcOf(callTarget(pc, ins))
		target = f.prog.funcs[callee].addr
		kind, imm = RelocFunc, int64(callee)
	default:
		return errorf(pc, "unknown call kind (src %d)", ins.Src)
	}
	return f.emitCall(c, pc, kind, target, imm)
}

// emitCall emits the call itself: with tail calls reachable, the counter
// is first reloaded into rax for the callee's prologue to push.
func (f *funcJIT) emitCall(c *code, pc int, kind RelocKind, target uint64, imm int64) error {
	offs := c.len()
	if f.tailCallReachable {
		// mov rax, [rbp-S-8]: hand the tail-call counter to the callee,
		// which pushes it in its own prologue.
		c.emit(rex(true, 0, 0, rbp), 0x8b)
		c.emit(modrm(modDisp32, rax.low3(), rbp.low3()))
		c.imm32(f.savedCounterOff())
		offs = c.len()
	}
	rel := int64(0)
	if f.final_ {
		ip := f.addr + uint64(f.insnStart()+offs+5)
		rel = int64(target - ip)
		if !isSimm32(rel) {
			return errorf(pc, "call target %#x is out of rel32 range of the image at %#x", target, f.addr)
		}
	}
	f.reloc(kind, pc, offs+1, 4, target, imm)
	c.call32(int32(rel)) // call target
	return nil
}

// callx (call by register, not a Linux 6.1 instruction: Linux's x86 JIT
// does not support it) is bpfplay's own form: the target goes to r11 and
// a thunk (Options.CallXThunk) dispatches it, as a helper number when it
// is small and as a function address otherwise.
func (f *funcJIT) callx(c *code, pc int, ins isa.Instruction) error {
	if int(ins.Dst) >= len(regMap) {
		return errorf(pc, "register out of range")
	}
	c.mov64(regAux, x86(ins.Dst)) // mov r11, target
	return f.emitCall(c, pc, RelocCallX, f.prog.opt.CallXThunk, 0)
}

// direct reports whether the tail call at pc gets the patchable direct
// form: Options.DirectTailCall says; else the verifier's internal form
// (BPF_JMP|BPF_TAIL_CALL) carries the poke descriptor's index + 1 in imm
// (0: indirect); else (the dumped form, "call 12") it is guessed.
func (f *funcJIT) direct(pc int, ins isa.Instruction) bool {
	if d := f.prog.opt.DirectTailCall; d != nil {
		return d(pc)
	}
	if ins.OpCode == opTailCall {
		return ins.Imm != 0
	}
	return DirectTailCallGuess(f.prog.prog, pc)
}

// tailCallIndirect: look the target up in the program array (r2) at the
// index (r3) at run time, and jump into it past its prologue's patch
// sites with this frame torn down, unless the index is out of range, the
// counter reached MaxTailCallCnt, or the slot is empty.
func (f *funcJIT) tailCallIndirect(c *code, pc int) {
	var outs []int // positions of rel8 bytes that jump to "out"
	jccOut := func(cc byte) {
		c.emit(0x70+cc, 0)
		outs = append(outs, c.len()-1)
	}
	tcc := f.tailCallCounterOff()
	c.movRR(false, rdx, rdx) // mov edx, edx: the index is a u32
	c.emit(opCmp)            // cmp [rsi+max_entries], edx
	c.mem(rdx.low3(), rsi, OffMapMaxEntries)
	jccOut(ccBE)                                           // jbe out
	c.emit(0x8b, modrm(modDisp32, rax.low3(), rbp.low3())) // mov eax, [rbp-tcc]
	c.imm32(tcc)                                           //
	c.cmpRI(false, rax, MaxTailCallCnt)                    // cmp eax, MAX_TAIL_CALL_CNT
	jccOut(ccAE)                                           // jae out
	c.aluRI(opAdd, false, rax, 1)                          // add eax, 1
	c.emit(0x89, modrm(modDisp32, rax.low3(), rbp.low3())) // mov [rbp-tcc], eax
	c.imm32(tcc)                                           //
	c.emit(rex(true, rcx, 0, rsi), 0x8b)                   // mov rcx, [rsi+rdx*8+ptrs]
	c.memIndex8(rcx.low3(), rsi, rdx, OffArrayPtrs)        //
	c.aluRR(opTest, true, rcx, rcx)                        // test rcx, rcx
	jccOut(ccE)                                            // je out
	f.popCallee(c)                                         // pop r15...rbx
	c.pop(rax)                                             // pop rax: the counter
	if d := roundUp8(f.depth); d > 0 {
		c.emit(rex(true, 0, 0, rsp), 0x81) // add rsp, S
		c.modrmExt(0, rsp)
		c.imm32(int32(d))
	}
	c.emit(rex(true, rcx, 0, rcx), 0x8b) // mov rcx, [rcx+bpf_func]
	c.mem(rcx.low3(), rcx, OffProgBPFFunc)
	c.aluRI(opAdd, true, rcx, xTailCallOffset) // add rcx, X86_TAIL_CALL_OFFSET
	rel := int64(0)
	if f.final_ {
		rel = int64(f.prog.opt.IndirectThunk - (f.addr + uint64(f.insnStart()+c.len()+5)))
	}
	f.reloc(RelocThunk, pc, c.len()+1, 4, f.prog.opt.IndirectThunk, 0)
	c.jmp32(int32(rel)) // jmp __x86_indirect_thunk_rcx
	for _, p := range outs {
		c.b[p] = byte(c.len() - (p + 1))
	}
}

// tailCallDirect: the verifier proved map and index constant, so the
// target is patched into the code when the program array slot changes
// (text_poke). Until then the bypass jump skips the patch site.
func (f *funcJIT) tailCallDirect(c *code, pc int) {
	tcc := f.tailCallCounterOff()
	c.emit(0x8b, modrm(modDisp32, rax.low3(), rbp.low3())) // mov eax, [rbp-tcc]
	c.imm32(tcc)
	c.cmpRI(false, rax, MaxTailCallCnt) // cmp eax, MAX_TAIL_CALL_CNT
	c.emit(0x70+ccAE, 0)                // jae out
	jae := c.len() - 1
	c.aluRI(opAdd, false, rax, 1)                          // add eax, 1
	c.emit(0x89, modrm(modDisp32, rax.low3(), rbp.low3())) // mov [rbp-tcc], eax
	c.imm32(tcc)
	c.emit(0xe9, 0, 0, 0, 0) // jmp out: the bypass, patched to a nop when the slot is filled
	bypass := c.len() - 4
	f.popCallee(c)
	c.pop(rax) // pop rax
	if d := roundUp8(f.depth); d > 0 {
		c.emit(rex(true, 0, 0, rsp), 0x81) // add rsp, S
		c.modrmExt(0, rsp)
		c.imm32(int32(d))
	}
	c.emit(nop5...) // patch site: becomes jmp target+X86_TAIL_CALL_OFFSET
	out := c.len()
	c.b[jae] = byte(out - (jae + 1))
	rel := int32(out - (bypass + 4))
	c.b[bypass], c.b[bypass+1], c.b[bypass+2], c.b[bypass+3] = byte(rel), byte(rel>>8), byte(rel>>16), byte(rel>>24)
}

// DirectTailCallGuess tells, without the verifier, whether Linux would
// give the tail call at slot pc a poke descriptor: it does when the
// program array (r2) and the index (r3) are the same constants on every
// path. This approximation looks back through the straight-line code
// before the call for an ld_imm64 of a map into r2 and a constant into
// r3; the load pipeline passes the verifier's own answer instead.
func DirectTailCallGuess(p isa.Program, pc int) bool {
	pcs := p.PCs()
	idx := -1
	for i, s := range pcs {
		if s == pc {
			idx = i
		}
	}
	if idx < 0 {
		return false
	}
	// Slots that are jump targets end the straight line.
	targets := map[int]bool{}
	for i, ins := range p {
		if ins.IsBranch() {
			targets[pcs[i]+1+ins.BranchOffset()] = true
		}
	}
	r2, r3 := false, false
	decided2, decided3 := false, false
	for i := idx - 1; i >= 0 && !(decided2 && decided3); i-- {
		ins := p[i]
		writes := func(r isa.Register) bool {
			cls := ins.OpCode.Class()
			switch {
			case cls.IsALU() || ins.IsLdImm64() || cls == isa.LdXClass:
				return ins.Dst == r
			case ins.OpCode == isa.OpCall:
				return r <= isa.R5
			case ins.IsAtomic() && ins.Atomic().Fetch():
				return ins.Src == r || (ins.Atomic() == isa.AtomicCmpXchg && r == isa.R0)
			}
			return false
		}
		if !decided2 && writes(isa.R2) {
			decided2 = true
			r2 = ins.IsLdImm64() && (ins.Pseudo() == isa.PseudoMapFD || ins.Pseudo() == isa.PseudoMapIdx)
		}
		if !decided3 && writes(isa.R3) {
			decided3 = true
			r3 = ins.OpCode == isa.ALUOpCode(isa.ALU64Class, isa.Mov, isa.ImmSource) ||
				ins.OpCode == isa.ALUOpCode(isa.ALUClass, isa.Mov, isa.ImmSource) ||
				(ins.IsLdImm64() && ins.Pseudo() == isa.PseudoNone)
		}
		if targets[pcs[i]] || ins.OpCode.Class().IsJump() && ins.IsBranch() {
			break
		}
	}
	return r2 && r3
}
