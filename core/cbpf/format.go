package cbpf

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Format is one of the forms a classic program comes in.
type Format int

// The formats bpfplay reads and writes.
const (
	FormatAuto     Format = iota // detect (input only)
	FormatTcpdump                // tcpdump -d: "(000) ldh      [12]"
	FormatDD                     // tcpdump -dd: "{ 0x28, 0, 0, 0x0000000c },"
	FormatDDD                    // tcpdump -ddd: count, then "40 0 0 12" lines
	FormatIptables               // xt_bpf --bytecode: "4,40 0 0 12,21 0 1 2048,..."
	FormatRaw                    // sock_filter structs, 8 bytes each, little endian
	FormatBPFAsm                 // the kernel's tools/bpf/bpf_asm syntax
)

var formatNames = [...]string{
	FormatAuto:     "auto",
	FormatTcpdump:  "tcpdump",
	FormatDD:       "dd",
	FormatDDD:      "ddd",
	FormatIptables: "iptables",
	FormatRaw:      "raw",
	FormatBPFAsm:   "bpf_asm",
}

func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Formats lists the concrete formats, in the order the CLI shows them.
var Formats = []Format{FormatTcpdump, FormatDD, FormatDDD, FormatIptables, FormatRaw, FormatBPFAsm}

// ParseFormat returns the format called name ("tcpdump", "dd", ...).
// "d" is accepted for tcpdump, "bpfasm" and "asm" for bpf_asm, "xt_bpf"
// for iptables.
func ParseFormat(name string) (Format, error) {
	switch strings.ToLower(name) {
	case "", "auto":
		return FormatAuto, nil
	case "tcpdump", "d":
		return FormatTcpdump, nil
	case "dd", "c":
		return FormatDD, nil
	case "ddd":
		return FormatDDD, nil
	case "iptables", "xt_bpf", "bytecode":
		return FormatIptables, nil
	case "raw", "bin", "binary":
		return FormatRaw, nil
	case "bpf_asm", "bpfasm", "asm":
		return FormatBPFAsm, nil
	}
	return 0, fmt.Errorf("unknown classic BPF format %q (want tcpdump, dd, ddd, iptables, raw or bpf_asm)", name)
}

// Detect guesses the format of b. Binary input (a NUL byte or invalid
// UTF-8) is raw; text is recognised by its first meaningful line:
// "(000)" starts a tcpdump -d listing, "{" or a C declaration a -dd
// array, a lone count followed by four-number lines -ddd, "N,a b c d"
// the iptables string; anything else is taken as bpf_asm.
func Detect(b []byte) (Format, error) {
	if len(b) == 0 {
		return 0, &Error{Format: FormatAuto, Insn: -1, Msg: "empty input"}
	}
	if bytes.IndexByte(b, 0) >= 0 || !utf8.Valid(b) {
		return FormatRaw, nil
	}
	lines := meaningfulLines(string(b))
	if len(lines) == 0 {
		return 0, &Error{Format: FormatAuto, Insn: -1, Msg: "no program text (only blanks and comments)"}
	}
	first := strings.TrimSpace(lines[0].text)
	switch {
	case strings.HasPrefix(first, "(") && len(first) > 1 && isDigit(first[1]):
		return FormatTcpdump, nil
	case strings.Contains(string(b), "{") && looksLikeDD(string(b)):
		return FormatDD, nil
	case len(lines) == 1 && strings.Contains(first, ","):
		if f := strings.TrimSpace(strings.SplitN(first, ",", 2)[0]); isNumber(f) {
			return FormatIptables, nil
		}
	case isNumber(first) && len(lines) > 1 && len(strings.Fields(lines[1].text)) == 4 && allNumbers(strings.Fields(lines[1].text)):
		return FormatDDD, nil
	}
	return FormatBPFAsm, nil
}

// Parse reads a program in format f (FormatAuto: detected) and returns
// it with the format it was read as.
func Parse(b []byte, f Format) (Program, Format, error) {
	if f == FormatAuto {
		var err error
		if f, err = Detect(b); err != nil {
			return nil, f, err
		}
	}
	var p Program
	var err error
	switch f {
	case FormatTcpdump:
		p, err = ParseTcpdump(string(b))
	case FormatDD:
		p, err = ParseDD(string(b))
	case FormatDDD:
		p, err = ParseDDD(string(b))
	case FormatIptables:
		p, err = ParseIptables(string(b))
	case FormatRaw:
		p, err = DecodeRaw(b)
	case FormatBPFAsm:
		p, err = ParseBPFAsm(string(b))
	default:
		return nil, f, fmt.Errorf("cbpf: cannot parse format %v", f)
	}
	if err == nil && len(p) == 0 {
		err = &Error{Format: f, Insn: -1, Msg: "no instructions"}
	}
	return p, f, err
}

// Marshal writes p in format f. Text formats end with a newline.
func Marshal(p Program, f Format) ([]byte, error) {
	switch f {
	case FormatTcpdump:
		return []byte(FormatTcpdumpListing(p)), nil
	case FormatDD:
		return []byte(FormatDDArray(p)), nil
	case FormatDDD:
		return []byte(FormatDDDLines(p)), nil
	case FormatIptables:
		return []byte(FormatIptablesString(p) + "\n"), nil
	case FormatRaw:
		return EncodeRaw(p), nil
	case FormatBPFAsm:
		s, err := FormatBPFAsmText(p)
		return []byte(s), err
	}
	return nil, fmt.Errorf("cbpf: cannot write format %v", f)
}

// line is one line of input text with its 1-based number.
type line struct {
	num  int
	text string
}

// meaningfulLines splits text into lines, dropping blank ones and the
// comment lines shared by the text formats: "//", "#" (bpf_asm allows
// "#" only at the start of a line) and ";".
func meaningfulLines(s string) []line {
	var out []line
	for i, l := range strings.Split(s, "\n") {
		t := strings.TrimSpace(strings.TrimSuffix(l, "\r"))
		if t == "" || strings.HasPrefix(t, "//") || strings.HasPrefix(t, ";") ||
			(strings.HasPrefix(t, "#") && !(len(t) > 1 && (isDigit(t[1]) || t[1] == '-' || t[1] == '+'))) {
			continue
		}
		out = append(out, line{num: i + 1, text: strings.TrimSuffix(l, "\r")})
	}
	return out
}

func looksLikeDD(s string) bool {
	i := strings.IndexByte(s, '{')
	for i >= 0 {
		rest := strings.TrimSpace(s[i+1:])
		if rest != "" && isDigit(rest[0]) {
			return true
		}
		j := strings.IndexByte(s[i+1:], '{')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func allNumbers(f []string) bool {
	for _, s := range f {
		if !isNumber(s) {
			return false
		}
	}
	return true
}
