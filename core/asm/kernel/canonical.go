package kernel

import (
	"fmt"
	"strings"

	"github.com/bpfplay/bpfplay/core/isa"
)

// canonical writes a valid instruction in the Kernel or LLVM style.
func (p *Printer) canonical(b *strings.Builder, pc int, ins isa.Instruction) {
	op := ins.OpCode
	llvm := p.Style == LLVM
	switch c := op.Class(); c {
	case isa.ALUClass, isa.ALU64Class:
		p.alu(b, ins, c == isa.ALU64Class)
	case isa.JumpClass, isa.Jump32Class:
		p.jump(b, pc, ins, c == isa.JumpClass)
	case isa.LdClass:
		switch op.Mode() {
		case isa.ImmMode:
			p.ldImm64(b, pc, ins)
		case isa.AbsMode:
			fmt.Fprintf(b, "r0 = *(%s *)skb[%s]", sizeNames[op.Size()], p.imm(int64(int32(ins.Imm))))
		case isa.IndMode: // llvm-objdump drops the constant here; keep it
			fmt.Fprintf(b, "r0 = *(%s *)skb[r%d + %s]", sizeNames[op.Size()], ins.Src, p.imm(int64(int32(ins.Imm))))
		}
	case isa.LdXClass:
		if op.Mode() == isa.MemSXMode {
			fmt.Fprintf(b, "r%d = *(%s *)%s", ins.Dst, signedSizeNames[op.Size()], p.mem(ins.Src, ins.Off))
			return
		}
		fmt.Fprintf(b, "%s = *(%s *)%s", p.memReg(ins.Dst, op.Size()), sizeNames[op.Size()], p.mem(ins.Src, ins.Off))
	case isa.StClass:
		fmt.Fprintf(b, "*(%s *)%s = %s", sizeNames[op.Size()], p.mem(ins.Dst, ins.Off), p.imm(int64(int32(ins.Imm))))
	default: // StXClass
		if op.Mode() == isa.AtomicMode {
			if llvm {
				llvmAtomic(b, ins)
			} else {
				linux61Atomic(b, ins)
			}
			return
		}
		fmt.Fprintf(b, "*(%s *)%s = %s", sizeNames[op.Size()], p.mem(ins.Dst, ins.Off), p.memReg(ins.Src, op.Size()))
	}
}

// imm prints a signed immediate: decimal in Kernel style, signed hex in
// LLVM style (-0x3).
func (p *Printer) imm(v int64) string {
	if p.Style != LLVM {
		return fmt.Sprintf("%d", v)
	}
	if v < 0 {
		return fmt.Sprintf("-%#x", uint64(-v))
	}
	return fmt.Sprintf("%#x", v)
}

// mem prints a memory operand: "(r10 -8)" or llvm's "(r10 - 0x8)".
func (p *Printer) mem(r isa.Register, off int16) string {
	if p.Style != LLVM {
		return fmt.Sprintf("(r%d %+d)", r, off)
	}
	if off < 0 {
		return fmt.Sprintf("(r%d - %#x)", r, -int(off))
	}
	return fmt.Sprintf("(r%d + %#x)", r, off)
}

// memReg names the register of a load or store: llvm-objdump (cpu v4)
// uses the 32-bit name for accesses narrower than 64 bits.
func (p *Printer) memReg(r isa.Register, s isa.Size) string {
	return reg(r, p.Style != LLVM || s == isa.DWord)
}

func (p *Printer) alu(b *strings.Builder, ins isa.Instruction, wide bool) {
	op := ins.OpCode
	dst, src := reg(ins.Dst, wide), reg(ins.Src, wide)
	switch a := op.ALUOp(); {
	case a == isa.End:
		name := "le"
		switch {
		case wide:
			name = "bswap"
		case op.Source() == isa.ToBE:
			name = "be"
		}
		fmt.Fprintf(b, "r%d = %s%d r%d", ins.Dst, name, ins.Imm, ins.Dst)
	case a == isa.Neg:
		fmt.Fprintf(b, "%s = -%s", dst, dst)
	case a == isa.Mov && op.Source() == isa.RegSource && ins.Off != 0:
		fmt.Fprintf(b, "%s = (s%d)%s", dst, ins.Off, src)
	default:
		name := aluOps[a]
		if ins.Off == 1 { // sdiv, smod
			name = "s" + name
		}
		if op.Source() == isa.RegSource {
			fmt.Fprintf(b, "%s %s %s", dst, name, src)
		} else {
			fmt.Fprintf(b, "%s %s %s", dst, name, p.imm(ins.Imm))
		}
	}
}

// target prints a branch target: a label, "pc+3" (Kernel) or "+0x3"
// (LLVM).
func (p *Printer) target(pc, off int) string {
	if p.Label != nil {
		if name := p.Label(pc + 1 + off); name != "" {
			return name
		}
	}
	if p.Style == LLVM {
		if off < 0 {
			return fmt.Sprintf("-%#x", -off)
		}
		return fmt.Sprintf("+%#x", off)
	}
	return fmt.Sprintf("pc%+d", off)
}

func (p *Printer) jump(b *strings.Builder, pc int, ins isa.Instruction, wide bool) {
	op := ins.OpCode
	switch {
	case op == isa.OpJa:
		fmt.Fprintf(b, "goto %s", p.target(pc, int(ins.Off)))
	case op == isa.OpJa32:
		fmt.Fprintf(b, "gotol %s", p.target(pc, int(int32(ins.Imm))))
	case op == isa.OpExit:
		b.WriteString("exit")
	case op == isa.OpCallX:
		fmt.Fprintf(b, "callx r%d", ins.Dst)
	case op == isa.OpCall:
		switch ins.Src {
		case isa.CallFunc: // llvm-objdump prints "call 0x3" here, like a helper; keep the kernel's form
			if p.Label != nil {
				if name := p.Label(pc + 1 + int(int32(ins.Imm))); name != "" {
					fmt.Fprintf(b, "call %s", name)
					return
				}
			}
			fmt.Fprintf(b, "call pc%+d", int32(ins.Imm))
		case isa.CallKfunc:
			fmt.Fprintf(b, "call kfunc#%d", int32(ins.Imm))
		default:
			// llvm-objdump's "call -0x1" means a call to another
			// function; a helper call with a negative number keeps the
			// kernel's "name#N" form so it reads back as a helper call.
			if p.Style == LLVM && int32(ins.Imm) >= 0 {
				fmt.Fprintf(b, "call %s", p.imm(ins.Imm))
				return
			}
			fmt.Fprintf(b, "call %s#%d", helperName(ins.Imm), int32(ins.Imm))
		}
	default:
		cmp := jumpOps[op.JumpOp()]
		var rhs string
		switch {
		case op.Source() == isa.RegSource:
			rhs = reg(ins.Src, wide)
		case p.Style == LLVM:
			rhs = p.imm(ins.Imm)
		default:
			rhs = fmt.Sprintf("0x%x", uint32(ins.Imm))
		}
		fmt.Fprintf(b, "if %s %s %s goto %s", reg(ins.Dst, wide), cmp, rhs, p.target(pc, int(ins.Off)))
	}
}

func (p *Printer) ldImm64(b *strings.Builder, pc int, ins isa.Instruction) {
	name := ""
	if p.MapName != nil {
		name = p.MapName(pc, ins)
	}
	hi := ins.ImmHi()
	lo := ins.ImmLo()
	switch ins.Pseudo() {
	case isa.PseudoNone:
		if p.Style == LLVM {
			fmt.Fprintf(b, "r%d = %s ll", ins.Dst, p.imm(ins.Imm))
			return
		}
		fmt.Fprintf(b, "r%d = 0x%x ll", ins.Dst, uint64(ins.Imm))
		return
	case isa.PseudoMapFD, isa.PseudoMapIdx:
		if hi != 0 {
			break
		}
		fmt.Fprintf(b, "r%d = map[%s]", ins.Dst, mapRef(name, ins.Pseudo(), lo))
		return
	case isa.PseudoMapValue, isa.PseudoMapIdxValue:
		fmt.Fprintf(b, "r%d = map[%s][0]+%d", ins.Dst, mapRef(name, ins.Pseudo(), lo), uint32(hi))
		return
	case isa.PseudoBTFID:
		if hi != 0 {
			break
		}
		fmt.Fprintf(b, "r%d = btf_id[%d]", ins.Dst, lo)
		return
	case isa.PseudoFunc:
		if hi != 0 {
			break
		}
		fmt.Fprintf(b, "r%d = func[%s]", ins.Dst, p.target(pc, int(lo)))
		return
	}
	writeSlots(b, ins) // a pseudo source with a second immediate it does not use
}

func mapRef(name string, src isa.PseudoSrc, n int32) string {
	switch {
	case name != "":
		return name
	case src == isa.PseudoMapIdx || src == isa.PseudoMapIdxValue:
		return fmt.Sprintf("idx:%d", n)
	}
	return fmt.Sprintf("fd:%d", n)
}

// llvmAtomic prints the atomics as llvm-objdump 19 does with cpu v4.
func llvmAtomic(b *strings.Builder, ins isa.Instruction) {
	wide := ins.OpCode.Size() == isa.DWord
	size := sizeNames[ins.OpCode.Size()]
	mem := (&Printer{Style: LLVM}).mem(ins.Dst, ins.Off)
	src := reg(ins.Src, wide)
	switch a := ins.Atomic(); a {
	case isa.AtomicAdd, isa.AtomicAnd, isa.AtomicOr, isa.AtomicXor:
		fmt.Fprintf(b, "lock *(%s *)%s %s %s", size, mem, aluOps[a.ALUOp()], src)
	case isa.AtomicXchg, isa.AtomicCmpXchg:
		name, r0 := "xchg", ""
		if a == isa.AtomicCmpXchg {
			name, r0 = "cmpxchg", reg(isa.R0, wide)+", "
		}
		fn := name + "_64"
		if !wide {
			fn = name + "32_32"
		}
		dst := src
		if a == isa.AtomicCmpXchg {
			dst = reg(isa.R0, wide)
		}
		fmt.Fprintf(b, "%s = %s(%s, %s%s)", dst, fn, strings.Trim(mem, "()"), r0, src)
	default:
		fmt.Fprintf(b, "%s = atomic_fetch_%s((%s *)%s, %s)", src, atomicNames[a], size, mem, src)
	}
}
