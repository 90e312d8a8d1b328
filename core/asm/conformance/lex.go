package conformance

import (
	"strings"

	"github.com/bpfplay/bpfplay/core/asm"
)

// token is one word of a line with its position.
type token struct {
	text string
	pos  asm.Pos
}

// line is one source line split into an optional label, a mnemonic and
// its operands.
type line struct {
	label    *token
	mnemonic *token
	operands []token
}

// splitLine cuts a line (comment already removed) into tokens. The
// mnemonic ends at the first blank; operands are separated by commas,
// blanks, or both, except inside brackets, so "[%r1 + 4]" is one operand
// (upstream's assembler wants "[%r1+4]"; bpfplay accepts both).
func splitLine(text string, lineNo int) (line, *asm.Error) {
	var l line
	i := 0
	skipBlank := func() {
		for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r') {
			i++
		}
	}
	word := func() token {
		start := i
		for i < len(text) && text[i] != ' ' && text[i] != '\t' && text[i] != '\r' {
			i++
		}
		return token{text[start:i], asm.Pos{Line: lineNo, Col: start + 1}}
	}
	skipBlank()
	if i == len(text) {
		return l, nil
	}
	first := word()
	if strings.HasSuffix(first.text, ":") {
		lbl := token{strings.TrimSuffix(first.text, ":"), first.pos}
		l.label = &lbl
		skipBlank()
		if i == len(text) {
			return l, nil
		}
		first = word()
	}
	l.mnemonic = &first
	sawComma := true // no operand yet: a comma here is an error
	for {
		skipBlank()
		if i == len(text) {
			break
		}
		if text[i] == ',' {
			if sawComma {
				return l, asm.Errorf(asm.Pos{Line: lineNo, Col: i + 1}, asm.ErrSyntax, "unexpected ',': expected an operand")
			}
			sawComma = true
			i++
			continue
		}
		start := i
		if text[i] == '[' {
			end := strings.IndexByte(text[i:], ']')
			if end < 0 {
				return l, asm.Errorf(asm.Pos{Line: lineNo, Col: i + 1}, asm.ErrSyntax, "memory operand %q has no closing ']'", text[i:])
			}
			i += end + 1
			inner := strings.Map(func(r rune) rune {
				if r == ' ' || r == '\t' {
					return -1
				}
				return r
			}, text[start:i])
			l.operands = append(l.operands, token{inner, asm.Pos{Line: lineNo, Col: start + 1}})
		} else {
			for i < len(text) && text[i] != ' ' && text[i] != '\t' && text[i] != ',' && text[i] != '\r' {
				i++
			}
			l.operands = append(l.operands, token{text[start:i], asm.Pos{Line: lineNo, Col: start + 1}})
		}
		sawComma = false
	}
	if sawComma && len(l.operands) > 0 {
		return l, asm.Errorf(asm.Pos{Line: lineNo, Col: len(strings.TrimRight(text, " \t\r"))}, asm.ErrSyntax, "trailing ',': expected another operand")
	}
	return l, nil
}
