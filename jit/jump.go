package jit

import "github.com/bpfplay/bpfplay/core/isa"

// jumpCC maps an eBPF comparison to the x86 condition tested after
// "cmp dst, src" (or "test" for jset), indexed by op>>4.
var jumpCC = [16]byte{
	isa.JEq >> 4:  ccE,
	isa.JNE >> 4:  ccNE,
	isa.JSet >> 4: ccNE,
	isa.JGT >> 4:  ccA,
	isa.JGE >> 4:  ccAE,
	isa.JLT >> 4:  ccB,
	isa.JLE >> 4:  ccBE,
	isa.JSGT >> 4: ccG,
	isa.JSGE >> 4: ccGE,
	isa.JSLT >> 4: ccL,
	isa.JSLE >> 4: ccLE,
}

// jump emits JMP and JMP32 instructions: conditional jumps, ja/gotol,
// calls and exit.
func (f *funcJIT) jump(c *code, k, pc int, ins isa.Instruction) error {
	op := ins.OpCode.JumpOp()
	switch {
	case ins.OpCode == isa.OpExit:
		return f.exit(c, k)
	case ins.OpCode == isa.OpCall || ins.OpCode == opTailCall:
		return f.call(c, k, pc, ins)
	case ins.OpCode == isa.OpCallX:
		return f.callx(c, pc, ins)
	case ins.OpCode == isa.OpJa || ins.OpCode == isa.OpJa32:
		if ins.BranchOffset() == -1 {
			// A jump to itself (what dead code sanitizing leaves behind)
			// is always jmp -2, whatever the passes measured.
			c.jmp8(-2)
			return nil
		}
		t, err := f.target(k, pc, ins)
		if err != nil {
			return err
		}
		f.jmp(c, k, f.addrs[t]-f.addrs[k+1])
		return nil
	case op.IsConditional():
		return f.condJump(c, k, pc, ins, op)
	}
	return errorf(pc, "unknown jump opcode %#02x", uint8(ins.OpCode))
}

// target returns the local slot a branch at local slot k goes to.
func (f *funcJIT) target(k, pc int, ins isa.Instruction) (int, error) {
	t := k + 1 + ins.BranchOffset()
	if t < 0 || t > f.n {
		return 0, errorf(pc, "jump to %d leaves the function", f.first+t)
	}
	if t < f.n && f.prog.insnAt[f.first+t] < 0 {
		return 0, errorf(pc, "jump into the middle of ld_imm64 at %d", f.first+t)
	}
	return t, nil
}

// jmp emits an unconditional jump of displacement rel (relative to the
// end of this instruction as the previous pass measured it): nothing for
// a jump to the next instruction, jmp rel8 or jmp rel32. In the padding
// passes a jump that would shrink keeps its previous size, with the nops
// in front of it so that its displacement stays right.
func (f *funcJIT) jmp(c *code, k int, rel int) {
	switch {
	case rel == 0:
		if f.padding {
			c.nops(f.shrink(c, k, 0))
		}
	case f.short(c, k, rel, 2):
		if f.padding {
			c.nops(f.shrink(c, k, 2))
		}
		c.jmp8(int32(rel)) // jmp rel8
	default:
		c.jmp32(int32(rel)) // jmp rel32
	}
}

// shrink is how many bytes the instruction at local slot k would lose
// against the previous pass if it ended with a jump of n bytes now.
func (f *funcJIT) shrink(c *code, k int, n int) int {
	prev := f.addrs[k+1] - f.addrs[k]
	return max(prev-c.len()-n, 0)
}

// condJump: cmp/test, then jcc.
func (f *funcJIT) condJump(c *code, k, pc int, ins isa.Instruction, op isa.JumpOp) error {
	w := ins.OpCode.Class() == isa.JumpClass
	if int(ins.Dst) >= len(regMap) || int(ins.Src) >= len(regMap) {
		return errorf(pc, "register out of range")
	}
	dst := x86(ins.Dst)
	imm := int32(ins.Imm)
	switch {
	case ins.OpCode.Source() == isa.RegSource && op == isa.JSet:
		c.aluRR(opTest, w, dst, x86(ins.Src)) // test dst, src
	case ins.OpCode.Source() == isa.RegSource:
		c.aluRR(opCmp, w, dst, x86(ins.Src)) // cmp dst, src
	case op == isa.JSet:
		c.testRI(w, dst, imm) // test dst, imm32
	case imm == 0:
		c.aluRR(opTest, w, dst, dst) // test dst, dst: same flags as cmp dst, 0, one byte less
	default:
		c.cmpRI(w, dst, imm) // cmp dst, imm
	}
	t, err := f.target(k, pc, ins)
	if err != nil {
		return err
	}
	rel := f.addrs[t] - f.addrs[k+1]
	if f.short(c, k, rel, 2) {
		if f.padding {
			c.nops(f.shrink(c, k, 2))
		}
		c.jcc8(jumpCC[op>>4], int32(rel)) // jcc rel8
	} else {
		c.jcc32(jumpCC[op>>4], int32(rel)) // jcc rel32
	}
	return nil
}

// exit: the first exit emits the epilogue, later ones jump to it.
func (f *funcJIT) exit(c *code, k int) error {
	if f.seenExit {
		f.jmp(c, k, f.cleanup-f.addrs[k+1])
		return nil
	}
	f.seenExit = true
	f.cleanup = f.insnStart()
	f.epilogue(c)
	return nil
}

// short decides between the rel8 and rel32 forms of a jump whose
// displacement, as the previous pass measured it, is rel. A forward jump
// that would shrink against the previous pass is judged by the
// displacement it would have once shrunk (its end moves back by the bytes
// it loses, so a forward target gets that much farther): rel plus that
// slack must still fit in 8 bits. Backward jumps only get closer when
// they shrink and are judged by rel. Measured on Linux 6.1 with the
// "torturous jumps" programs (testdata/jit-oracle/torturous.jsonl):
// forward jumps of displacement 124 and 125 that would shrink by 4 and 3
// stay long, while a backward one of -130 stays long and one of -127 is
// short.
func (f *funcJIT) short(c *code, k int, rel int, n int) bool {
	if slack := f.prevSize - c.len() - n; slack > 0 && rel > 0 {
		return isImm8(int64(rel + slack))
	}
	return isImm8(int64(rel))
}
