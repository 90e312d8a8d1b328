package kernel

import (
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/bpfplay/bpfplay/core/asm"
	"github.com/bpfplay/bpfplay/core/isa"
)

// The patterns below are compiled on first use: at init they would put
// the regexp compiler (and its Unicode tables) on the browser's start-up
// path.

// A verifier log line: "5: (85) call bpf_map_lookup_elem#1    ; R0_w=..."
var logPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*(\d+): \(([0-9a-f]{2})\) `) })

// An llvm-objdump line: "      12:	18 01 00 00 ... 00	r1 = 0x0 ll".
var objdumpPrefix = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} ){7,15}[0-9a-f]{2})\s*\t?`)
})

// An llvm-objdump symbol line: "0000000000000000 <prog>:".
var objdumpSymbol = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]+ <([^<>]+)>:\s*$`) })

// llvm-objdump's "<prog+0x108>" after a jump target.
var objdumpTarget = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\s*<[^<>]*>\s*$`) })

// After a branch the log may print the other branch's state on the same
// line: "if r1 > 0x0 goto pc+1 11: R0=...".
var branchState = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.*goto pc[+-]\d+) \d+: .*$`) })

// Assemble reads a program in the kernel/llvm dialect. Besides plain
// text it takes a pasted verifier log (only the "N: (xx) ..." lines
// count; each instruction is placed at its pc and must match its opcode
// byte) and pasted llvm-objdump output (only the instruction lines count;
// the text must assemble to the bytes shown beside it). Errors come as an
// asm.ErrorList with line:col.
func Assemble(src string) (*asm.Listing, error) {
	lines := strings.Split(src, "\n")
	mode := detectMode(lines)
	if mode == modeLog {
		return assembleLog(lines)
	}
	b := asm.NewBuilder()
	var pending []pendingCall
	for i, raw := range lines {
		if b.Full() {
			break
		}
		lineNo := i + 1
		text, col0 := raw, 1
		var want []byte
		if mode == modeObjdump {
			if m := objdumpSymbol().FindStringSubmatch(raw); m != nil {
				if validLabel(m[1]) {
					b.Label(m[1], asm.Pos{Line: lineNo, Col: 1})
				}
				continue
			}
			loc := objdumpPrefix().FindStringSubmatchIndex(raw)
			if loc == nil {
				continue
			}
			want, _ = hex.DecodeString(strings.ReplaceAll(raw[loc[4]:loc[5]], " ", ""))
			text, col0 = raw[loc[1]:], loc[1]+1
			if strings.TrimSpace(text) == "<unknown>" {
				b.Error(asm.Errorf(asm.Pos{Line: lineNo, Col: col0}, asm.ErrOperand, "llvm-objdump could not decode %x (for 32-bit atomics it needs --mattr=+alu32 or --mcpu=v3)", want))
				continue
			}
			text = objdumpTarget().ReplaceAllString(text, "")
		}
		text = stripComment(text)
		p, label, err := parseLine(text, lineNo, col0)
		if err != nil {
			b.Error(err)
			continue
		}
		if label != nil {
			b.Label(label.text, asm.Pos{Line: lineNo, Col: label.col})
		}
		if p == nil {
			continue
		}
		s, err := p.statement()
		if err != nil {
			b.Error(err)
			continue
		}
		pos := asm.Pos{Line: lineNo, Col: p.toks[0].col}
		if want != nil && !sameEncoding(s.ins, want) {
			b.Error(asm.Errorf(pos, asm.ErrOperand, "assembles to %x but the listing shows %x", s.ins.AppendBinary(nil), want))
		}
		idx := b.Emit(s.ins, pos)
		if s.label != "" {
			b.Ref(idx, s.label, p.pos(s.labelTok), s.refKind)
		}
		if s.callName != "" {
			pending = append(pending, pendingCall{idx, s.callName, p.pos(s.callTok)})
		}
		if s.mapName != "" {
			ins := b.Insn(idx)
			n := b.MapIndex(s.mapName, idx, s.mapValue, p.pos(s.mapTok))
			*ins = isa.LdImm64Pseudo(ins.Dst, ins.Pseudo(), int32(n), ins.ImmHi())
		}
	}
	resolveCalls(b, pending)
	if b.Len() == 0 && !b.HasErrors() {
		b.Error(asm.Errorf(asm.Pos{}, asm.ErrEmpty, "no instructions: the program is empty"))
	}
	return b.Finish()
}

type pendingCall struct {
	ins  int
	name string
	pos  asm.Pos
}

// resolveCalls settles "call NAME": a call to a label in the text is a
// bpf-to-bpf call, otherwise NAME must be a helper.
func resolveCalls(b *asm.Builder, pending []pendingCall) {
	for _, c := range pending {
		ins := b.Insn(c.ins)
		if b.HasLabel(c.name) {
			ins.Src = isa.CallFunc
			b.Ref(c.ins, c.name, c.pos, asm.RefCall)
			continue
		}
		if h, ok := isa.HelperByName(c.name); ok {
			ins.Imm = int64(h)
			continue
		}
		b.Error(asm.Errorf(c.pos, asm.ErrLabel, "call %s: no label %q in the program and no Linux 6.1 helper of that name", c.name, c.name))
	}
}

func sameEncoding(ins isa.Instruction, want []byte) bool {
	got := ins.AppendBinary(nil)
	return string(got) == string(want)
}

type mode uint8

const (
	modeText mode = iota
	modeLog
	modeObjdump
)

// detectMode tells a verifier log or llvm-objdump output from plain text.
// The substring tests come first: they are what each pattern requires,
// and they keep plain text (the browser's every keystroke) away from the
// regular expressions, whose compilation is costly at wasm start-up.
func detectMode(lines []string) mode {
	for _, l := range lines {
		if strings.Contains(l, ": (") && logPrefix().MatchString(l) {
			return modeLog
		}
		if strings.Contains(l, ":\t") && objdumpPrefix().MatchString(l) {
			return modeObjdump
		}
	}
	return modeText
}

// stripComment removes a comment: ";" or "//" anywhere, "#" at the start
// of the line or after a blank (a "#" inside "call name#1" is not one).
func stripComment(s string) string {
	cut := len(s)
	if i := strings.IndexByte(s, ';'); i >= 0 {
		cut = i
	}
	if i := strings.Index(s, "//"); i >= 0 && i < cut {
		cut = i
	}
	for i := 0; i < cut; i++ {
		if s[i] == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t') {
			cut = i
			break
		}
	}
	return s[:cut]
}

// parseLine lexes one line and splits off a leading "label:". It returns
// a nil parser for a line with no instruction.
func parseLine(text string, lineNo, col0 int) (*parser, *token, *asm.Error) {
	toks, err := lex(text, lineNo, col0)
	if err != nil {
		return nil, nil, err
	}
	var label *token
	if len(toks) >= 3 && toks[0].kind == tIdent && toks[1].text == ":" && toks[1].kind == tPunct {
		if !validLabel(toks[0].text) || isRegister(toks[0]) {
			return nil, nil, asm.Errorf(asm.Pos{Line: lineNo, Col: toks[0].col}, asm.ErrSyntax, "%q cannot be a label (a label is a word that is not a register)", toks[0].text)
		}
		l := toks[0]
		label = &l
		toks = toks[2:]
	}
	if toks[0].kind == tEOF {
		return nil, label, nil
	}
	return &parser{toks: toks, line: lineNo}, label, nil
}

// assembleLog assembles a pasted verifier log: every "pc: (xx) text"
// line places its instruction at pc. The verifier prints an instruction
// each time a path reaches it, so a pc may repeat (with the same text).
// The program runs from the lowest pc shown to the highest, and every pc
// in between must appear, since the log is all there is.
func assembleLog(lines []string) (*asm.Listing, error) {
	type placed struct {
		ins  isa.Instruction
		pos  asm.Pos
		text string
	}
	at := map[int]placed{}
	var errs asm.ErrorList
	for i, raw := range lines {
		m := logPrefix().FindStringSubmatchIndex(raw)
		if m == nil {
			continue
		}
		lineNo := i + 1
		pc, _ := strconv.Atoi(raw[m[2]:m[3]])
		opcode, _ := strconv.ParseUint(raw[m[4]:m[5]], 16, 8)
		text := raw[m[1]:]
		if bm := branchState().FindStringSubmatch(text); bm != nil {
			text = bm[1]
		}
		text = stripComment(text)
		p, label, err := parseLine(text, lineNo, m[1]+1)
		if err == nil && (p == nil || label != nil) {
			err = asm.Errorf(asm.Pos{Line: lineNo, Col: m[1] + 1}, asm.ErrSyntax, "expected an instruction after the (%02x) prefix", opcode)
		}
		var s *stmt
		if err == nil {
			s, err = p.statement()
		}
		if err == nil && s.ins.IsLdImm64() && opcode == uint64(isa.OpLdImm64) {
			// fine: "(18) r1 = 0x1" prints ld_imm64 without "ll"
		} else if err == nil && uint64(s.ins.OpCode) != opcode {
			if opcode == uint64(isa.OpLdImm64) && s.ins.OpCode.Class().IsALU() && s.ins.OpCode.ALUOp() == isa.Mov {
				s.ins = isa.LdImm64(s.ins.Dst, uint64(s.ins.Imm))
			} else {
				err = asm.Errorf(asm.Pos{Line: lineNo, Col: m[4] + 1}, asm.ErrOperand, "the log says opcode (%02x) but %q is (%02x)", opcode, strings.TrimSpace(text), uint8(s.ins.OpCode))
			}
		}
		if err == nil && s.callName != "" {
			h, ok := isa.HelperByName(s.callName)
			if !ok {
				err = asm.Errorf(p.pos(s.callTok), asm.ErrOperand, "%s is not a Linux 6.1 helper", s.callName)
			}
			s.ins.Imm = int64(h)
		}
		if err == nil && (s.label != "" || s.mapName != "") {
			err = asm.Errorf(asm.Pos{Line: lineNo, Col: m[1] + 1}, asm.ErrSyntax, "labels and map names do not appear in a verifier log")
		}
		if err != nil {
			if len(errs) < asm.MaxErrors {
				errs = append(errs, err)
			}
			continue
		}
		pos := asm.Pos{Line: lineNo, Col: 1}
		if old, dup := at[pc]; dup {
			if old.ins != s.ins {
				errs = append(errs, asm.Errorf(pos, asm.ErrOperand, "pc %d is %q here but %q at line %d", pc, strings.TrimSpace(text), old.text, old.pos.Line))
			}
			continue
		}
		at[pc] = placed{s.ins, pos, strings.TrimSpace(text)}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(at) == 0 {
		return nil, asm.ErrorList{asm.Errorf(asm.Pos{}, asm.ErrEmpty, "no instructions: the log has no \"pc: (xx) insn\" lines")}
	}
	pcs := make([]int, 0, len(at))
	for pc := range at {
		pcs = append(pcs, pc)
	}
	sort.Ints(pcs)
	l := &asm.Listing{Labels: map[string]int{}}
	// A log excerpt may start anywhere ("5: (85) call ..." alone is a
	// one-instruction program); inside it no pc may be missing.
	next := pcs[0]
	for _, pc := range pcs {
		pl := at[pc]
		if pc != next {
			what := fmt.Sprintf("pc %d", next)
			if pc > next+1 {
				what = fmt.Sprintf("pcs %d-%d", next, pc-1)
			}
			if pc < next {
				return nil, asm.ErrorList{asm.Errorf(pl.pos, asm.ErrOperand, "pc %d is the second half of the ld_imm64 at pc %d", pc, pc-1)}
			}
			return nil, asm.ErrorList{asm.Errorf(pl.pos, asm.ErrOperand, "the log never shows %s (the verifier prints only the instructions it reaches)", what)}
		}
		l.Program = append(l.Program, pl.ins)
		l.Pos = append(l.Pos, pl.pos)
		next = pc + pl.ins.Width()
	}
	return l, nil
}
