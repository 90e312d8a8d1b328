package cbpf

import (
	"fmt"
	"strings"
)

// FormatDDArray prints p as tcpdump -dd does: one C initializer per
// instruction, "{ 0x28, 0, 0, 0x0000000c },".
func FormatDDArray(p Program) string {
	var b strings.Builder
	for _, i := range p {
		fmt.Fprintf(&b, "{ 0x%x, %d, %d, 0x%08x },\n", i.Code, i.Jt, i.Jf, i.K)
	}
	return b.String()
}

// FormatDDDLines prints p as tcpdump -ddd does: the count, then one line
// of four decimal numbers per instruction.
func FormatDDDLines(p Program) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d\n", len(p))
	for _, i := range p {
		fmt.Fprintf(&b, "%d %d %d %d\n", i.Code, i.Jt, i.Jf, i.K)
	}
	return b.String()
}

// FormatIptablesString prints p as the iptables xt_bpf --bytecode
// argument: "count,code jt jf k,...".
func FormatIptablesString(p Program) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", len(p))
	for _, i := range p {
		fmt.Fprintf(&b, ",%d %d %d %d", i.Code, i.Jt, i.Jf, i.K)
	}
	return b.String()
}

var fieldNames = [4]string{"code", "jt", "jf", "k"}
var fieldBits = [4]int{16, 8, 8, 32}

// insnFromFields builds an instruction from its four textual fields.
func insnFromFields(f Format, ln, col int, insn int, fields []string, hexOK bool) (Instruction, error) {
	if len(fields) != 4 {
		return Instruction{}, &Error{Format: f, Line: ln, Col: col, Insn: insn, Field: "instruction",
			Msg: fmt.Sprintf("want 4 fields (code jt jf k), got %d", len(fields))}
	}
	var v [4]uint64
	for j, s := range fields {
		x, err := parseField(s, fieldBits[j], hexOK, false)
		if err != nil {
			return Instruction{}, &Error{Format: f, Line: ln, Col: col, Insn: insn, Field: fieldNames[j], Msg: err.Error()}
		}
		v[j] = x
	}
	return Instruction{Code: uint16(v[0]), Jt: uint8(v[1]), Jf: uint8(v[2]), K: uint32(v[3])}, nil
}

// ParseDD reads tcpdump -dd output: brace-enclosed groups of four numbers
// (hex or decimal), as printed or pasted inside a C declaration such as
// "struct sock_filter code[] = { ... };". Braces that do not start with a
// number (the declaration's own) and C comments are skipped.
func ParseDD(s string) (Program, error) {
	var p Program
	ln, col := 1, 1
	advance := func(to int, from int) { // move ln/col over s[from:to]
		for _, c := range s[from:to] {
			if c == '\n' {
				ln, col = ln+1, 1
			} else {
				col++
			}
		}
	}
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return nil, &Error{Format: FormatDD, Line: ln, Col: col, Insn: len(p), Msg: "unterminated /* comment"}
			}
			advance(i+2+end+2, i)
			i += 2 + end + 2
			continue
		case strings.HasPrefix(s[i:], "//"):
			end := strings.IndexByte(s[i:], '\n')
			if end < 0 {
				end = len(s) - i
			}
			advance(i+end, i)
			i += end
			continue
		case s[i] != '{':
			advance(i+1, i)
			i++
			continue
		}
		rest := strings.TrimLeft(s[i+1:], " \t\r\n")
		if rest == "" || !isDigit(rest[0]) {
			advance(i+1, i)
			i++
			continue
		}
		end := strings.IndexAny(s[i+1:], "{}")
		if end < 0 || s[i+1+end] != '}' {
			return nil, &Error{Format: FormatDD, Line: ln, Col: col, Insn: len(p), Msg: "missing closing '}'"}
		}
		parts := strings.Split(s[i+1:i+1+end], ",")
		for j := range parts {
			parts[j] = strings.TrimSpace(parts[j])
		}
		insn, err := insnFromFields(FormatDD, ln, col, len(p), parts, true)
		if err != nil {
			return nil, err
		}
		p = append(p, insn)
		advance(i+1+end+1, i)
		i += end + 2
	}
	if len(p) == 0 {
		return nil, &Error{Format: FormatDD, Insn: -1, Msg: "no { code, jt, jf, k } instruction found"}
	}
	return p, nil
}

// ParseDDD reads tcpdump -ddd output: a count line, then "code jt jf k"
// lines in decimal. The count must match the number of lines.
func ParseDDD(s string) (Program, error) {
	lines := meaningfulLines(s)
	if len(lines) == 0 {
		return nil, &Error{Format: FormatDDD, Insn: -1, Msg: "empty input"}
	}
	n, err := parseField(lines[0].text, 32, false, false)
	if err != nil {
		return nil, &Error{Format: FormatDDD, Line: lines[0].num, Insn: -1, Field: "count", Msg: err.Error()}
	}
	var p Program
	for _, l := range lines[1:] {
		insn, err := insnFromFields(FormatDDD, l.num, 0, len(p), strings.Fields(l.text), false)
		if err != nil {
			return nil, err
		}
		p = append(p, insn)
	}
	if uint64(len(p)) != n {
		return nil, &Error{Format: FormatDDD, Line: lines[0].num, Insn: -1, Field: "count",
			Msg: fmt.Sprintf("count says %d instructions, %d follow", n, len(p))}
	}
	return p, nil
}

// ParseIptables reads the iptables xt_bpf --bytecode string: the count,
// then instructions "code jt jf k", separated by commas. Newlines count
// as separators too and a trailing comma is allowed, so the output of
// `tcpdump -ddd EXPR | tr '\n' ','` (the man page's recipe) reads as is.
func ParseIptables(s string) (Program, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		s = s[1 : len(s)-1]
	}
	s = strings.ReplaceAll(s, "\n", ",")
	parts := strings.Split(s, ",")
	// Column of each part, for errors (all on one logical line).
	cols := make([]int, len(parts))
	c := 1
	for i, part := range parts {
		cols[i] = c
		c += len(part) + 1
	}
	if len(parts) > 0 && strings.TrimSpace(parts[len(parts)-1]) == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) == 0 || strings.TrimSpace(parts[0]) == "" {
		return nil, &Error{Format: FormatIptables, Line: 1, Col: 1, Insn: -1, Field: "count", Msg: "missing instruction count"}
	}
	n, err := parseField(parts[0], 32, false, false)
	if err != nil {
		return nil, &Error{Format: FormatIptables, Line: 1, Col: 1, Insn: -1, Field: "count", Msg: err.Error()}
	}
	var p Program
	for i, part := range parts[1:] {
		insn, err := insnFromFields(FormatIptables, 1, cols[i+1], len(p), strings.Fields(part), false)
		if err != nil {
			return nil, err
		}
		p = append(p, insn)
	}
	if uint64(len(p)) != n {
		return nil, &Error{Format: FormatIptables, Line: 1, Col: 1, Insn: -1, Field: "count",
			Msg: fmt.Sprintf("count says %d instructions, %d follow", n, len(p))}
	}
	return p, nil
}
