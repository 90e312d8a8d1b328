package kernel

import (
	"math"
	"strconv"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm"
	"github.com/bpfplay/bpfplay/core/isa"
)

// parser reads one statement from the tokens of one line.
type parser struct {
	toks []token
	i    int
	line int
}

func (p *parser) peek() token        { return p.toks[p.i] }
func (p *parser) peekAt(n int) token { return p.toks[min(p.i+n, len(p.toks)-1)] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

// is reports whether the next token is the operator or word text.
func (p *parser) is(text string) bool {
	t := p.peek()
	return t.kind != tEOF && t.kind != tNumber && t.text == text
}

func (p *parser) accept(text string) bool {
	if p.is(text) {
		p.next()
		return true
	}
	return false
}

func (p *parser) pos(t token) asm.Pos { return asm.Pos{Line: p.line, Col: t.col} }

func (p *parser) errf(t token, code asm.ErrorCode, format string, a ...any) *asm.Error {
	return asm.Errorf(p.pos(t), code, format, a...)
}

// expect consumes text or fails saying what was expected instead.
func (p *parser) expect(text, context string) *asm.Error {
	if p.accept(text) {
		return nil
	}
	return p.errf(p.peek(), asm.ErrSyntax, "expected '%s' %s, found %s", text, context, p.peek())
}

// end checks that the statement is complete.
func (p *parser) end() *asm.Error {
	if t := p.peek(); t.kind != tEOF {
		return p.errf(t, asm.ErrSyntax, "unexpected %s after the instruction", t)
	}
	return nil
}

// register is a parsed rN or wN.
type register struct {
	r    isa.Register
	wide bool // rN rather than wN
	tok  token
}

func (r register) String() string { return reg(r.r, r.wide) }

// isRegister reports whether t spells a register (valid or not).
func isRegister(t token) bool {
	if t.kind != tIdent || len(t.text) < 2 || (t.text[0] != 'r' && t.text[0] != 'w') {
		return false
	}
	_, err := strconv.Atoi(t.text[1:])
	return err == nil && t.text[1] != '+' && t.text[1] != '-'
}

func (p *parser) register(what string) (register, *asm.Error) {
	t := p.peek()
	if !isRegister(t) {
		return register{}, p.errf(t, asm.ErrRegister, "expected %s (r0-r10 or w0-w10), found %s", what, t)
	}
	p.next()
	n, _ := strconv.Atoi(t.text[1:])
	if n > 10 {
		return register{}, p.errf(t, asm.ErrRegister, "register %s does not exist (r0-r10, w0-w10)", t.text)
	}
	return register{r: isa.Register(n), wide: t.text[0] == 'r', tok: t}, nil
}

// number reads an optionally signed literal.
func (p *parser) number(what string) (asm.Number, token, *asm.Error) {
	start := p.peek()
	sign := ""
	if p.is("-") || p.is("+") {
		sign = p.next().text
	}
	t := p.peek()
	if t.kind != tNumber {
		return asm.Number{}, start, p.errf(t, asm.ErrOperand, "expected %s, found %s", what, t)
	}
	p.next()
	n, ok := asm.ParseNumber(sign + t.text)
	if !ok {
		return asm.Number{}, start, p.errf(t, asm.ErrSyntax, "%s is not a number (decimal, or hex with 0x)", t.text)
	}
	return n, start, nil
}

// imm32 reads an immediate for a 32-bit field. A 64-bit operation
// sign-extends it, so there only signed values are taken; a 32-bit one
// (or a jump, whose kernel text prints the bit pattern in hex) also
// takes unsigned values up to 0xffffffff.
func (p *parser) imm32(patterns bool) (int64, *asm.Error) {
	n, t, err := p.number("an immediate")
	if err != nil {
		return 0, err
	}
	v, ok := n.Imm32(patterns)
	if !ok {
		if n.InRange(0, math.MaxUint32) {
			return 0, p.errf(t, asm.ErrRange, "%s does not fit a signed 32-bit immediate, which a 64-bit operation sign-extends (use a w register for 32-bit arithmetic, or ld_imm64: rN = %s ll)", numText(n), numText(n))
		}
		return 0, p.errf(t, asm.ErrRange, "%s does not fit a 32-bit immediate", numText(n))
	}
	return int64(v), nil
}

func numText(n asm.Number) string {
	s := strconv.FormatUint(n.Mag, 10)
	if n.Hex {
		s = "0x" + strconv.FormatUint(n.Mag, 16)
	}
	if n.Neg {
		return "-" + s
	}
	return s
}

// offset reads the s16 offset of a memory operand after its register:
// "+4", "-8", "+ 0x4", or nothing.
func (p *parser) offset() (int16, *asm.Error) {
	if !p.is("+") && !p.is("-") {
		return 0, nil
	}
	n, t, err := p.number("an offset")
	if err != nil {
		return 0, err
	}
	if !n.InRange(math.MinInt16, math.MaxInt16) {
		return 0, p.errf(t, asm.ErrRange, "offset %s does not fit in 16 bits (-32768..32767)", numText(n))
	}
	v, _ := n.Int64()
	return int16(v), nil
}

// mem reads "(rN +off)".
func (p *parser) mem() (isa.Register, int16, *asm.Error) {
	if err := p.expect("(", "to open a memory operand such as (r1 +8)"); err != nil {
		return 0, 0, err
	}
	r, err := p.register("the base register of the memory operand")
	if err != nil {
		return 0, 0, err
	}
	if !r.wide {
		return 0, 0, p.errf(r.tok, asm.ErrRegister, "a memory operand's base is a 64-bit register: r%d, not %s", r.r, r.tok.text)
	}
	off, err := p.offset()
	if err != nil {
		return 0, 0, err
	}
	if err := p.expect(")", "to close the memory operand"); err != nil {
		return 0, 0, err
	}
	return r.r, off, nil
}

// sizeCast reads "*(u32 *)" (or "(u32 *)" when star is false) and
// returns the size and whether the type was signed (s8, s16, s32).
func (p *parser) sizeCast(star bool) (isa.Size, bool, *asm.Error) {
	s, signed, _, err := p.sizeCastTok(star)
	return s, signed, err
}

// sizeCastTok is sizeCast that also returns the type's token, for errors
// about it.
func (p *parser) sizeCastTok(star bool) (isa.Size, bool, token, *asm.Error) {
	if star {
		if err := p.expect("*", "of a memory access such as *(u32 *)(r1 +0)"); err != nil {
			return 0, false, token{}, err
		}
	}
	if err := p.expect("(", "before the access type, as in (u32 *)"); err != nil {
		return 0, false, token{}, err
	}
	t := p.next()
	size, signed := isa.InvalidSize, false
	switch t.text {
	case "u8":
		size = isa.Byte
	case "u16":
		size = isa.Half
	case "u32":
		size = isa.Word
	case "u64":
		size = isa.DWord
	case "s8":
		size, signed = isa.Byte, true
	case "s16":
		size, signed = isa.Half, true
	case "s32":
		size, signed = isa.Word, true
	}
	if size == isa.InvalidSize || t.kind != tIdent {
		return 0, false, t, p.errf(t, asm.ErrOperand, "expected an access type u8, u16, u32, u64 (or s8, s16, s32 for a sign-extending load), found %s", t)
	}
	if err := p.expect("*", "after the access type, as in (u32 *)"); err != nil {
		return 0, false, token{}, err
	}
	if err := p.expect(")", "after the access type, as in (u32 *)"); err != nil {
		return 0, false, token{}, err
	}
	return size, signed, t, nil
}

// target reads a jump target: "pc+3", "+3", "-0x2" or a label.
func (p *parser) target() (off int64, label string, tok token, err *asm.Error) {
	tok = p.peek()
	if tok.kind == tIdent && tok.text == "pc" && (p.peekAt(1).text == "+" || p.peekAt(1).text == "-") {
		p.next()
	}
	if p.is("+") || p.is("-") {
		n, t, err := p.number("a slot offset")
		if err != nil {
			return 0, "", t, err
		}
		v, ok := n.Int64()
		if !ok || v < math.MinInt32 || v > math.MaxInt32 {
			return 0, "", t, p.errf(t, asm.ErrRange, "jump offset %s does not fit in 32 bits", numText(n))
		}
		return v, "", tok, nil
	}
	if tok.kind == tIdent && !isRegister(tok) && validLabel(tok.text) {
		p.next()
		return 0, tok.text, tok, nil
	}
	if tok.kind == tNumber {
		return 0, "", tok, p.errf(tok, asm.ErrOperand, "a jump target is a label or a signed offset: write pc+%s or +%s", tok.text, tok.text)
	}
	return 0, "", tok, p.errf(tok, asm.ErrOperand, "expected a jump target (a label, pc+N or +N), found %s", tok)
}

func validLabel(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentChar(s[i]) {
			return false
		}
	}
	return !strings.HasPrefix(s, ".")
}
