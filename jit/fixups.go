package jit

import (
	"fmt"

	"github.com/bpfplay/bpfplay/core/isa"
)

// RuntimeFixups returns p with the run-time guards the verifier adds
// before a program reaches the JIT, for programs that skip the verifier
// (the conformance suite, the differential fuzzer, raw test runs). x86's
// div and idiv trap on a zero divisor and idiv on LLONG_MIN / -1, where
// eBPF defines results (RFC 9669): the guards make the machine code
// compute those.
//
//   - div/mod by a register (Linux 6.1's rewrite, as the corpus's xlated
//     code shows it): "if src != 0 goto +2; w_dst ^= w_dst; goto +1; div"
//     and "if src == 0 goto +1; mod" (32-bit mod also zero-extends dst
//     when src is 0);
//   - signed div/mod by a register (cpu v4): src == 0 and src == -1 are
//     caught through r11 (BPF_REG_AX), with Linux 6.12's sequences:
//     x s/ 0 = 0, x s% 0 = x, x s/ -1 = -x, x s% -1 = 0;
//   - by an immediate: 0 and (signed) -1 are replaced by their results
//     (the verifier rejects a constant 0 divisor; the JIT never sees it);
//   - a 32-bit cmpxchg is followed by "w0 = w0": x86 leaves rax's upper
//     half alone when the exchange succeeds, and the verifier zero-
//     extends r0 explicitly.
//
// Branch offsets, bpf-to-bpf call targets (raw form: imm) and function
// references are adjusted to the inserted instructions; a conditional
// branch pushed out of 16-bit reach goes through a gotol.
func RuntimeFixups(p isa.Program) (isa.Program, error) {
	// Guards make the code longer; a branch whose offset no longer fits
	// 16 bits becomes "if cond goto +1; goto +1; gotol target". That
	// changes offsets again, so repeat until nothing more overflows.
	long := map[int]bool{}
	for {
		q, overflow, err := fixup(p, long)
		if err != nil {
			return nil, err
		}
		if len(overflow) == 0 {
			return q, nil
		}
		for _, i := range overflow {
			long[i] = true
		}
	}
}

// fixup lays out p with the guards and the long forms of the branches
// in long, and returns the branches that overflow in that layout.
func fixup(p isa.Program, long map[int]bool) (isa.Program, []int, error) {
	pcs := p.PCs()
	nslots := p.NumSlots()
	type piece struct {
		ins  isa.Instruction
		orig int // index in p of the instruction to retarget, -1 for inserted ones
	}
	var out []piece
	newStart := make([]int, nslots+1) // old slot -> new slot where its code starts
	newPos := make([]int, len(p))     // old insn -> new slot of the retargeted instruction
	slot := 0
	for i, ins := range p {
		newStart[pcs[i]] = slot
		seq, at := divGuard(ins)
		if ins.IsAtomic() && ins.Atomic() == isa.AtomicCmpXchg && ins.OpCode.Size() == isa.Word {
			zext0 := isa.Instruction{OpCode: isa.ALUOpCode(isa.ALUClass, isa.Mov, isa.RegSource), Dst: isa.R0, Src: isa.R0}
			seq, at = []isa.Instruction{ins, zext0}, 0
		}
		if long[i] {
			gotol := isa.Instruction{OpCode: isa.OpJa32}
			if ins.OpCode == isa.OpJa {
				seq, at = []isa.Instruction{gotol}, 0
			} else {
				cond := ins
				cond.Off = 1
				seq, at = []isa.Instruction{cond, {OpCode: isa.OpJa, Off: 1}, gotol}, 2
			}
		}
		if seq == nil {
			seq, at = []isa.Instruction{ins}, 0
		}
		for k, s := range seq {
			o := -1
			if k == at {
				o = i
				newPos[i] = slot
			}
			out = append(out, piece{s, o})
			slot += s.Width()
		}
	}
	newStart[nslots] = slot
	var overflow []int
	q := make(isa.Program, len(out))
	for k, pc := range out {
		ins := pc.ins
		if pc.orig >= 0 {
			i := pc.orig
			old := pcs[i]
			target := func(rel int) (int, error) {
				t := old + 1 + rel
				if t < 0 || t > nslots {
					return 0, fmt.Errorf("jit: insn %d: target %d is outside the program", old, t)
				}
				return newStart[t] - (newPos[i] + 1), nil
			}
			orig := p[i]
			switch {
			case orig.IsGotol() || (long[i] && orig.IsBranch()):
				r, err := target(orig.BranchOffset())
				if err != nil {
					return nil, nil, err
				}
				ins.Imm = int64(int32(r))
			case orig.IsBranch():
				r, err := target(int(orig.Off))
				if err != nil {
					return nil, nil, err
				}
				if r != int(int16(r)) {
					overflow = append(overflow, i)
				}
				ins.Off = int16(r)
			case orig.IsFuncCall():
				r, err := target(int(int32(orig.Imm)))
				if err != nil {
					return nil, nil, err
				}
				ins.Imm = int64(int32(r))
			case orig.IsLdImm64() && orig.Pseudo() == isa.PseudoFunc:
				r, err := target(int(orig.ImmLo()))
				if err != nil {
					return nil, nil, err
				}
				ins.Imm = int64(uint64(uint32(int32(r))) | uint64(uint32(orig.ImmHi()))<<32)
			}
		}
		q[k] = ins
	}
	return q, overflow, nil
}

// divGuard returns the guarded sequence for a div or mod and the index
// of the original instruction in it, or nil when none is needed.
func divGuard(ins isa.Instruction) ([]isa.Instruction, int) {
	op := ins.OpCode.ALUOp()
	cls := ins.OpCode.Class()
	if (op != isa.Div && op != isa.Mod) || !cls.IsALU() {
		return nil, 0
	}
	w := cls == isa.ALU64Class
	jcls := isa.Jump32Class
	if w {
		jcls = isa.JumpClass
	}
	d := ins.Dst
	aluK := func(o isa.ALUOp, r isa.Register, imm int32) isa.Instruction {
		return isa.Instruction{OpCode: isa.ALUOpCode(cls, o, isa.ImmSource), Dst: r, Imm: int64(imm)}
	}
	zext := isa.Instruction{OpCode: isa.ALUOpCode(isa.ALUClass, isa.Mov, isa.RegSource), Dst: d, Src: d} // w_dst = w_dst
	nop := isa.Instruction{OpCode: isa.OpJa}                                                             // goto +0
	ja := func(off int16) isa.Instruction { return isa.Instruction{OpCode: isa.OpJa, Off: off} }
	jK := func(o isa.JumpOp, r isa.Register, imm int32, off int16) isa.Instruction {
		return isa.Instruction{OpCode: isa.JumpOpCode(jcls, o, isa.ImmSource), Dst: r, Imm: int64(imm), Off: off}
	}
	// What x op 0 and x op -1 give (for the signed forms).
	byZero := aluK(isa.Mov, d, 0) // div: 0
	if op == isa.Mod {
		byZero = nop // mod: x
		if !w {
			byZero = zext
		}
	}
	byMinusOne := isa.Instruction{OpCode: isa.ALUOpCode(cls, isa.Neg, isa.ImmSource), Dst: d} // sdiv: -x
	if op == isa.Mod {
		byMinusOne = aluK(isa.Mov, d, 0) // smod: 0
	}
	signed := ins.Off == 1
	if ins.OpCode.Source() == isa.ImmSource {
		switch {
		case int32(ins.Imm) == 0:
			return []isa.Instruction{byZero}, -1
		case signed && int32(ins.Imm) == -1:
			return []isa.Instruction{byMinusOne}, -1
		}
		return nil, 0
	}
	s := ins.Src
	if !signed {
		if op == isa.Div {
			xor := isa.Instruction{OpCode: isa.ALUOpCode(isa.ALUClass, isa.Xor, isa.RegSource), Dst: d, Src: d}
			return []isa.Instruction{jK(isa.JNE, s, 0, 2), xor, ja(1), ins}, 3
		}
		if w {
			return []isa.Instruction{jK(isa.JEq, s, 0, 1), ins}, 1
		}
		return []isa.Instruction{jK(isa.JEq, s, 0, 2), ins, ja(1), zext}, 1
	}
	// Linux 6.12's guards (testdata/v4-linux612.jsonl): AX = src,
	// AX += 1 maps -1 to 0 and 0 to 1; anything above 1 divides.
	movAX := isa.Instruction{OpCode: isa.ALUOpCode(isa.ALU64Class, isa.Mov, isa.RegSource), Dst: regAXBPF, Src: s}
	incAX := aluK(isa.Add, regAXBPF, 1)
	if op == isa.Div {
		return []isa.Instruction{
			movAX, incAX,
			jK(isa.JGT, regAXBPF, 1, 4), // a real divisor
			jK(isa.JEq, regAXBPF, 0, 1), // -1: negate
			aluK(isa.Mov, d, 0),         // 0: the result is 0 (negated below: still 0)
			{OpCode: isa.ALUOpCode(cls, isa.Neg, isa.ImmSource), Dst: d},
			ja(1),
			ins,
		}, 7
	}
	zero32 := isa.Instruction{OpCode: isa.ALUOpCode(isa.ALUClass, isa.Mov, isa.ImmSource), Dst: d}
	if w {
		return []isa.Instruction{
			movAX, incAX,
			jK(isa.JGT, regAXBPF, 1, 3), // a real divisor
			jK(isa.JEq, regAXBPF, 1, 3), // 0: dst unchanged
			zero32,                      // -1: the remainder is 0
			ja(1),
			ins,
		}, 6
	}
	return []isa.Instruction{
		movAX, incAX,
		jK(isa.JGT, regAXBPF, 1, 3), // a real divisor
		jK(isa.JEq, regAXBPF, 1, 4), // 0: dst zero-extended
		zero32,                      // -1: the remainder is 0
		ja(1),
		ins,
		ja(1),
		zext,
	}, 6
}
