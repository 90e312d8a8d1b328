package jit

import "github.com/bpfplay/bpfplay/core/isa"

// mem emits loads (LDX), stores (ST, STX), atomics and the speculation
// barrier.
func (f *funcJIT) mem(c *code, pc int, ins isa.Instruction) error {
	if int(ins.Dst) >= len(regMap) || int(ins.Src) >= len(regMap) {
		return errorf(pc, "register out of range")
	}
	size := ins.OpCode.Size().Bytes()
	dst, src := x86(ins.Dst), x86(ins.Src)
	off := int32(ins.Off)
	switch cls, mode := ins.OpCode.Class(), ins.OpCode.Mode(); {
	case cls == isa.LdXClass && mode == isa.MemMode:
		c.load(size, dst, src, off) // mov/movzx dst, [src+off]
	case cls == isa.LdXClass && mode == isa.MemSXMode && size < 8:
		c.loadSX(size, dst, src, off) // movsx dst, [src+off]
	case cls == isa.StClass && mode == isa.MemMode:
		c.storeImm(size, dst, off, int32(ins.Imm)) // mov [dst+off], imm
	case cls == isa.StClass && ins.OpCode == opNoSpec:
		c.emit(0x0f, 0xae, 0xe8) // lfence: speculative store bypass barrier
	case cls == isa.StXClass && mode == isa.MemMode:
		c.store(size, dst, off, src) // mov [dst+off], src
	case cls == isa.StXClass && mode == isa.AtomicMode && (size == 4 || size == 8):
		return f.atomic(c, pc, ins, size)
	default:
		return errorf(pc, "unsupported load/store opcode %#02x", uint8(ins.OpCode))
	}
	return nil
}

// opNoSpec is BPF_ST | BPF_NOSPEC (0xc2), the barrier the verifier
// inserts against speculative store bypass.
const opNoSpec isa.OpCode = 0xc2

// atomic emits BPF_ATOMIC operations. add/and/or/xor without fetch are
// one lock-prefixed instruction; fetch-add is lock xadd; xchg and cmpxchg
// map directly. and/or/xor with fetch have no x86 instruction: Linux
// loops on cmpxchg, parking r0 in r10 because cmpxchg needs rax.
func (f *funcJIT) atomic(c *code, pc int, ins isa.Instruction, size int) error {
	op := ins.Atomic()
	if !op.Valid() {
		return errorf(pc, "invalid atomic operation %#x", uint32(op))
	}
	dst, src := x86(ins.Dst), x86(ins.Src)
	off := int32(ins.Off)
	w := size == 8
	switch op {
	case isa.AtomicFetchAnd, isa.AtomicFetchOr, isa.AtomicFetchXor:
		c.mov64(regAX, rax) // mov r10, rax
		realSrc, realDst := src, dst
		if src == rax {
			realSrc = regAX
		}
		if dst == rax {
			realDst = regAX
		}
		loop := c.len()
		c.load(size, rax, realDst, off)                         // mov rax, [dst+off]
		c.movRR(w, regAux, rax)                                 // mov r11, rax
		c.aluRR(aluOpcodes[op.ALUOp()>>4], w, regAux, realSrc)  // op r11, src
		f.lockOp(c, isa.AtomicCmpXchg, w, realDst, off, regAux) // lock cmpxchg [dst+off], r11
		c.jcc8(ccNE, int32(loop-(c.len()+2)))                   // jne loop: lost the race
		c.movRR(w, realSrc, rax)                                // mov src, rax: the old value
		c.mov64(rax, regAX)                                     // mov rax, r10
	default:
		f.lockOp(c, op, w, dst, off, src)
	}
	return nil
}

// lockOp: lock add/and/or/xor/xadd/xchg/cmpxchg [base+off], src.
func (f *funcJIT) lockOp(c *code, op isa.AtomicOp, w bool, base reg, off int32, src reg) {
	c.emit(0xf0) // lock
	c.prefixMem(w, src, base, false)
	switch op {
	case isa.AtomicAdd:
		c.emit(opAdd)
	case isa.AtomicAnd:
		c.emit(opAnd)
	case isa.AtomicOr:
		c.emit(opOr)
	case isa.AtomicXor:
		c.emit(opXor)
	case isa.AtomicFetchAdd:
		c.emit(0x0f, 0xc1) // xadd
	case isa.AtomicXchg:
		c.emit(0x87) // xchg
	case isa.AtomicCmpXchg:
		c.emit(0x0f, 0xb1) // cmpxchg
	default:
		panic("BUG: lockOp on " + op.String())
	}
	c.mem(src.low3(), base, off)
}

// ldImm64 loads a 64-bit constant, or for pseudo sources the address the
// constant stands for.
func (f *funcJIT) ldImm64(c *code, pc int, ins isa.Instruction) error {
	if int(ins.Dst) >= len(regMap) {
		return errorf(pc, "register out of range")
	}
	dst := x86(ins.Dst)
	v := uint64(ins.Imm)
	switch ins.Pseudo() {
	case isa.PseudoNone:
	case isa.PseudoFunc:
		// A function's address, always as movabs: the address is only
		// known for the final pass and the size must not depend on it.
		t := callTarget(pc, ins)
		fn := f.prog.funcs[f.prog.funcOf(t)]
		if f.final_ {
			v = fn.addr
		}
		f.reloc(RelocFunc, pc, c.len()+2, 8, v, int64(fn.idx))
		c.movabs(dst, v)
		return nil
	default:
		if f.prog.opt.Pointer == nil {
			return errorf(pc, "ld_imm64 with pseudo source %d needs a pointer (no Options.Pointer)", ins.Src)
		}
		p, err := f.prog.opt.Pointer(pc, ins)
		if err != nil {
			return errorf(pc, "%v", err)
		}
		v = p
	}
	if ins.Pseudo() != isa.PseudoNone && v>>32 != 0 {
		f.reloc(RelocPointer, pc, c.len()+2, 8, v, 0)
	}
	c.movImm64(dst, v) // mov dst, imm / movabs dst, imm64
	return nil
}
