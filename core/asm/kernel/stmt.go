package kernel

import (
	"math"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm"
	"github.com/bpfplay/bpfplay/core/isa"
)

// stmt is one parsed instruction and what is left to settle once the
// whole text has been read.
type stmt struct {
	ins isa.Instruction

	label    string // a label the instruction refers to
	refKind  asm.RefKind
	labelTok token

	callName string // "call NAME": a function label or a helper, decided at the end
	callTok  token

	mapName  string // "map[NAME]": a named map
	mapValue bool
	mapTok   token
}

// statement parses one instruction.
func (p *parser) statement() (*stmt, *asm.Error) {
	t := p.peek()
	switch {
	case t.kind == tIdent && isRegister(t):
		return p.assignment()
	case t.text == "*" && t.kind == tPunct:
		return p.store()
	case t.kind != tIdent:
		return nil, p.errf(t, asm.ErrSyntax, "expected an instruction, found %s", t)
	}
	switch t.text {
	case "exit":
		p.next()
		return &stmt{ins: isa.Instruction{OpCode: isa.OpExit}}, p.end()
	case "goto", "gotol", "ja":
		return p.gotoStmt()
	case "if":
		return p.ifStmt()
	case "call":
		return p.call()
	case "callx":
		p.next()
		r, err := p.register("the register holding the call target")
		if err != nil {
			return nil, err
		}
		return &stmt{ins: isa.Instruction{OpCode: isa.OpCallX, Dst: r.r}}, p.end()
	case "lock":
		return p.lock()
	case "ld_pseudo":
		return p.ldPseudo()
	case ".slot":
		return p.slot()
	}
	return nil, p.errf(t, asm.ErrMnemonic, "unknown instruction %q (expected an assignment such as r0 = 1, goto, if, call, exit, lock or a store *(u32 *)(r1 +0) = r2)", t.text)
}

func (p *parser) gotoStmt() (*stmt, *asm.Error) {
	kw := p.next()
	off, label, tok, err := p.target()
	if err != nil {
		return nil, err
	}
	s := &stmt{label: label, labelTok: tok}
	if kw.text == "gotol" {
		s.ins = isa.Instruction{OpCode: isa.OpJa32, Imm: off}
		s.refKind = asm.RefGotol
	} else {
		if off < math.MinInt16 || off > math.MaxInt16 {
			return nil, p.errf(tok, asm.ErrRange, "goto offset %d does not fit in 16 bits; use gotol", off)
		}
		s.ins = isa.Instruction{OpCode: isa.OpJa, Off: int16(off)}
		s.refKind = asm.RefBranch
	}
	return s, p.end()
}

var jumpByOp = func() map[string]isa.JumpOp {
	m := map[string]isa.JumpOp{}
	for op, s := range jumpOps {
		m[s] = op
	}
	return m
}()

func (p *parser) ifStmt() (*stmt, *asm.Error) {
	p.next()
	dst, err := p.register("a register to compare")
	if err != nil {
		return nil, err
	}
	class := isa.JumpClass
	if !dst.wide {
		class = isa.Jump32Class
	}
	opTok := p.next()
	ins := isa.Instruction{Dst: dst.r}
	if opTok.text == "jmp" && !dst.wide {
		// Linux 6.1's text for JMP32|JA: "if w0 jmp 0x0 goto pc+0".
		imm, err := p.imm32(true)
		if err != nil {
			return nil, err
		}
		ins.OpCode, ins.Imm = isa.OpJa32, imm
	} else {
		j, ok := jumpByOp[opTok.text]
		if !ok || opTok.kind != tPunct {
			return nil, p.errf(opTok, asm.ErrOperand, "expected a comparison (== != > >= < <= s> s>= s< s<= &), found %s", opTok)
		}
		if isRegister(p.peek()) {
			src, err := p.register("a register")
			if err != nil {
				return nil, err
			}
			if src.wide != dst.wide {
				return nil, p.errf(src.tok, asm.ErrRegister, "%s and %s mix 64-bit and 32-bit registers", dst, src.tok.text)
			}
			ins.OpCode, ins.Src = isa.JumpOpCode(class, j, isa.RegSource), src.r
		} else {
			imm, err := p.imm32(true)
			if err != nil {
				return nil, err
			}
			ins.OpCode, ins.Imm = isa.JumpOpCode(class, j, isa.ImmSource), imm
		}
	}
	if err := p.expect("goto", "after the comparison"); err != nil {
		return nil, err
	}
	off, label, tok, err := p.target()
	if err != nil {
		return nil, err
	}
	if off < math.MinInt16 || off > math.MaxInt16 {
		return nil, p.errf(tok, asm.ErrRange, "jump offset %d does not fit in 16 bits", off)
	}
	ins.Off = int16(off)
	return &stmt{ins: ins, label: label, labelTok: tok, refKind: asm.RefBranch}, p.end()
}

func (p *parser) call() (*stmt, *asm.Error) {
	p.next()
	t := p.peek()
	switch {
	case t.kind == tIdent && t.text == "pc":
		off, _, tok, err := p.target()
		if err != nil {
			return nil, err
		}
		if off < math.MinInt32 || off > math.MaxInt32 {
			return nil, p.errf(tok, asm.ErrRange, "call offset does not fit in 32 bits")
		}
		return &stmt{ins: isa.Instruction{OpCode: isa.OpCall, Src: isa.CallFunc, Imm: off}}, p.end()
	case isRegister(t):
		r, err := p.register("the register holding the call target")
		if err != nil {
			return nil, err
		}
		return &stmt{ins: isa.Instruction{OpCode: isa.OpCallX, Dst: r.r}}, p.end()
	case t.kind == tNumber || t.text == "-" || t.text == "+":
		// llvm-objdump: "call 0x1" is helper 1; a negative number is a
		// call to another function (the relocated form, imm -1).
		n, tok, err := p.number("a helper number")
		if err != nil {
			return nil, err
		}
		v, ok := n.Int64()
		if !ok || v < math.MinInt32 || v > math.MaxInt32 {
			return nil, p.errf(tok, asm.ErrRange, "call %s does not fit in 32 bits", numText(n))
		}
		ins := isa.Instruction{OpCode: isa.OpCall, Imm: v}
		if v < 0 {
			ins.Src = isa.CallFunc
		}
		return &stmt{ins: ins}, p.end()
	case t.kind == tIdent:
		p.next()
		if !p.is("#") {
			if !validLabel(t.text) {
				return nil, p.errf(t, asm.ErrOperand, "expected a helper name, a function label, pc+N or a number after call, found %s", t)
			}
			return &stmt{ins: isa.Instruction{OpCode: isa.OpCall}, callName: t.text, callTok: t}, p.end()
		}
		p.next()
		n, ntok, err := p.number("the number after '#'")
		if err != nil {
			return nil, err
		}
		v, ok := n.Int64()
		if !ok || v < math.MinInt32 || v > math.MaxInt32 {
			return nil, p.errf(ntok, asm.ErrRange, "#%s does not fit in 32 bits", numText(n))
		}
		ins := isa.Instruction{OpCode: isa.OpCall, Imm: v}
		switch name := t.text; {
		case name == "kfunc":
			ins.Src = isa.CallKfunc
		case name == "unknown" || name == "bpf_unspec" && v == 0:
		default:
			h, ok := isa.HelperByName(name)
			if !ok {
				return nil, p.errf(t, asm.ErrOperand, "%s is not a Linux 6.1 helper (for a kernel function by BTF id write call kfunc#%d)", name, v)
			}
			if int64(h) != v {
				return nil, p.errf(ntok, asm.ErrOperand, "%s is helper #%d, not #%d", h, int(h), v)
			}
		}
		return &stmt{ins: ins}, p.end()
	}
	return nil, p.errf(t, asm.ErrOperand, "expected a helper name, a function label, pc+N or a number after call, found %s", t)
}

var atomicByOp = map[string]isa.AtomicOp{"+=": isa.AtomicAdd, "&=": isa.AtomicAnd, "|=": isa.AtomicOr, "^=": isa.AtomicXor}

// lock reads "lock *(u64 *)(r1 +0) += r2".
func (p *parser) lock() (*stmt, *asm.Error) {
	p.next()
	size, signed, typ, err := p.sizeCastTok(true)
	if err != nil {
		return nil, err
	}
	if signed || (size != isa.Word && size != isa.DWord) {
		return nil, p.errf(typ, asm.ErrOperand, "atomic operations are u32 or u64, not %s", typ.text)
	}
	dst, off, err := p.mem()
	if err != nil {
		return nil, err
	}
	opTok := p.next()
	a, ok := atomicByOp[opTok.text]
	if !ok {
		return nil, p.errf(opTok, asm.ErrOperand, "expected an atomic operation += &= |= ^=, found %s", opTok)
	}
	src, err := p.register("the source register")
	if err != nil {
		return nil, err
	}
	ins := isa.Instruction{OpCode: isa.LoadStoreOpCode(isa.StXClass, isa.AtomicMode, size), Dst: dst, Src: src.r, Off: off, Imm: int64(a)}
	return &stmt{ins: ins}, p.end()
}

// store reads "*(u32 *)(r1 +0) = r2" or "... = 42".
func (p *parser) store() (*stmt, *asm.Error) {
	size, signed, typ, err := p.sizeCastTok(true)
	if err != nil {
		return nil, err
	}
	if signed {
		return nil, p.errf(typ, asm.ErrOperand, "a store's type is u8, u16, u32 or u64, not %s", typ.text)
	}
	dst, off, err := p.mem()
	if err != nil {
		return nil, err
	}
	if err := p.expect("=", "in a store"); err != nil {
		return nil, err
	}
	if isRegister(p.peek()) {
		src, err := p.register("a register")
		if err != nil {
			return nil, err
		}
		return &stmt{ins: isa.Instruction{OpCode: isa.LoadStoreOpCode(isa.StXClass, isa.MemMode, size), Dst: dst, Src: src.r, Off: off}}, p.end()
	}
	imm, err := p.imm32(size != isa.DWord)
	if err != nil {
		return nil, err
	}
	return &stmt{ins: isa.Instruction{OpCode: isa.LoadStoreOpCode(isa.StClass, isa.MemMode, size), Dst: dst, Off: off, Imm: imm}}, p.end()
}

// ldPseudo reads llvm-objdump's "ld_pseudo r1, 0x1, 0x3": ld_imm64 with
// a pseudo source and an imm (the second immediate is lost in that
// spelling and assembles as 0).
func (p *parser) ldPseudo() (*stmt, *asm.Error) {
	p.next()
	dst, err := p.register("the destination register")
	if err != nil {
		return nil, err
	}
	if err := p.expect(",", "after the register"); err != nil {
		return nil, err
	}
	n, t, err := p.number("the pseudo source")
	if err != nil {
		return nil, err
	}
	if !n.InRange(0, 15) {
		return nil, p.errf(t, asm.ErrRange, "pseudo source %s is not 0-15", numText(n))
	}
	src, _ := n.Int64()
	if err := p.expect(",", "after the pseudo source"); err != nil {
		return nil, err
	}
	imm, err := p.imm32(true)
	if err != nil {
		return nil, err
	}
	return &stmt{ins: isa.LdImm64Pseudo(dst.r, isa.PseudoSrc(src), int32(imm), 0)}, p.end()
}

// slot reads ".slot V[, V2]": raw slots as little-endian u64 values, for
// encodings no other spelling gives (the disassembler prints invalid
// instructions this way so that they still assemble to their bytes).
func (p *parser) slot() (*stmt, *asm.Error) {
	dir := p.next()
	var slots []isa.Slot
	for {
		n, t, err := p.number("a 64-bit slot value")
		if err != nil {
			return nil, err
		}
		v, ok := n.Bits64()
		if !ok || n.Neg {
			return nil, p.errf(t, asm.ErrRange, "slot value %s is not an unsigned 64-bit number", numText(n))
		}
		slots = append(slots, isa.SlotFromUint64(v))
		if !p.accept(",") {
			break
		}
	}
	want := 1
	if slots[0].Op == isa.OpLdImm64 {
		want = 2
	}
	if len(slots) != want {
		return nil, p.errf(dir, asm.ErrOperandCount, ".slot: opcode %#02x takes %d slot(s), found %d", uint8(slots[0].Op), want, len(slots))
	}
	prog, err := isa.Pair(slots)
	if err != nil {
		return nil, p.errf(dir, asm.ErrOperand, ".slot: %v", err)
	}
	return &stmt{ins: prog[0]}, p.end()
}

func hasPrefixAny(s string, prefixes ...string) bool {
	for _, x := range prefixes {
		if strings.HasPrefix(s, x) {
			return true
		}
	}
	return false
}
