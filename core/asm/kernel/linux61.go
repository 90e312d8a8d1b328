package kernel

import (
	"fmt"
	"strings"

	"github.com/bpfplay/bpfplay/core/isa"
)

// linux61 writes what Linux 6.1's verifier log prints for ins (after the
// opcode prefix) and reports whether 6.1 prints this form at all. The
// kernel prints every field as it is, even reserved ones that are not
// zero and registers above r10, because it prints an instruction before
// checking it; the patterns here were checked against the kernel (see
// testdata/linux61-probes.jsonl.gz).
func (p *Printer) linux61(b *strings.Builder, pc int, ins isa.Instruction) bool {
	op := ins.OpCode
	switch c := op.Class(); c {
	case isa.ALUClass, isa.ALU64Class:
		wide := c == isa.ALU64Class
		a := op.ALUOp()
		switch {
		case a == isa.End:
			if wide {
				return false // ALU64|END (bswap) is an unknown opcode to 6.1
			}
			order := "le"
			if op.Source() == isa.ToBE {
				order = "be"
			}
			fmt.Fprintf(b, "r%d = %s%d r%d", ins.Dst, order, int32(ins.Imm), ins.Dst)
		case a == isa.Neg:
			fmt.Fprintf(b, "%s = -%s", reg(ins.Dst, wide), reg(ins.Dst, wide))
		case aluOps[a] == "":
			return false
		case op.Source() == isa.RegSource:
			fmt.Fprintf(b, "%s %s %s", reg(ins.Dst, wide), aluOps[a], reg(ins.Src, wide))
		default:
			fmt.Fprintf(b, "%s %s %d", reg(ins.Dst, wide), aluOps[a], int32(ins.Imm))
		}
		return true
	case isa.JumpClass, isa.Jump32Class:
		wide := c == isa.JumpClass
		j := op.JumpOp()
		switch {
		case op == isa.OpJa:
			fmt.Fprintf(b, "goto pc%+d", ins.Off)
		case op == isa.OpJa32:
			fmt.Fprintf(b, "if w%d jmp 0x%x goto pc%+d", ins.Dst, uint32(ins.Imm), ins.Off)
		case op == isa.OpCall:
			p.linux61Call(b, pc, ins)
		case op == isa.OpExit:
			b.WriteString("exit")
		case jumpOps[j] != "" && op.Source() == isa.RegSource:
			fmt.Fprintf(b, "if %s %s %s goto pc%+d", reg(ins.Dst, wide), jumpOps[j], reg(ins.Src, wide), ins.Off)
		case jumpOps[j] != "":
			fmt.Fprintf(b, "if %s %s 0x%x goto pc%+d", reg(ins.Dst, wide), jumpOps[j], uint32(ins.Imm), ins.Off)
		default:
			return false
		}
		return true
	case isa.LdClass:
		switch op.Mode() {
		case isa.ImmMode:
			if op.Size() != isa.DWord {
				return false
			}
			fmt.Fprintf(b, "r%d = %s", ins.Dst, p.linux61Imm64(pc, ins))
		case isa.AbsMode:
			if op.Size() == isa.DWord {
				return false
			}
			fmt.Fprintf(b, "r0 = *(%s *)skb[%d]", sizeNames[op.Size()], int32(ins.Imm))
		case isa.IndMode:
			if op.Size() == isa.DWord {
				return false
			}
			fmt.Fprintf(b, "r0 = *(%s *)skb[r%d + %d]", sizeNames[op.Size()], ins.Src, int32(ins.Imm))
		default:
			return false
		}
		return true
	case isa.LdXClass:
		if op.Mode() != isa.MemMode {
			return false
		}
		fmt.Fprintf(b, "r%d = *(%s *)(r%d %+d)", ins.Dst, sizeNames[op.Size()], ins.Src, ins.Off)
		return true
	case isa.StClass:
		if uint8(op)&0xe0 == 0xc0 {
			// BPF_ST | BPF_NOSPEC: the speculation barrier the verifier
			// inserts for unprivileged programs; only xlated dumps have it.
			b.WriteString("nospec")
			return true
		}
		if op.Mode() != isa.MemMode {
			return false
		}
		fmt.Fprintf(b, "*(%s *)(r%d %+d) = %d", sizeNames[op.Size()], ins.Dst, ins.Off, int32(ins.Imm))
		return true
	default: // StXClass
		switch op.Mode() {
		case isa.MemMode:
			fmt.Fprintf(b, "*(%s *)(r%d %+d) = r%d", sizeNames[op.Size()], ins.Dst, ins.Off, ins.Src)
			return true
		case isa.AtomicMode:
			if op.Size() != isa.Word && op.Size() != isa.DWord {
				return false
			}
			return linux61Atomic(b, ins)
		}
		return false
	}
}

// linux61Bug reports the instructions 6.1's printer shows as "BUG_<code>":
// an atomic (word or double word) whose imm names no atomic operation.
func linux61Bug(ins isa.Instruction) bool {
	op := ins.OpCode
	if op.Class() != isa.StXClass || op.Mode() != isa.AtomicMode || (op.Size() != isa.Word && op.Size() != isa.DWord) {
		return false
	}
	var b strings.Builder
	return !linux61Atomic(&b, ins)
}

func linux61Atomic(b *strings.Builder, ins isa.Instruction) bool {
	size := sizeNames[ins.OpCode.Size()]
	bits := ""
	if ins.OpCode.Size() == isa.DWord {
		bits = "64"
	}
	if int64(int32(ins.Imm)) != ins.Imm {
		return false
	}
	switch a := ins.Atomic(); a {
	case isa.AtomicAdd, isa.AtomicAnd, isa.AtomicOr, isa.AtomicXor:
		fmt.Fprintf(b, "lock *(%s *)(r%d %+d) %s r%d", size, ins.Dst, ins.Off, aluOps[a.ALUOp()], ins.Src)
	case isa.AtomicFetchAdd, isa.AtomicFetchAnd, isa.AtomicFetchOr, isa.AtomicFetchXor:
		fmt.Fprintf(b, "r%d = atomic%s_fetch_%s((%s *)(r%d %+d), r%d)", ins.Src, bits, atomicNames[a], size, ins.Dst, ins.Off, ins.Src)
	case isa.AtomicXchg:
		fmt.Fprintf(b, "r%d = atomic%s_xchg((%s *)(r%d %+d), r%d)", ins.Src, bits, size, ins.Dst, ins.Off, ins.Src)
	case isa.AtomicCmpXchg:
		fmt.Fprintf(b, "r0 = atomic%s_cmpxchg((%s *)(r%d %+d), r0, r%d)", bits, size, ins.Dst, ins.Off, ins.Src)
	default:
		return false
	}
	return true
}

// linux61Call: helpers by name from 6.1's list ("unknown" past it or for
// a src the kernel has no meaning for), bpf-to-bpf calls by pc-relative
// offset, kfuncs by the name the CallName hook gives (empty without one,
// as the kernel prints for a BTF id it cannot name).
func (p *Printer) linux61Call(b *strings.Builder, pc int, ins isa.Instruction) {
	if ins.Src == isa.CallFunc {
		fmt.Fprintf(b, "call pc%+d", int32(ins.Imm))
		return
	}
	name := ""
	if p.CallName != nil {
		name = p.CallName(pc, ins)
	}
	if name == "" {
		switch ins.Src {
		case isa.CallHelper:
			name = helperName(int64(int32(ins.Imm)))
		case isa.CallKfunc:
		default:
			name = "unknown"
		}
	}
	fmt.Fprintf(b, "call %s#%d", name, int32(ins.Imm))
}

// linux61Imm64 prints the ld_imm64 constant in hex; map pointers (src 1
// and 2) come from the Imm64 hook and read 0x0 when pointers are hidden.
func (p *Printer) linux61Imm64(pc int, ins isa.Instruction) string {
	ptr := ins.Pseudo() == isa.PseudoMapFD || ins.Pseudo() == isa.PseudoMapValue
	if ptr && p.HidePointers {
		return "0x0"
	}
	if ins.Src != 0 && p.Imm64 != nil {
		if s := p.Imm64(pc, ins); s != "" {
			return s
		}
	}
	return fmt.Sprintf("0x%x", uint64(ins.Imm))
}
