package kernel

import (
	"github.com/bpfplay/bpfplay/core/asm"
)

type tokKind uint8

const (
	tEOF    tokKind = iota
	tIdent          // r0, w1, goto, bpf_map_lookup_elem, pc, skb, u32, ll ...
	tNumber         // 12, 0x1f (no sign: the parser reads unary + and -)
	tPunct          // operators and brackets
)

type token struct {
	kind tokKind
	text string
	col  int // 1-based byte column in the line
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of line"
	case tNumber:
		return "number " + t.text
	}
	return "'" + t.text + "'"
}

// puncts are the operators, longest first so that "<<=" wins over "<<"
// and "<".
var puncts = []string{
	"s>>=", "<<=", ">>=", "s/=", "s%=", "s>=", "s<=",
	"+=", "-=", "*=", "/=", "%=", "|=", "&=", "^=", "==", "!=", ">=", "<=", "s>", "s<",
	"=", ">", "<", "&", "(", ")", "*", "[", "]", "+", "-", ",", "#", ":",
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// lex splits one line (comments and prefixes already removed) into
// tokens; col0 is the column of text's first byte in the source line.
func lex(text string, line, col0 int) ([]token, *asm.Error) {
	var toks []token
	i := 0
	for i < len(text) {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c >= '0' && c <= '9':
			start := i
			for i < len(text) && (isIdentChar(text[i])) {
				i++
			}
			toks = append(toks, token{tNumber, text[start:i], col0 + start})
		case c == 's' && i+1 < len(text) && (text[i+1] == '>' || text[i+1] == '<' || text[i+1] == '/' || text[i+1] == '%'):
			// the signed operators s>, s>=, s>>=, s/=, s%= ...
			if p := matchPunct(text[i:]); p != "" {
				toks = append(toks, token{tPunct, p, col0 + i})
				i += len(p)
				continue
			}
			fallthrough
		case isIdentStart(c):
			start := i
			for i < len(text) && isIdentChar(text[i]) {
				i++
			}
			toks = append(toks, token{tIdent, text[start:i], col0 + i - (i - start)})
		default:
			p := matchPunct(text[i:])
			if p == "" {
				return nil, asm.Errorf(asm.Pos{Line: line, Col: col0 + i}, asm.ErrSyntax, "unexpected character %q", c)
			}
			toks = append(toks, token{tPunct, p, col0 + i})
			i += len(p)
		}
	}
	toks = append(toks, token{tEOF, "", col0 + len(text)})
	return toks, nil
}

func matchPunct(s string) string {
	for _, p := range puncts {
		if len(s) >= len(p) && s[:len(p)] == p {
			return p
		}
	}
	return ""
}
