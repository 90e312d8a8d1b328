package conformance

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bpfplay/bpfplay/core/isa"
)

// Insn prints an instruction in the conformance dialect through fmt:
//
//	fmt.Printf("%v\n", conformance.Insn(ins))  // mov %r0, 1
//
// Jump and call targets print as slot offsets (+3, -1). An instruction
// the dialect has no spelling for (ld_imm64 with a pseudo source) prints
// as the bpfplay extension ".slot V [V2]", which assembles back to the
// same bytes.
type Insn isa.Instruction

// Format implements fmt.Formatter for the verbs v and s.
func (i Insn) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v', 's':
		io.WriteString(f, i.String())
	default:
		fmt.Fprintf(f, "%%!%c(conformance.Insn=%s)", verb, i.String())
	}
}

// String returns the instruction's text.
func (i Insn) String() string {
	ins := isa.Instruction(i)
	if s, ok := text(ins); ok {
		return s
	}
	return rawSlots(ins)
}

// Disassemble writes a program, one instruction per line.
func Disassemble(w io.Writer, p isa.Program) error {
	for _, ins := range p {
		if _, err := fmt.Fprintf(w, "%v\n", Insn(ins)); err != nil {
			return err
		}
	}
	return nil
}

// Text returns a program's text, one instruction per line.
func Text(p isa.Program) string {
	var b strings.Builder
	Disassemble(&b, p) // a strings.Builder does not fail
	return b.String()
}

func rawSlots(ins isa.Instruction) string {
	var parts []string
	for _, s := range ins.Slots() {
		parts = append(parts, fmt.Sprintf("%#016x", s.Uint64()))
	}
	return ".slot " + strings.Join(parts, ", ")
}

var aluNames = map[isa.ALUOp]string{
	isa.Add: "add", isa.Sub: "sub", isa.Mul: "mul", isa.Div: "div", isa.Or: "or", isa.And: "and",
	isa.LSh: "lsh", isa.RSh: "rsh", isa.Mod: "mod", isa.Xor: "xor", isa.Mov: "mov", isa.ArSh: "arsh",
}

var jumpNames = map[isa.JumpOp]string{
	isa.JEq: "jeq", isa.JGT: "jgt", isa.JGE: "jge", isa.JSet: "jset", isa.JNE: "jne", isa.JSGT: "jsgt",
	isa.JSGE: "jsge", isa.JLT: "jlt", isa.JLE: "jle", isa.JSLT: "jslt", isa.JSLE: "jsle",
}

var sizeSuffix = map[isa.Size]string{isa.Byte: "b", isa.Half: "h", isa.Word: "w", isa.DWord: "dw"}

func preg(r isa.Register) string { return "%r" + strconv.Itoa(int(r)) }

// imm prints a 32-bit immediate: small values in decimal, the others as
// their 32-bit pattern in hex, which reads back to the same bits.
func imm(v int64) string {
	if v >= -4096 && v <= 4096 {
		return strconv.FormatInt(v, 10)
	}
	return fmt.Sprintf("%#x", uint32(v))
}

func mem(r isa.Register, off int16) string {
	if off < 0 {
		return fmt.Sprintf("[%s-%d]", preg(r), -int(off))
	}
	return fmt.Sprintf("[%s+%d]", preg(r), off)
}

func rel(off int64) string {
	if off < 0 {
		return strconv.FormatInt(off, 10)
	}
	return "+" + strconv.FormatInt(off, 10)
}

// text spells ins in the dialect; ok is false when it cannot.
func text(ins isa.Instruction) (string, bool) {
	op := ins.OpCode
	switch c := op.Class(); c {
	case isa.ALUClass, isa.ALU64Class:
		return aluText(ins)
	case isa.JumpClass, isa.Jump32Class:
		return jumpText(ins)
	case isa.LdClass:
		switch op.Mode() {
		case isa.ImmMode:
			if ins.Src != 0 || ins.Off != 0 {
				return "", false
			}
			return fmt.Sprintf("lddw %s, %#x", preg(ins.Dst), uint64(ins.Imm)), true
		case isa.AbsMode:
			if ins.Dst != 0 || ins.Src != 0 || ins.Off != 0 || op.Size() == isa.DWord {
				return "", false
			}
			return fmt.Sprintf("ldabs%s %s", sizeSuffix[op.Size()], imm(ins.Imm)), true
		case isa.IndMode:
			if ins.Dst != 0 || ins.Off != 0 || op.Size() == isa.DWord {
				return "", false
			}
			return fmt.Sprintf("ldind%s %s, %s", sizeSuffix[op.Size()], preg(ins.Src), imm(ins.Imm)), true
		}
	case isa.LdXClass:
		if ins.Imm != 0 {
			return "", false
		}
		switch op.Mode() {
		case isa.MemMode:
			return fmt.Sprintf("ldx%s %s, %s", sizeSuffix[op.Size()], preg(ins.Dst), mem(ins.Src, ins.Off)), true
		case isa.MemSXMode:
			if op.Size() == isa.DWord {
				return "", false
			}
			return fmt.Sprintf("ldxs%s %s, %s", sizeSuffix[op.Size()], preg(ins.Dst), mem(ins.Src, ins.Off)), true
		}
	case isa.StClass:
		if op.Mode() != isa.MemMode || ins.Src != 0 {
			return "", false
		}
		return fmt.Sprintf("st%s %s, %s", sizeSuffix[op.Size()], mem(ins.Dst, ins.Off), imm(ins.Imm)), true
	case isa.StXClass:
		switch op.Mode() {
		case isa.MemMode:
			if ins.Imm != 0 {
				return "", false
			}
			return fmt.Sprintf("stx%s %s, %s", sizeSuffix[op.Size()], mem(ins.Dst, ins.Off), preg(ins.Src)), true
		case isa.AtomicMode:
			return atomicText(ins)
		}
	}
	return "", false
}

func aluText(ins isa.Instruction) (string, bool) {
	op := ins.OpCode
	is64 := op.Class() == isa.ALU64Class
	suffix := ""
	if !is64 {
		suffix = "32"
	}
	switch a := op.ALUOp(); a {
	case isa.Neg:
		if op.Source() != isa.ImmSource || ins.Src != 0 || ins.Off != 0 || ins.Imm != 0 {
			return "", false
		}
		return "neg" + suffix + " " + preg(ins.Dst), true
	case isa.End:
		if ins.Src != 0 || ins.Off != 0 || (ins.Imm != 16 && ins.Imm != 32 && ins.Imm != 64) {
			return "", false
		}
		name := "le"
		switch {
		case is64 && op.Source() == isa.ToLE:
			name = "bswap"
		case is64:
			return "", false
		case op.Source() == isa.ToBE:
			name = "be"
		}
		return fmt.Sprintf("%s%d %s", name, ins.Imm, preg(ins.Dst)), true
	default:
		name, ok := aluNames[a]
		if !ok {
			return "", false
		}
		if op.Source() == isa.RegSource {
			if ins.Imm != 0 {
				return "", false
			}
			if a == isa.Mov && ins.Off != 0 {
				if ins.Off != 8 && ins.Off != 16 && !(ins.Off == 32 && is64) {
					return "", false
				}
				w := "32"
				if is64 {
					w = "64"
				}
				return fmt.Sprintf("movsx%d%s %s, %s", ins.Off, w, preg(ins.Dst), preg(ins.Src)), true
			}
		} else if ins.Src != 0 {
			return "", false
		}
		switch {
		case ins.Off == 1 && (a == isa.Div || a == isa.Mod):
			name = "s" + name
		case ins.Off != 0:
			return "", false
		}
		if op.Source() == isa.RegSource {
			return fmt.Sprintf("%s%s %s, %s", name, suffix, preg(ins.Dst), preg(ins.Src)), true
		}
		return fmt.Sprintf("%s%s %s, %s", name, suffix, preg(ins.Dst), imm(ins.Imm)), true
	}
}

func jumpText(ins isa.Instruction) (string, bool) {
	op := ins.OpCode
	is32 := op.Class() == isa.Jump32Class
	j := op.JumpOp()
	switch {
	case op == isa.OpJa:
		if ins.Dst != 0 || ins.Src != 0 || ins.Imm != 0 {
			return "", false
		}
		return "ja " + rel(int64(ins.Off)), true
	case op == isa.OpJa32:
		if ins.Dst != 0 || ins.Src != 0 || ins.Off != 0 {
			return "", false
		}
		return "ja32 " + rel(ins.Imm), true
	case op == isa.OpExit:
		if ins.Dst != 0 || ins.Src != 0 || ins.Off != 0 || ins.Imm != 0 {
			return "", false
		}
		return "exit", true
	case op == isa.OpCallX:
		if ins.Src != 0 || ins.Off != 0 || ins.Imm != 0 {
			return "", false
		}
		return "call " + preg(ins.Dst), true
	case op == isa.OpCall:
		if ins.Dst != 0 || ins.Off != 0 {
			return "", false
		}
		switch ins.Src {
		case isa.CallHelper:
			return "call " + strconv.FormatInt(ins.Imm, 10), true
		case isa.CallFunc:
			return "call local " + rel(ins.Imm), true
		case isa.CallKfunc:
			return "call runtime " + strconv.FormatInt(ins.Imm, 10), true
		}
		return "", false
	case j.IsConditional():
		name := jumpNames[j]
		if is32 {
			name += "32"
		}
		if op.Source() == isa.RegSource {
			if ins.Imm != 0 {
				return "", false
			}
			return fmt.Sprintf("%s %s, %s, %s", name, preg(ins.Dst), preg(ins.Src), rel(int64(ins.Off))), true
		}
		if ins.Src != 0 {
			return "", false
		}
		return fmt.Sprintf("%s %s, %s, %s", name, preg(ins.Dst), imm(ins.Imm), rel(int64(ins.Off))), true
	}
	return "", false
}

func atomicText(ins isa.Instruction) (string, bool) {
	size := ins.OpCode.Size()
	if size != isa.Word && size != isa.DWord {
		return "", false
	}
	suffix := ""
	if size == isa.Word {
		suffix = "32"
	}
	a := ins.Atomic()
	if uint64(uint32(ins.Imm)) != uint64(ins.Imm) && int64(int32(ins.Imm)) != ins.Imm {
		return "", false
	}
	var name string
	switch a {
	case isa.AtomicXchg:
		name = "xchg"
	case isa.AtomicCmpXchg:
		name = "cmpxchg"
	default:
		switch a &^ isa.AtomicFetch {
		case isa.AtomicAdd:
			name = "add"
		case isa.AtomicOr:
			name = "or"
		case isa.AtomicAnd:
			name = "and"
		case isa.AtomicXor:
			name = "xor"
		default:
			return "", false
		}
		if a.Fetch() {
			name = "fetch " + name
		}
	}
	return fmt.Sprintf("lock %s%s %s, %s", name, suffix, mem(ins.Dst, ins.Off), preg(ins.Src)), true
}
