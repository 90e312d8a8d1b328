package cbpf

import (
	"fmt"
	"strconv"
	"strings"
)

// The tcpdump -d printer follows libpcap 1.10's bpf_image, measured on
// every opcode value (testdata/libpcap): the mnemonic padded to 8
// columns, then the operand; conditional jumps pad the operand to 16
// columns and add absolute targets "jt N\tjf N". Constants print signed
// decimal except the ones libpcap prints in hex (ld/ldx #imm, the
// bitwise ALU ops and the compared values of jumps). Codes libpcap does
// not know print as "unimp 0xCODE" (with targets when the class is jmp
// and the operation is not ja).

// tcpdumpOp describes how one opcode prints: mnemonic and operand form.
type tcpdumpOp struct {
	name string
	arg  argForm
}

type argForm int

const (
	argNone   argForm = iota
	argImmHex         // #0x%x
	argImmDec         // #%d
	argMem            // M[%d]
	argAbs            // [%d]
	argInd            // [x + %d]
	argMsh            // 4*([%d]&0xf)
	argX              // x
	argPktLen         // #pktlen
	argJa             // absolute target pc+1+k
	argJmpImm         // #0x%x + targets
	argJmpX           // x + targets
	argUnimp          // 0x%x (the code)
)

// tcpdumpOps maps the opcodes libpcap prints by name.
var tcpdumpOps = map[uint16]tcpdumpOp{
	0x00: {"ld", argImmHex}, 0x01: {"ldx", argImmHex},
	0x02: {"st", argMem}, 0x03: {"stx", argMem},
	0x06: {"ret", argImmDec}, 0x16: {"ret", argNone},
	0x07: {"tax", argNone}, 0x87: {"txa", argNone},
	0x20: {"ld", argAbs}, 0x28: {"ldh", argAbs}, 0x30: {"ldb", argAbs},
	0x40: {"ld", argInd}, 0x48: {"ldh", argInd}, 0x50: {"ldb", argInd},
	0x60: {"ld", argMem}, 0x61: {"ldx", argMem},
	0x80: {"ld", argPktLen}, 0xb1: {"ldxb", argMsh},
	0x05: {"ja", argJa},
	0x15: {"jeq", argJmpImm}, 0x1d: {"jeq", argJmpX},
	0x25: {"jgt", argJmpImm}, 0x2d: {"jgt", argJmpX},
	0x35: {"jge", argJmpImm}, 0x3d: {"jge", argJmpX},
	0x45: {"jset", argJmpImm}, 0x4d: {"jset", argJmpX},
	0x84: {"neg", argNone},
	0x04: {"add", argImmDec}, 0x0c: {"add", argX},
	0x14: {"sub", argImmDec}, 0x1c: {"sub", argX},
	0x24: {"mul", argImmDec}, 0x2c: {"mul", argX},
	0x34: {"div", argImmDec}, 0x3c: {"div", argX},
	0x94: {"mod", argImmDec}, 0x9c: {"mod", argX},
	0x44: {"or", argImmHex}, 0x4c: {"or", argX},
	0x54: {"and", argImmHex}, 0x5c: {"and", argX},
	0xa4: {"xor", argImmHex}, 0xac: {"xor", argX},
	0x64: {"lsh", argImmDec}, 0x6c: {"lsh", argX},
	0x74: {"rsh", argImmDec}, 0x7c: {"rsh", argX},
}

// pcapAncNames are libpcap's names for the ancillary fields (it prints
// "ld [proto]" for an absolute load at SKF_AD_OFF), which differ from
// bpf_asm's in places ("vlanp", "random", "xor_x").
var pcapAncNames = [ancNamesLen]string{
	"proto", "type", "ifidx", "nla", "nlan", "mark", "queue", "hatype",
	"rxhash", "cpu", "xor_x", "vlan_tci", "vlanp", "poff", "random", "vlan_tpid",
}

// image returns the mnemonic and operand tcpdump prints for i at pc.
func image(i Instruction, pc int) (string, string) {
	op, ok := tcpdumpOps[i.Code]
	if !ok {
		return "unimp", fmt.Sprintf("0x%x", i.Code)
	}
	k := int32(i.K)
	switch op.arg {
	case argImmHex, argJmpImm:
		return op.name, fmt.Sprintf("#0x%x", i.K)
	case argImmDec:
		return op.name, fmt.Sprintf("#%d", k)
	case argMem:
		return op.name, fmt.Sprintf("M[%d]", k)
	case argAbs:
		if a := Anc(i.K - AncOffset); i.K >= AncOffset && a < ancMax && a%4 == 0 {
			return op.name, "[" + pcapAncNames[a/4] + "]"
		}
		return op.name, fmt.Sprintf("[%d]", k)
	case argInd:
		return op.name, fmt.Sprintf("[x + %d]", k)
	case argMsh:
		return op.name, fmt.Sprintf("4*([%d]&0xf)", k)
	case argX, argJmpX:
		return op.name, "x"
	case argPktLen:
		return op.name, "#pktlen"
	case argJa:
		return op.name, fmt.Sprintf("%d", int32(pc+1)+k)
	}
	return op.name, ""
}

// FormatTcpdumpListing prints p exactly as tcpdump -d does.
func FormatTcpdumpListing(p Program) string {
	var b strings.Builder
	for pc, i := range p {
		op, arg := image(i, pc)
		if i.IsCondJump() {
			fmt.Fprintf(&b, "(%03d) %-8s %-16s jt %d\tjf %d\n", pc, op, arg, pc+1+int(i.Jt), pc+1+int(i.Jf))
		} else {
			fmt.Fprintf(&b, "(%03d) %-8s %s\n", pc, op, arg)
		}
	}
	return b.String()
}

// tcpdumpByName indexes tcpdumpOps by mnemonic and operand form.
var tcpdumpByName = func() map[string]map[argForm]uint16 {
	m := map[string]map[argForm]uint16{}
	for code, op := range tcpdumpOps {
		if m[op.name] == nil {
			m[op.name] = map[argForm]uint16{}
		}
		m[op.name][op.arg] = code
	}
	return m
}()

// ParseTcpdump reads a tcpdump -d listing. The pc in parentheses must
// count up from 0; absolute jump targets are turned back into offsets.
// The listing does not show fields an instruction ignores (k of "tax",
// "ret" of A, ...), so those read back as zero.
func ParseTcpdump(s string) (Program, error) {
	var p Program
	for _, l := range meaningfulLines(s) {
		pc := len(p)
		fail := func(col int, field, format string, a ...any) error {
			return &Error{Format: FormatTcpdump, Line: l.num, Col: col, Insn: pc, Field: field, Msg: fmt.Sprintf(format, a...)}
		}
		t := l.text
		lead := len(t) - len(strings.TrimLeft(t, " \t"))
		t = t[lead:]
		if !strings.HasPrefix(t, "(") {
			return nil, fail(lead+1, "pc", "want \"(%03d)\" at the start of the line", pc)
		}
		close := strings.IndexByte(t, ')')
		if close < 0 {
			return nil, fail(lead+1, "pc", "missing ')'")
		}
		n, err := strconv.Atoi(t[1:close])
		if err != nil || n != pc {
			return nil, fail(lead+2, "pc", "want instruction number %d, got %q", pc, t[1:close])
		}
		rest := t[close+1:]
		col := lead + close + 2
		// Split off "jt N\tjf N" if present.
		var jt, jf string
		if j := strings.Index(rest, " jt "); j >= 0 {
			tail := strings.Fields(rest[j:])
			if len(tail) != 4 || tail[0] != "jt" || tail[2] != "jf" {
				return nil, fail(col+j, "jt", "want \"jt N\\tjf N\"")
			}
			jt, jf = tail[1], tail[3]
			rest = rest[:j]
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return nil, fail(col, "op", "missing mnemonic")
		}
		name := fields[0]
		arg := strings.Join(fields[1:], " ")
		argCol := col + strings.Index(rest, name) + len(name)
		insn, _, err := parseTcpdumpOperand(name, arg, pc)
		if err != nil {
			return nil, fail(argCol, "operand", "%v", err)
		}
		isJump := insn.IsCondJump()
		if isJump != (jt != "") {
			if isJump {
				return nil, fail(col+len(rest), "jt", "conditional jump without \"jt N\\tjf N\"")
			}
			return nil, fail(col+len(rest), "jt", "%s takes no jump targets", name)
		}
		if isJump {
			for _, f := range []struct {
				name string
				s    string
				dst  *uint8
			}{{"jt", jt, &insn.Jt}, {"jf", jf, &insn.Jf}} {
				v, err := strconv.Atoi(f.s)
				if err != nil {
					return nil, fail(col+len(rest), f.name, "%q is not a number", f.s)
				}
				d := v - pc - 1
				if d < 0 || d > 255 {
					return nil, fail(col+len(rest), f.name, "target %d is not 1..256 instructions ahead of %d", v, pc)
				}
				*f.dst = uint8(d)
			}
		}
		p = append(p, insn)
	}
	if len(p) == 0 {
		return nil, &Error{Format: FormatTcpdump, Insn: -1, Msg: "no instructions"}
	}
	return p, nil
}

// parseTcpdumpOperand turns a mnemonic and its operand text back into an
// instruction (jt/jf still zero).
func parseTcpdumpOperand(name, arg string, pc int) (Instruction, argForm, error) {
	forms, ok := tcpdumpByName[name]
	if name == "unimp" {
		v, err := parseField(arg, 16, true, false)
		if err != nil || !strings.HasPrefix(arg, "0x") {
			return Instruction{}, argUnimp, fmt.Errorf("unimp wants the opcode in hex, got %q", arg)
		}
		return Instruction{Code: uint16(v)}, argUnimp, nil
	}
	if !ok {
		return Instruction{}, 0, fmt.Errorf("unknown mnemonic %q", name)
	}
	num := func(s string) (uint32, error) {
		v, err := parseField(s, 32, true, true)
		return uint32(v), err
	}
	try := func(f argForm, k uint32) (Instruction, argForm, error) {
		code, ok := forms[f]
		if !ok {
			return Instruction{}, 0, fmt.Errorf("%s does not take operand %q", name, arg)
		}
		return Instruction{Code: code, K: k}, f, nil
	}
	switch {
	case arg == "":
		return try(argNone, 0)
	case arg == "x":
		if _, ok := forms[argJmpX]; ok {
			return try(argJmpX, 0)
		}
		return try(argX, 0)
	case arg == "#pktlen":
		return try(argPktLen, 0)
	case strings.HasPrefix(arg, "#"):
		k, err := num(arg[1:])
		if err != nil {
			return Instruction{}, 0, err
		}
		for _, f := range []argForm{argImmHex, argImmDec, argJmpImm} {
			if _, ok := forms[f]; ok {
				return try(f, k)
			}
		}
		return try(argImmHex, k)
	case strings.HasPrefix(arg, "M[") && strings.HasSuffix(arg, "]"):
		k, err := num(arg[2 : len(arg)-1])
		if err != nil {
			return Instruction{}, 0, err
		}
		return try(argMem, k)
	case strings.HasPrefix(arg, "[x + ") && strings.HasSuffix(arg, "]"):
		k, err := num(arg[5 : len(arg)-1])
		if err != nil {
			return Instruction{}, 0, err
		}
		return try(argInd, k)
	case strings.HasPrefix(arg, "[") && strings.HasSuffix(arg, "]"):
		for j, n := range pcapAncNames {
			if arg[1:len(arg)-1] == n {
				return try(argAbs, AncOffset+uint32(j*4))
			}
		}
		k, err := num(arg[1 : len(arg)-1])
		if err != nil {
			return Instruction{}, 0, err
		}
		return try(argAbs, k)
	case strings.HasPrefix(arg, "4*([") && strings.HasSuffix(arg, "]&0xf)"):
		k, err := num(arg[4 : len(arg)-6])
		if err != nil {
			return Instruction{}, 0, err
		}
		return try(argMsh, k)
	case name == "ja":
		t, err := strconv.ParseInt(arg, 10, 64)
		if err != nil {
			return Instruction{}, 0, fmt.Errorf("ja wants an instruction number, got %q", arg)
		}
		return try(argJa, uint32(t-int64(pc)-1))
	}
	return Instruction{}, 0, fmt.Errorf("cannot read operand %q", arg)
}
