package conformance

import (
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/bpfplay/bpfplay/core/asm"
	"github.com/bpfplay/bpfplay/core/isa"
)

// Assemble reads a program in the conformance dialect. Comments ('#' to
// the end of the line) are allowed. It returns every error it finds (up
// to asm.MaxErrors) as an asm.ErrorList, each with line:col.
func Assemble(src string) (*asm.Listing, error) {
	b := asm.NewBuilder()
	sawExit := false
	for i, text := range strings.Split(src, "\n") {
		if b.Full() {
			break
		}
		if j := strings.IndexByte(text, '#'); j >= 0 {
			text = text[:j]
		}
		l, err := splitLine(text, i+1)
		if err != nil {
			b.Error(err)
			continue
		}
		if l.label != nil {
			if !validLabel(l.label.text) {
				b.Error(asm.Errorf(l.label.pos, asm.ErrSyntax, "Invalid label: %q (a label is letters, digits, '_' and '.', not starting with a digit)", l.label.text))
			} else {
				b.Label(l.label.text, l.label.pos)
			}
		}
		if l.mnemonic == nil {
			continue
		}
		if err := assembleLine(b, l); err != nil {
			b.Error(err)
			continue
		}
		// The first exit defines the implicit label "exit".
		if !sawExit && l.mnemonic.text == "exit" {
			sawExit = true
			b.ImplicitLabel("exit", b.Len()-1, l.mnemonic.pos)
		}
	}
	if b.Len() == 0 && !b.HasErrors() {
		b.Error(asm.Errorf(asm.Pos{}, asm.ErrEmpty, "no instructions: the program is empty"))
	}
	return b.Finish()
}

func validLabel(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// handler assembles one mnemonic; info is the mnemonic's table entry.
type handler func(b *asm.Builder, l line, e entry) *asm.Error

type entry struct {
	h    handler
	op   isa.OpCode
	off  int16
	imm  int32
	nOps int // number of operands; -1: checked by the handler
}

// mnemonics returns the mnemonic table, built on first use: building it
// is one long function of map stores, which the browser compiled (and
// compiled again with TurboFan, in the background) at start-up even for
// pages that never assemble this dialect (docs/web.md, "Compile cost of
// big init functions"). Set in init, not in its declaration, because the
// handlers it lists lead back to assembleLine, which reads it.
var mnemonics func() map[string]entry

func init() { mnemonics = sync.OnceValue(buildMnemonics) }

func buildMnemonics() map[string]entry {
	m := map[string]entry{}
	aluOps := []struct {
		name string
		op   isa.ALUOp
		off  int16
	}{
		{"add", isa.Add, 0}, {"sub", isa.Sub, 0}, {"mul", isa.Mul, 0}, {"div", isa.Div, 0},
		{"sdiv", isa.Div, 1}, {"mod", isa.Mod, 0}, {"smod", isa.Mod, 1}, {"or", isa.Or, 0},
		{"and", isa.And, 0}, {"xor", isa.Xor, 0}, {"lsh", isa.LSh, 0}, {"rsh", isa.RSh, 0},
		{"arsh", isa.ArSh, 0}, {"mov", isa.Mov, 0},
	}
	for _, a := range aluOps {
		m[a.name] = entry{h: aluInsn, op: isa.ALUOpCode(isa.ALU64Class, a.op, 0), off: a.off, nOps: 2}
		m[a.name+"32"] = entry{h: aluInsn, op: isa.ALUOpCode(isa.ALUClass, a.op, 0), off: a.off, nOps: 2}
	}
	m["neg"] = entry{h: oneReg, op: isa.ALUOpCode(isa.ALU64Class, isa.Neg, 0), nOps: 1}
	m["neg32"] = entry{h: oneReg, op: isa.ALUOpCode(isa.ALUClass, isa.Neg, 0), nOps: 1}
	for _, sx := range []struct {
		name string
		c    isa.Class
		bits int16
	}{{"movsx864", isa.ALU64Class, 8}, {"movsx1664", isa.ALU64Class, 16}, {"movsx3264", isa.ALU64Class, 32},
		{"movsx832", isa.ALUClass, 8}, {"movsx1632", isa.ALUClass, 16}} {
		m[sx.name] = entry{h: twoRegs, op: isa.ALUOpCode(sx.c, isa.Mov, isa.RegSource), off: sx.bits, nOps: 2}
	}
	for _, w := range []int32{16, 32, 64} {
		n := strconv.Itoa(int(w))
		m["le"+n] = entry{h: oneReg, op: isa.ALUOpCode(isa.ALUClass, isa.End, isa.ToLE), imm: w, nOps: 1}
		m["be"+n] = entry{h: oneReg, op: isa.ALUOpCode(isa.ALUClass, isa.End, isa.ToBE), imm: w, nOps: 1}
		m["bswap"+n] = entry{h: oneReg, op: isa.ALUOpCode(isa.ALU64Class, isa.End, isa.ToLE), imm: w, nOps: 1}
		m["swap"+n] = m["bswap"+n]
	}
	m["lddw"] = entry{h: lddw, op: isa.OpLdImm64, nOps: 2}
	sizes := []struct {
		suffix string
		size   isa.Size
	}{{"b", isa.Byte}, {"h", isa.Half}, {"w", isa.Word}, {"dw", isa.DWord}}
	for _, s := range sizes {
		m["ldx"+s.suffix] = entry{h: load, op: isa.LoadStoreOpCode(isa.LdXClass, isa.MemMode, s.size), nOps: 2}
		m["st"+s.suffix] = entry{h: storeImm, op: isa.LoadStoreOpCode(isa.StClass, isa.MemMode, s.size), nOps: 2}
		m["stx"+s.suffix] = entry{h: storeReg, op: isa.LoadStoreOpCode(isa.StXClass, isa.MemMode, s.size), nOps: 2}
		if s.size != isa.DWord {
			m["ldxs"+s.suffix] = entry{h: load, op: isa.LoadStoreOpCode(isa.LdXClass, isa.MemSXMode, s.size), nOps: 2}
			// bpfplay extension: the legacy packet loads, as uBPF spells them.
			m["ldabs"+s.suffix] = entry{h: ldAbs, op: isa.LoadStoreOpCode(isa.LdClass, isa.AbsMode, s.size), nOps: 1}
			m["ldind"+s.suffix] = entry{h: ldInd, op: isa.LoadStoreOpCode(isa.LdClass, isa.IndMode, s.size), nOps: 2}
		}
	}
	m["lock"] = entry{h: lock, nOps: -1}
	m["ja"] = entry{h: jump, op: isa.OpJa, nOps: 1}
	m["ja32"] = entry{h: jump, op: isa.OpJa32, nOps: 1}
	jumps := []struct {
		name string
		op   isa.JumpOp
	}{{"jeq", isa.JEq}, {"jgt", isa.JGT}, {"jge", isa.JGE}, {"jset", isa.JSet}, {"jne", isa.JNE},
		{"jsgt", isa.JSGT}, {"jsge", isa.JSGE}, {"jlt", isa.JLT}, {"jle", isa.JLE}, {"jslt", isa.JSLT}, {"jsle", isa.JSLE}}
	for _, j := range jumps {
		m[j.name] = entry{h: jump, op: isa.JumpOpCode(isa.JumpClass, j.op, 0), nOps: 3}
		m[j.name+"32"] = entry{h: jump, op: isa.JumpOpCode(isa.Jump32Class, j.op, 0), nOps: 3}
	}
	m["call"] = entry{h: call, nOps: -1}
	m["exit"] = entry{h: exit, op: isa.OpExit, nOps: 0}
	m[".slot"] = entry{h: slot, nOps: -1}
	return m
}

func assembleLine(b *asm.Builder, l line) *asm.Error {
	e, ok := mnemonics()[l.mnemonic.text]
	if !ok {
		return asm.Errorf(l.mnemonic.pos, asm.ErrMnemonic, "Invalid mnemonic: %s%s", l.mnemonic.text, suggest(l.mnemonic.text))
	}
	if e.nOps >= 0 && len(l.operands) != e.nOps {
		return operandCount(l, e.nOps)
	}
	return e.h(b, l, e)
}

func operandCount(l line, want int) *asm.Error {
	pos := l.mnemonic.pos
	if len(l.operands) > want {
		pos = l.operands[want].pos
	}
	return asm.Errorf(pos, asm.ErrOperandCount, "Invalid number of operands for mnemonic: %s (found %d, expected %d)", l.mnemonic.text, len(l.operands), want)
}

// suggest names the closest mnemonic when a common spelling of another
// dialect is used.
func suggest(m string) string {
	switch m {
	case "mov64", "add64", "sub64", "mul64", "div64", "or64", "and64", "lsh64", "rsh64", "neg64", "mod64", "xor64", "arsh64":
		return " (64-bit is the bare name: " + strings.TrimSuffix(m, "64") + ")"
	case "ldxq", "ldq":
		return " (a 64-bit load is ldxdw)"
	case "ld_imm64", "ld64", "ldimm64":
		return " (a 64-bit constant is lddw)"
	}
	return ""
}

func reg(t token) (isa.Register, *asm.Error) {
	s := t.text
	if !strings.HasPrefix(s, "%r") {
		if strings.HasPrefix(s, "r") {
			if _, err := strconv.Atoi(s[1:]); err == nil {
				return 0, asm.Errorf(t.pos, asm.ErrRegister, "Invalid register: %s (this dialect writes registers with '%%': %%%s)", s, s)
			}
		}
		return 0, asm.Errorf(t.pos, asm.ErrRegister, "Invalid register: %s (expected %%r0 to %%r10)", s)
	}
	n, err := strconv.Atoi(s[2:])
	if err != nil || n < 0 || n > 10 || s[2] == '+' || s[2] == '-' {
		return 0, asm.Errorf(t.pos, asm.ErrRegister, "Invalid register: %s (expected %%r0 to %%r10)", s[1:])
	}
	return isa.Register(n), nil
}

func isReg(t token) bool { return strings.HasPrefix(t.text, "%") }

func imm32(t token) (int32, *asm.Error) {
	n, ok := asm.ParseNumber(t.text)
	if !ok {
		return 0, asm.Errorf(t.pos, asm.ErrOperand, "Invalid immediate: %s (expected a register %%rN, a decimal number or 0x hex)", t.text)
	}
	v, ok := n.Int32()
	if !ok && n.Hex { // hex is read as a 32-bit pattern: 0xffffffff is -1
		v, ok = n.Pattern32()
	}
	if !ok {
		return 0, asm.Errorf(t.pos, asm.ErrRange, "Invalid immediate: %s does not fit in 32 bits (decimal -2147483648..2147483647, or hex up to 0xffffffff)", t.text)
	}
	return v, nil
}

// memOperand reads [%rN], [%rN+off] or [%rN-off].
func memOperand(t token) (isa.Register, int16, *asm.Error) {
	s := t.text
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
		return 0, 0, asm.Errorf(t.pos, asm.ErrOperand, "Failed to decode register and offset: %s (expected a memory operand such as [%%r1+4])", strings.TrimPrefix(s, "%"))
	}
	inner := s[1 : len(s)-1]
	cut := strings.IndexAny(inner, "+-")
	regText, offText := inner, ""
	if cut >= 0 {
		regText, offText = inner[:cut], inner[cut:]
	}
	r, err := reg(token{regText, asm.Pos{Line: t.pos.Line, Col: t.pos.Col + 1}})
	if err != nil {
		return 0, 0, err
	}
	if offText == "" {
		return r, 0, nil
	}
	n, ok := asm.ParseNumber(offText)
	if !ok || offText[1:] == "" || offText[1] == '+' || offText[1] == '-' {
		return 0, 0, asm.Errorf(asm.Pos{Line: t.pos.Line, Col: t.pos.Col + 1 + cut}, asm.ErrOperand, "Failed to decode register and offset: %s (the offset must be a number such as +4 or -0x8)", s)
	}
	if !n.InRange(math.MinInt16, math.MaxInt16) {
		return 0, 0, asm.Errorf(asm.Pos{Line: t.pos.Line, Col: t.pos.Col + 1 + cut}, asm.ErrRange, "Invalid offset: %s does not fit in 16 bits (-32768..32767)", offText)
	}
	v, _ := n.Int64()
	return r, int16(v), nil
}

func aluInsn(b *asm.Builder, l line, e entry) *asm.Error {
	dst, err := reg(l.operands[0])
	if err != nil {
		return err
	}
	ins := isa.Instruction{OpCode: e.op, Dst: dst, Off: e.off}
	if isReg(l.operands[1]) {
		src, err := reg(l.operands[1])
		if err != nil {
			return err
		}
		ins.OpCode |= isa.OpCode(isa.RegSource)
		ins.Src = src
	} else {
		v, err := imm32(l.operands[1])
		if err != nil {
			return err
		}
		ins.Imm = int64(v)
	}
	b.Emit(ins, l.mnemonic.pos)
	return nil
}

func oneReg(b *asm.Builder, l line, e entry) *asm.Error {
	dst, err := reg(l.operands[0])
	if err != nil {
		return err
	}
	b.Emit(isa.Instruction{OpCode: e.op, Dst: dst, Imm: int64(e.imm)}, l.mnemonic.pos)
	return nil
}

func twoRegs(b *asm.Builder, l line, e entry) *asm.Error {
	dst, err := reg(l.operands[0])
	if err != nil {
		return err
	}
	src, err := reg(l.operands[1])
	if err != nil {
		return err
	}
	b.Emit(isa.Instruction{OpCode: e.op, Dst: dst, Src: src, Off: e.off}, l.mnemonic.pos)
	return nil
}

func lddw(b *asm.Builder, l line, e entry) *asm.Error {
	dst, err := reg(l.operands[0])
	if err != nil {
		return err
	}
	t := l.operands[1]
	n, ok := asm.ParseNumber(t.text)
	if !ok {
		return asm.Errorf(t.pos, asm.ErrOperand, "Invalid immediate: %s (expected a 64-bit number, decimal or 0x hex)", t.text)
	}
	v, ok := n.Bits64()
	if !ok {
		return asm.Errorf(t.pos, asm.ErrRange, "Invalid immediate: %s does not fit in 64 bits", t.text)
	}
	b.Emit(isa.LdImm64(dst, v), l.mnemonic.pos)
	return nil
}

func load(b *asm.Builder, l line, e entry) *asm.Error {
	dst, err := reg(l.operands[0])
	if err != nil {
		return err
	}
	src, off, err := memOperand(l.operands[1])
	if err != nil {
		return err
	}
	b.Emit(isa.Instruction{OpCode: e.op, Dst: dst, Src: src, Off: off}, l.mnemonic.pos)
	return nil
}

func storeImm(b *asm.Builder, l line, e entry) *asm.Error {
	dst, off, err := memOperand(l.operands[0])
	if err != nil {
		return err
	}
	if isReg(l.operands[1]) {
		return asm.Errorf(l.operands[1].pos, asm.ErrOperand, "%s stores an immediate; to store a register use stx%s", l.mnemonic.text, strings.TrimPrefix(l.mnemonic.text, "st"))
	}
	v, err := imm32(l.operands[1])
	if err != nil {
		return err
	}
	b.Emit(isa.Instruction{OpCode: e.op, Dst: dst, Off: off, Imm: int64(v)}, l.mnemonic.pos)
	return nil
}

func storeReg(b *asm.Builder, l line, e entry) *asm.Error {
	dst, off, err := memOperand(l.operands[0])
	if err != nil {
		return err
	}
	src, err := reg(l.operands[1])
	if err != nil {
		return err
	}
	b.Emit(isa.Instruction{OpCode: e.op, Dst: dst, Src: src, Off: off}, l.mnemonic.pos)
	return nil
}

func ldAbs(b *asm.Builder, l line, e entry) *asm.Error {
	v, err := imm32(l.operands[0])
	if err != nil {
		return err
	}
	b.Emit(isa.Instruction{OpCode: e.op, Imm: int64(v)}, l.mnemonic.pos)
	return nil
}

func ldInd(b *asm.Builder, l line, e entry) *asm.Error {
	src, err := reg(l.operands[0])
	if err != nil {
		return err
	}
	v, err := imm32(l.operands[1])
	if err != nil {
		return err
	}
	b.Emit(isa.Instruction{OpCode: e.op, Src: src, Imm: int64(v)}, l.mnemonic.pos)
	return nil
}

var atomicOps = map[string]isa.AtomicOp{
	"add": isa.AtomicAdd, "and": isa.AtomicAnd, "or": isa.AtomicOr, "xor": isa.AtomicXor,
	"xchg": isa.AtomicXchg, "cmpxchg": isa.AtomicCmpXchg,
}

// lock assembles "lock [fetch] OP[32] [%dst+off], %src".
func lock(b *asm.Builder, l line, _ entry) *asm.Error {
	ops := l.operands
	fetch := false
	if len(ops) > 0 && ops[0].text == "fetch" {
		fetch, ops = true, ops[1:]
	}
	if len(ops) != 3 {
		pos := l.mnemonic.pos
		if len(ops) > 3 {
			pos = ops[3].pos
		}
		return asm.Errorf(pos, asm.ErrOperandCount, "Invalid number of operands for lock (expected lock [fetch] OP [%%rD+off], %%rS with OP one of add and or xor xchg cmpxchg, 32 suffix for 32-bit)")
	}
	name := ops[0].text
	size := isa.DWord
	if strings.HasSuffix(name, "32") {
		name, size = strings.TrimSuffix(name, "32"), isa.Word
	}
	a, ok := atomicOps[name]
	if !ok {
		return asm.Errorf(ops[0].pos, asm.ErrMnemonic, "Invalid atomic operation: %s (expected add, and, or, xor, xchg or cmpxchg, with 32 for 32-bit)", ops[0].text)
	}
	if fetch {
		if a == isa.AtomicXchg || a == isa.AtomicCmpXchg {
			return asm.Errorf(ops[0].pos, asm.ErrOperand, "%s always fetches; write lock %s without fetch", name, ops[0].text)
		}
		a |= isa.AtomicFetch
	}
	dst, off, err := memOperand(ops[1])
	if err != nil {
		return err
	}
	src, err := reg(ops[2])
	if err != nil {
		return err
	}
	b.Emit(isa.Instruction{OpCode: isa.LoadStoreOpCode(isa.StXClass, isa.AtomicMode, size), Dst: dst, Src: src, Off: off, Imm: int64(a)}, l.mnemonic.pos)
	return nil
}

// target reads a jump target: a label, or a signed slot offset +N / -N.
// It returns the offset, or ok=false when the target is a label, which
// the caller registers with the builder.
func target(t token, min, max int64) (off int64, label bool, err *asm.Error) {
	s := t.text
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
		n, ok := asm.ParseNumber(s)
		if !ok {
			return 0, false, asm.Errorf(t.pos, asm.ErrOperand, "Invalid offset: %s (expected +N or -N slots, or a label)", s)
		}
		if !n.InRange(min, max) {
			return 0, false, asm.Errorf(t.pos, asm.ErrRange, "Invalid offset: %s does not fit (%d..%d)", s, min, max)
		}
		v, _ := n.Int64()
		return v, false, nil
	}
	if !validLabel(s) {
		hint := ""
		if _, ok := asm.ParseNumber(s); ok {
			hint = "; an offset needs its sign: +" + s
		}
		return 0, false, asm.Errorf(t.pos, asm.ErrLabel, "Invalid label: %s (expected a label or +N/-N%s)", s, hint)
	}
	return 0, true, nil
}

func jump(b *asm.Builder, l line, e entry) *asm.Error {
	ins := isa.Instruction{OpCode: e.op}
	tgt := l.operands[len(l.operands)-1]
	if len(l.operands) == 3 {
		dst, err := reg(l.operands[0])
		if err != nil {
			return err
		}
		ins.Dst = dst
		if isReg(l.operands[1]) {
			src, err := reg(l.operands[1])
			if err != nil {
				return err
			}
			ins.OpCode |= isa.OpCode(isa.RegSource)
			ins.Src = src
		} else {
			v, err := imm32(l.operands[1])
			if err != nil {
				return err
			}
			ins.Imm = int64(v)
		}
	}
	gotol := e.op == isa.OpJa32
	lo, hi, kind := int64(math.MinInt16), int64(math.MaxInt16), asm.RefBranch
	if gotol {
		lo, hi, kind = math.MinInt32, math.MaxInt32, asm.RefGotol
	}
	off, isLabel, err := target(tgt, lo, hi)
	if err != nil {
		return err
	}
	if gotol {
		ins.Imm = off
	} else {
		ins.Off = int16(off)
	}
	i := b.Emit(ins, l.mnemonic.pos)
	if isLabel {
		b.Ref(i, tgt.text, tgt.pos, kind)
	}
	return nil
}

// call assembles "call N", "call helper N", "call local TARGET",
// "call runtime N" and "call %rN" (callx, register in dst).
func call(b *asm.Builder, l line, _ entry) *asm.Error {
	ops := l.operands
	kind := "helper"
	if len(ops) == 2 {
		kind, ops = ops[0].text, ops[1:]
	}
	if len(ops) != 1 || len(l.operands) == 1 && (ops[0].text == "local" || ops[0].text == "helper" || ops[0].text == "runtime") {
		return asm.Errorf(l.mnemonic.pos, asm.ErrOperandCount, "Invalid number of operands for mnemonic: call (expected call N, call helper N, call local LABEL, call runtime N or call %%rN)")
	}
	t := ops[0]
	switch kind {
	case "helper", "runtime":
		if isReg(t) && len(l.operands) == 1 {
			r, err := reg(t)
			if err != nil {
				return err
			}
			b.Emit(isa.Instruction{OpCode: isa.OpCallX, Dst: r}, l.mnemonic.pos)
			return nil
		}
		v, err := imm32(t)
		if err != nil {
			return err
		}
		src := isa.Register(isa.CallHelper)
		if kind == "runtime" {
			src = isa.CallKfunc
		}
		b.Emit(isa.Instruction{OpCode: isa.OpCall, Src: src, Imm: int64(v)}, l.mnemonic.pos)
		return nil
	case "local":
		off, isLabel, err := target(t, math.MinInt32, math.MaxInt32)
		if err != nil {
			return err
		}
		i := b.Emit(isa.Instruction{OpCode: isa.OpCall, Src: isa.CallFunc, Imm: off}, l.mnemonic.pos)
		if isLabel {
			b.Ref(i, t.text, t.pos, asm.RefCall)
		}
		return nil
	}
	return asm.Errorf(l.operands[0].pos, asm.ErrOperand, "Invalid call kind: %s (expected helper, local or runtime)", kind)
}

func exit(b *asm.Builder, l line, e entry) *asm.Error {
	b.Emit(isa.Instruction{OpCode: isa.OpExit}, l.mnemonic.pos)
	return nil
}

// slot assembles the bpfplay extension ".slot V [V2]": raw slots as
// little-endian u64 values, the notation of "-- raw" sections. The
// disassembler prints it for instructions this dialect cannot spell
// (ld_imm64 with a map or other pseudo source). A first slot with the
// ld_imm64 opcode needs its second slot on the same line.
func slot(b *asm.Builder, l line, _ entry) *asm.Error {
	if len(l.operands) < 1 || len(l.operands) > 2 {
		return asm.Errorf(l.mnemonic.pos, asm.ErrOperandCount, "Invalid number of operands for mnemonic: .slot (expected one 64-bit slot value, two for ld_imm64)")
	}
	var slots []isa.Slot
	for _, t := range l.operands {
		n, ok := asm.ParseNumber(t.text)
		v, ok2 := n.Bits64()
		if !ok || !ok2 || n.Neg {
			return asm.Errorf(t.pos, asm.ErrOperand, "Invalid slot: %s (expected a 64-bit value such as 0x0000000000000095)", t.text)
		}
		slots = append(slots, isa.SlotFromUint64(v))
	}
	want := 1
	if slots[0].Op == isa.OpLdImm64 {
		want = 2
	}
	if len(slots) != want {
		return asm.Errorf(l.mnemonic.pos, asm.ErrOperandCount, "Invalid number of operands for mnemonic: .slot (opcode %#02x takes %d slot(s), found %d)", uint8(slots[0].Op), want, len(slots))
	}
	p, err := isa.FromSlots(slots)
	if err != nil {
		return asm.Errorf(l.operands[0].pos, asm.ErrOperand, "Invalid slot: %v", err)
	}
	b.Emit(p[0], l.mnemonic.pos)
	return nil
}
