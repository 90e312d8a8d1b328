package cbpf

import (
	"fmt"
	"sort"
	"strings"
)

// The bpf_asm syntax is the one of the kernel's tools/bpf/bpf_asm, as
// Documentation/networking/filter.rst describes it: one instruction per
// line, "label:" before an instruction, comments after ';', in /* */ or
// on lines starting with '#'; operands
//
//	x %x a %a               registers
//	#k                      constant (decimal, 0x hex, 0 octal, 0b binary, signed)
//	[k] [x + k]             packet loads
//	M[k]                    scratch memory
//	4*([k]&0xf)             ldxb's IP header length
//	#len len #proto proto…  the packet length and ancillary fields
//	L  /  #k, Lt[, Lf]      jump targets (labels)
//
// and the pseudo-jumps jneq/jne, jlt, jle (jeq, jge, jgt with swapped
// targets) besides jeq, jgt, jge, jset, ja/jmp.

// bpfAsmALU are the ALU mnemonics and their operations.
var bpfAsmALU = map[string]uint16{
	"add": AluAdd, "sub": AluSub, "mul": AluMul, "div": AluDiv, "mod": AluMod,
	"and": AluAnd, "or": AluOr, "xor": AluXor, "lsh": AluLsh, "rsh": AluRsh,
}

// bpfAsmJump are the conditional jumps: operation and whether the
// targets are swapped (jneq = jeq with the false target given).
var bpfAsmJump = map[string]struct {
	op   uint16
	swap bool
}{
	"jeq": {JmpJeq, false}, "jgt": {JmpJgt, false}, "jge": {JmpJge, false}, "jset": {JmpJset, false},
	"jneq": {JmpJeq, true}, "jne": {JmpJeq, true}, "jlt": {JmpJge, true}, "jle": {JmpJgt, true},
}

type asmLine struct {
	num, col int
	labels   []string
	mnem     string
	args     []string
	argCols  []int
}

// stripBPFAsmComments removes /* */ comments (keeping newlines), ';'
// comments and '#' comment lines.
func stripBPFAsmComments(s string) (string, error) {
	var b strings.Builder
	ln := 1
	for i := 0; i < len(s); i++ {
		if strings.HasPrefix(s[i:], "/*") {
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return "", &Error{Format: FormatBPFAsm, Line: ln, Insn: -1, Msg: "unterminated /* comment"}
			}
			for _, c := range s[i : i+2+end+2] {
				if c == '\n' {
					b.WriteByte('\n')
					ln++
				} else {
					b.WriteByte(' ')
				}
			}
			i += 2 + end + 1
			continue
		}
		if s[i] == '\n' {
			ln++
		}
		b.WriteByte(s[i])
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		if j := strings.IndexByte(l, ';'); j >= 0 {
			l = l[:j]
		}
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			l = ""
		}
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return strings.Join(lines, "\n"), nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && isDigit(c)) {
			return false
		}
	}
	return true
}

// ParseBPFAsm reads the bpf_asm syntax.
func ParseBPFAsm(src string) (Program, error) {
	text, err := stripBPFAsmComments(src)
	if err != nil {
		return nil, err
	}
	var lines []asmLine
	var pending []string // labels waiting for their instruction
	labels := map[string]int{}
	labelLine := map[string]int{}
	for n, raw := range strings.Split(text, "\n") {
		num := n + 1
		rest := raw
		col := 1
		for {
			t := strings.TrimLeft(rest, " \t")
			col += len(rest) - len(t)
			rest = t
			c := strings.IndexByte(rest, ':')
			if c <= 0 || !isIdent(strings.TrimSpace(rest[:c])) {
				break
			}
			name := strings.TrimSpace(rest[:c])
			if prev, dup := labelLine[name]; dup {
				return nil, &Error{Format: FormatBPFAsm, Line: num, Col: col, Insn: len(lines), Field: "label",
					Msg: fmt.Sprintf("label %q already defined on line %d", name, prev)}
			}
			labelLine[name] = num
			labels[name] = len(lines)
			pending = append(pending, name)
			rest = rest[c+1:]
			col += c + 1
		}
		if strings.TrimSpace(rest) == "" {
			continue
		}
		l := asmLine{num: num, col: col, labels: pending}
		pending = nil
		f := strings.IndexAny(rest, " \t")
		if f < 0 {
			f = len(rest)
		}
		l.mnem = strings.ToLower(rest[:f])
		argText := rest[f:]
		argCol := col + f
		if strings.TrimSpace(argText) != "" {
			for _, a := range strings.Split(argText, ",") {
				lead := len(a) - len(strings.TrimLeft(a, " \t"))
				l.args = append(l.args, strings.TrimSpace(a))
				l.argCols = append(l.argCols, argCol+lead)
				argCol += len(a) + 1
			}
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		return nil, &Error{Format: FormatBPFAsm, Insn: -1, Msg: "no instructions"}
	}
	p := make(Program, len(lines))
	for pc, l := range lines {
		insn, err := assembleLine(l, pc, labels)
		if err != nil {
			return nil, err
		}
		p[pc] = insn
	}
	return p, nil
}

func assembleLine(l asmLine, pc int, labels map[string]int) (Instruction, error) {
	fail := func(arg int, field, format string, a ...any) error {
		col := l.col
		if arg >= 0 && arg < len(l.argCols) {
			col = l.argCols[arg]
		}
		return &Error{Format: FormatBPFAsm, Line: l.num, Col: col, Insn: pc, Field: field, Msg: fmt.Sprintf(format, a...)}
	}
	nargs := func(ok ...int) error {
		for _, n := range ok {
			if len(l.args) == n {
				return nil
			}
		}
		return fail(-1, "operand", "%s takes %s operand(s), got %d", l.mnem, joinInts(ok), len(l.args))
	}
	num := func(arg int, s string) (uint32, error) {
		v, err := parseField(s, 32, true, true)
		if err != nil {
			return 0, fail(arg, "k", "%v", err)
		}
		return uint32(v), nil
	}
	imm := func(arg int) (uint32, bool, error) { // "#k": value, isImm
		s := l.args[arg]
		if !strings.HasPrefix(s, "#") {
			return 0, false, nil
		}
		v, err := num(arg, strings.TrimSpace(s[1:]))
		return v, true, err
	}
	isX := func(s string) bool { return s == "x" || s == "%x" }
	target := func(arg int, backOK bool) (int, error) {
		name := l.args[arg]
		t, ok := labels[name]
		if !ok {
			return 0, fail(arg, "label", "undefined label %q", name)
		}
		if t <= pc && !backOK {
			return 0, fail(arg, "label", "label %q is not ahead of this instruction (classic BPF jumps forward only)", name)
		}
		return t - pc - 1, nil
	}

	m := l.mnem
	switch m {
	case "ld", "ldi", "ldh", "ldb", "ldx", "ldxi", "ldxb":
		if err := nargs(1); err != nil {
			return Instruction{}, err
		}
		a := l.args[0]
		cls := uint16(ClassLd)
		if strings.HasPrefix(m, "ldx") {
			cls = ClassLdx
		}
		size := uint16(SizeW)
		switch m {
		case "ldh":
			size = SizeH
		case "ldb":
			size = SizeB
		}
		ext := strings.TrimPrefix(a, "#")
		if ext == "len" && (m == "ld" || m == "ldx") {
			return Instruction{Code: cls | SizeW | ModeLen}, nil
		}
		if an, ok := ancByName(ext); ok && m == "ld" {
			return Instruction{Code: ClassLd | SizeW | ModeAbs, K: AncOffset + uint32(an)}, nil
		}
		if v, ok, err := imm(0); ok || err != nil {
			if err != nil {
				return Instruction{}, err
			}
			if m != "ld" && m != "ldi" && m != "ldx" && m != "ldxi" {
				return Instruction{}, fail(0, "operand", "%s cannot load a constant", m)
			}
			return Instruction{Code: cls | ModeImm, K: v}, nil
		}
		if m == "ldi" || m == "ldxi" {
			return Instruction{}, fail(0, "operand", "%s wants #k", m)
		}
		if strings.HasPrefix(a, "M[") && strings.HasSuffix(a, "]") && (m == "ld" || m == "ldx") {
			v, err := num(0, a[2:len(a)-1])
			return Instruction{Code: cls | ModeMem, K: v}, err
		}
		if m == "ldxb" {
			in := strings.ReplaceAll(a, " ", "")
			if strings.HasPrefix(in, "4*([") && strings.HasSuffix(in, "]&0xf)") {
				v, err := num(0, in[4:len(in)-6])
				return Instruction{Code: ClassLdx | SizeB | ModeMsh, K: v}, err
			}
			return Instruction{}, fail(0, "operand", "ldxb wants 4*([k]&0xf)")
		}
		if cls == ClassLd && strings.HasPrefix(a, "[") && strings.HasSuffix(a, "]") {
			in := strings.TrimSpace(a[1 : len(a)-1])
			for _, xp := range []string{"x", "%x"} {
				if strings.HasPrefix(in, xp) {
					r := strings.TrimSpace(in[len(xp):])
					if r == "" {
						return Instruction{Code: ClassLd | size | ModeInd}, nil
					}
					if r[0] == '+' {
						v, err := num(0, strings.TrimSpace(r[1:]))
						return Instruction{Code: ClassLd | size | ModeInd, K: v}, err
					}
				}
			}
			v, err := num(0, in)
			return Instruction{Code: ClassLd | size | ModeAbs, K: v}, err
		}
		return Instruction{}, fail(0, "operand", "%s cannot take operand %q", m, a)
	case "st", "stx":
		if err := nargs(1); err != nil {
			return Instruction{}, err
		}
		a := l.args[0]
		if !strings.HasPrefix(a, "M[") || !strings.HasSuffix(a, "]") {
			return Instruction{}, fail(0, "operand", "%s wants M[k]", m)
		}
		v, err := num(0, a[2:len(a)-1])
		code := uint16(ClassSt)
		if m == "stx" {
			code = ClassStx
		}
		return Instruction{Code: code, K: v}, err
	case "jmp", "ja":
		if err := nargs(1); err != nil {
			return Instruction{}, err
		}
		// ja's k is an unsigned distance: a label behind wraps around,
		// which Linux's checker then refuses (as libpcap's protochain
		// loops are).
		d, err := target(0, true)
		return Instruction{Code: ClassJmp | JmpJa, K: uint32(int32(d))}, err
	case "neg", "tax", "txa":
		if err := nargs(0); err != nil {
			return Instruction{}, err
		}
		return Instruction{Code: map[string]uint16{"neg": ClassAlu | AluNeg, "tax": ClassMisc | MiscTax, "txa": ClassMisc | MiscTxa}[m]}, nil
	case "ret":
		if err := nargs(1); err != nil {
			return Instruction{}, err
		}
		switch a := l.args[0]; {
		case a == "a" || a == "%a":
			return Instruction{Code: ClassRet | RetA}, nil
		case isX(a):
			return Instruction{Code: ClassRet | RetX}, nil
		}
		v, ok, err := imm(0)
		if err != nil {
			return Instruction{}, err
		}
		if !ok {
			return Instruction{}, fail(0, "operand", "ret wants #k, a or x")
		}
		return Instruction{Code: ClassRet | RetK, K: v}, nil
	}
	if op, ok := bpfAsmALU[m]; ok {
		if err := nargs(1); err != nil {
			return Instruction{}, err
		}
		if isX(l.args[0]) {
			return Instruction{Code: ClassAlu | op | SrcX}, nil
		}
		v, ok, err := imm(0)
		if err != nil {
			return Instruction{}, err
		}
		if !ok {
			return Instruction{}, fail(0, "operand", "%s wants #k or x", m)
		}
		return Instruction{Code: ClassAlu | op | SrcK, K: v}, nil
	}
	if j, ok := bpfAsmJump[m]; ok {
		if j.swap {
			if err := nargs(2); err != nil {
				return Instruction{}, err
			}
		} else if err := nargs(2, 3); err != nil {
			return Instruction{}, err
		}
		insn := Instruction{Code: ClassJmp | j.op}
		if isX(l.args[0]) {
			insn.Code |= SrcX
		} else {
			v, ok, err := imm(0)
			if err != nil {
				return Instruction{}, err
			}
			if !ok {
				return Instruction{}, fail(0, "operand", "%s compares with #k or x", m)
			}
			insn.K = v
		}
		var t [2]int
		for i := 1; i < len(l.args); i++ {
			d, err := target(i, false)
			if err != nil {
				return Instruction{}, err
			}
			if d > 255 {
				return Instruction{}, fail(i, "label", "label %q is %d instructions ahead; conditional jumps reach 256", l.args[i], d+1)
			}
			t[i-1] = d
		}
		if j.swap {
			insn.Jf = uint8(t[0])
		} else {
			insn.Jt, insn.Jf = uint8(t[0]), uint8(t[1])
		}
		return insn, nil
	}
	return Instruction{}, fail(-1, "op", "unknown instruction %q", m)
}

func joinInts(n []int) string {
	s := make([]string, len(n))
	for i, v := range n {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, " or ")
}

// FormatBPFAsmText writes p in bpf_asm syntax, with a label "lN" on
// every jump target (N is the target's index). Instructions bpf_asm has
// no spelling for (unknown codes) and jumps past the end are errors.
func FormatBPFAsmText(p Program) (string, error) {
	targets := map[int]bool{}
	for pc, i := range p {
		switch {
		case i.Code == ClassJmp|JmpJa:
			targets[pc+1+int(int32(i.K))] = true // may lie behind: k wraps
		case i.IsCondJump():
			targets[pc+1+int(i.Jt)] = true
			targets[pc+1+int(i.Jf)] = true
		}
	}
	var bad []int
	for t := range targets {
		if t <= 0 || t > len(p) {
			bad = append(bad, t)
		}
	}
	if len(bad) > 0 {
		sort.Ints(bad)
		return "", &Error{Format: FormatBPFAsm, Insn: -1, Field: "label", Msg: fmt.Sprintf("jump target %d is outside the program (0..%d): labels cannot express it", bad[0], len(p))}
	}
	var b strings.Builder
	for pc, i := range p {
		if targets[pc] {
			fmt.Fprintf(&b, "l%d:", pc)
		}
		s, err := bpfAsmInsn(i, pc)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "\t%s\n", s)
	}
	if targets[len(p)] {
		fmt.Fprintf(&b, "l%d:\n", len(p))
	}
	return b.String(), nil
}

func bpfAsmInsn(i Instruction, pc int) (string, error) {
	k := i.K
	ks := int32(k)
	lbl := func(d int) string { return fmt.Sprintf("l%d", pc+1+d) }
	if i.Code > 0xff {
		return "", &Error{Format: FormatBPFAsm, Insn: pc, Field: "code", Msg: fmt.Sprintf("opcode 0x%x has no bpf_asm spelling", i.Code)}
	}
	switch i.Code {
	case ClassLd | ModeImm:
		return fmt.Sprintf("ld #0x%x", k), nil
	case ClassLdx | ModeImm:
		return fmt.Sprintf("ldx #0x%x", k), nil
	case ClassLd | SizeW | ModeLen:
		return "ld #len", nil
	case ClassLdx | SizeW | ModeLen:
		return "ldx #len", nil
	case ClassLd | ModeMem:
		return fmt.Sprintf("ld M[%d]", k), nil
	case ClassLdx | ModeMem:
		return fmt.Sprintf("ldx M[%d]", k), nil
	case ClassSt:
		return fmt.Sprintf("st M[%d]", k), nil
	case ClassStx:
		return fmt.Sprintf("stx M[%d]", k), nil
	case ClassLdx | SizeB | ModeMsh:
		return fmt.Sprintf("ldxb 4*([%d]&0xf)", ks), nil
	case ClassAlu | AluNeg:
		return "neg", nil
	case ClassMisc | MiscTax:
		return "tax", nil
	case ClassMisc | MiscTxa:
		return "txa", nil
	case ClassRet | RetK:
		return fmt.Sprintf("ret #%d", k), nil
	case ClassRet | RetA:
		return "ret a", nil
	case ClassRet | RetX:
		return "ret x", nil
	case ClassJmp | JmpJa:
		return "ja " + lbl(int(ks)), nil
	}
	names := map[uint16]string{SizeW: "ld", SizeH: "ldh", SizeB: "ldb"}
	if i.Class() == ClassLd && (i.Mode() == ModeAbs || i.Mode() == ModeInd) && names[i.Size()] != "" && i.Size() != 0x18 {
		if i.Mode() == ModeInd {
			return fmt.Sprintf("%s [x + %d]", names[i.Size()], ks), nil
		}
		if a, ok := ancillary(i); ok && i.Size() == SizeW && AncName(a) != "" {
			return "ld #" + AncName(a), nil
		}
		return fmt.Sprintf("%s [%d]", names[i.Size()], ks), nil
	}
	if i.Class() == ClassAlu {
		for n, op := range bpfAsmALU {
			if i.Code == ClassAlu|op|SrcX {
				return n + " x", nil
			}
			if i.Code == ClassAlu|op|SrcK {
				if op == AluAnd || op == AluOr || op == AluXor {
					return fmt.Sprintf("%s #0x%x", n, k), nil
				}
				return fmt.Sprintf("%s #%d", n, k), nil
			}
		}
	}
	if i.IsCondJump() && i.Code < 0x100 {
		for n, j := range bpfAsmJump {
			if j.swap {
				continue
			}
			operand := ""
			switch i.Code {
			case ClassJmp | j.op | SrcK:
				operand = fmt.Sprintf("#0x%x", k)
			case ClassJmp | j.op | SrcX:
				operand = "x"
			default:
				continue
			}
			if i.Jf == 0 {
				return fmt.Sprintf("%s %s, %s", n, operand, lbl(int(i.Jt))), nil
			}
			return fmt.Sprintf("%s %s, %s, %s", n, operand, lbl(int(i.Jt)), lbl(int(i.Jf))), nil
		}
	}
	return "", &Error{Format: FormatBPFAsm, Insn: pc, Field: "code", Msg: fmt.Sprintf("opcode 0x%x has no bpf_asm spelling", i.Code)}
}
