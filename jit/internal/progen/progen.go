// Package progen turns bytes (a fuzzer's input) into random eBPF
// programs that are safe to run without the verifier: every memory access
// stays inside the input buffer (r1, 64 bytes) or the stack, jumps only go
// forward (so every program ends), and the two pointers, r1 and r10, are
// never used as numbers, so results do not depend on where memory is.
// The programs exercise every ALU and jump form, loads and stores of
// every size, sign-extending loads and moves, byte swaps, all atomics,
// division and modulo (signed too) with any divisor, ld_imm64.
package progen

import (
	"github.com/bpfplay/bpfplay/core/isa"
)

// MemSize is the size of the buffer r1 points to.
const MemSize = 64

// stackSize is how much of the stack the prelude zeroes and the program
// uses.
const stackSize = 128

// reader hands out bytes, then zeros.
type reader struct {
	b []byte
	i int
}

func (r *reader) byte() byte {
	if r.i >= len(r.b) {
		return 0
	}
	r.i++
	return r.b[r.i-1]
}

func (r *reader) u32() uint32 {
	return uint32(r.byte()) | uint32(r.byte())<<8 | uint32(r.byte())<<16 | uint32(r.byte())<<24
}

func (r *reader) u64() uint64 { return uint64(r.u32()) | uint64(r.u32())<<32 }

func (r *reader) n(k int) int { return int(r.byte()) % k }

// imm picks an immediate: small, edge or random.
func (r *reader) imm() int32 {
	switch r.n(8) {
	case 0:
		return 0
	case 1:
		return 1
	case 2:
		return -1
	case 3:
		return int32(r.n(64))
	case 4:
		return []int32{-1 << 31, 1<<31 - 1, 127, 128, -128, -129, 255, 256, 32, 63, 64}[r.n(11)]
	default:
		return int32(r.u32())
	}
}

// scalar registers: everything but r1 (the buffer) and r10 (the stack).
var scalars = []isa.Register{isa.R0, isa.R2, isa.R3, isa.R4, isa.R5, isa.R6, isa.R7, isa.R8, isa.R9}

func (r *reader) reg() isa.Register { return scalars[r.n(len(scalars))] }

// Program builds a program from b.
func Program(b []byte) isa.Program {
	r := &reader{b: b}
	var p isa.Program
	// Prelude: scalar registers get constants, the stack gets zeros.
	for _, reg := range scalars {
		p = append(p, isa.LdImm64(reg, r.u64()))
	}
	for off := 8; off <= stackSize; off += 8 {
		p = append(p, isa.Instruction{OpCode: isa.LoadStoreOpCode(isa.StClass, isa.MemMode, isa.DWord), Dst: isa.R10, Off: int16(-off)})
	}
	n := 1 + r.n(48)
	start := len(p)
	var ahead []int // per body instruction: how many instructions a jump skips, -1 for others
	for len(p)-start < n {
		ins, k := r.insn(n - (len(p) - start) - 1)
		p = append(p, ins)
		ahead = append(ahead, k)
	}
	p = append(p, isa.Instruction{OpCode: isa.OpExit})
	// Jump offsets count slots: turn "skip k instructions" into slots.
	pcs := p.PCs()
	for i, k := range ahead {
		if k < 0 {
			continue
		}
		at := start + i
		off := pcs[at+1+k] - pcs[at] - 1
		if p[at].IsGotol() {
			p[at].Imm = int64(off)
		} else {
			p[at].Off = int16(off)
		}
	}
	return p
}

var aluOps = []isa.ALUOp{isa.Add, isa.Sub, isa.Mul, isa.Div, isa.Or, isa.And, isa.LSh, isa.RSh, isa.Neg, isa.Mod, isa.Xor, isa.Mov, isa.ArSh, isa.End}

var jumpOps = []isa.JumpOp{isa.JEq, isa.JGT, isa.JGE, isa.JSet, isa.JNE, isa.JSGT, isa.JSGE, isa.JLT, isa.JLE, isa.JSLT, isa.JSLE}

var sizes = []isa.Size{isa.Byte, isa.Half, isa.Word, isa.DWord}

// insn returns one instruction; left is how many body instructions
// may still follow. For a jump it also returns how many instructions it
// skips (-1 otherwise); the offset is filled in later.
func (r *reader) insn(left int) (isa.Instruction, int) {
	switch k := r.n(16); {
	case k < 8:
		return r.alu(), -1
	case k < 10:
		return r.load(), -1
	case k < 12:
		return r.store(), -1
	case k == 12:
		return r.atomic(), -1
	case k == 13:
		return isa.LdImm64(r.reg(), r.u64()), -1
	default:
		skip := 0
		if left > 0 {
			skip = r.n(left + 1)
		}
		return r.jump(), skip
	}
}

func (r *reader) alu() isa.Instruction {
	cls := isa.ALU64Class
	if r.n(2) == 0 {
		cls = isa.ALUClass
	}
	op := aluOps[r.n(len(aluOps))]
	src := isa.ImmSource
	if r.n(2) == 0 {
		src = isa.RegSource
	}
	ins := isa.Instruction{OpCode: isa.ALUOpCode(cls, op, src), Dst: r.reg(), Imm: int64(r.imm())}
	if src == isa.RegSource {
		ins.Src, ins.Imm = r.reg(), 0
	}
	switch op {
	case isa.Neg:
		ins.OpCode, ins.Src, ins.Imm = isa.ALUOpCode(cls, op, isa.ImmSource), 0, 0
	case isa.End:
		ins.Src, ins.Imm = 0, int64([]int32{16, 32, 64}[r.n(3)])
		if cls == isa.ALU64Class {
			ins.OpCode = isa.ALUOpCode(cls, op, isa.ToLE) // bswap (cpu v4)
		}
	case isa.Div, isa.Mod:
		ins.Off = int16(r.n(2)) // signed (cpu v4) half the time
	case isa.Mov:
		if src == isa.RegSource && r.n(3) == 0 { // movsx (cpu v4)
			ins.Off = []int16{8, 16, 32}[r.n(3)]
			if cls == isa.ALUClass && ins.Off == 32 {
				ins.Off = 16
			}
		}
	}
	return ins
}

// addr picks a base register and an offset for an access of n bytes,
// aligned to n.
func (r *reader) addr(n int) (isa.Register, int16) {
	if r.n(2) == 0 {
		return isa.R1, int16(r.n(MemSize/n) * n)
	}
	return isa.R10, int16(-(1 + r.n(stackSize/n)) * n)
}

func (r *reader) load() isa.Instruction {
	sz := sizes[r.n(4)]
	base, off := r.addr(sz.Bytes())
	mode := isa.MemMode
	if sz != isa.DWord && r.n(3) == 0 {
		mode = isa.MemSXMode // ldsx (cpu v4)
	}
	return isa.Instruction{OpCode: isa.LoadStoreOpCode(isa.LdXClass, mode, sz), Dst: r.reg(), Src: base, Off: off}
}

func (r *reader) store() isa.Instruction {
	sz := sizes[r.n(4)]
	base, off := r.addr(sz.Bytes())
	if r.n(2) == 0 {
		return isa.Instruction{OpCode: isa.LoadStoreOpCode(isa.StClass, isa.MemMode, sz), Dst: base, Off: off, Imm: int64(r.imm())}
	}
	return isa.Instruction{OpCode: isa.LoadStoreOpCode(isa.StXClass, isa.MemMode, sz), Dst: base, Src: r.reg(), Off: off}
}

var atomicOps = []isa.AtomicOp{isa.AtomicAdd, isa.AtomicOr, isa.AtomicAnd, isa.AtomicXor,
	isa.AtomicFetchAdd, isa.AtomicFetchOr, isa.AtomicFetchAnd, isa.AtomicFetchXor, isa.AtomicXchg, isa.AtomicCmpXchg}

func (r *reader) atomic() isa.Instruction {
	sz := isa.Word
	if r.n(2) == 0 {
		sz = isa.DWord
	}
	base, off := r.addr(sz.Bytes())
	return isa.Instruction{OpCode: isa.LoadStoreOpCode(isa.StXClass, isa.AtomicMode, sz), Dst: base, Src: r.reg(), Off: off,
		Imm: int64(atomicOps[r.n(len(atomicOps))])}
}

func (r *reader) jump() isa.Instruction {
	if r.n(8) == 0 {
		if r.n(2) == 0 {
			return isa.Instruction{OpCode: isa.OpJa32} // gotol (cpu v4)
		}
		return isa.Instruction{OpCode: isa.OpJa}
	}
	cls := isa.JumpClass
	if r.n(2) == 0 {
		cls = isa.Jump32Class
	}
	op := jumpOps[r.n(len(jumpOps))]
	if r.n(2) == 0 {
		return isa.Instruction{OpCode: isa.JumpOpCode(cls, op, isa.RegSource), Dst: r.reg(), Src: r.reg()}
	}
	return isa.Instruction{OpCode: isa.JumpOpCode(cls, op, isa.ImmSource), Dst: r.reg(), Imm: int64(r.imm())}
}
