package verifier

import (
	"strconv"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/isa"
)

// aluStrings are the operator names messages use ("R1 bitwise operator
// &= on pointer prohibited").
var aluStrings = [16]string{"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=", "s>>=", "endian", "", ""}

// instruction converts a slot (and the next, for ld_imm64) into the
// logical instruction the printer takes.
func instruction(in, next insn) isa.Instruction {
	ins := isa.Instruction{OpCode: isa.OpCode(in.code), Dst: isa.Register(in.dst), Src: isa.Register(in.src), Off: in.off, Imm: int64(in.imm)}
	if in.isLdImm64() {
		ins.Imm = int64(uint64(uint32(in.imm)) | uint64(uint32(next.imm))<<32)
	}
	return ins
}

// printInsn is the log text of the instruction at pc, as 6.1 prints it
// (print_bpf_insn): "(b7) r0 = 0". ld_imm64 of a map prints the map's
// address, hidden (0x0) from an unprivileged loader.
func (v *verifier) printInsn(pc int, in, next insn) string {
	return string(v.appendInsn(nil, pc, in, next))
}

// appendInsn appends printInsn's text (with its newline) to b without
// allocating in the common case: do_check prints every instruction it
// walks at level 1, a million lines for the largest programs. Texts of
// the slow printer are cached per pc; the fast ones are cheap to redo and
// not kept, big programs would hold them all.
func (v *verifier) appendInsn(b []byte, pc int, in, next insn) []byte {
	if t, ok := v.insnTexts[pc]; ok && in == v.insns[pc] {
		return append(b, t...)
	}
	if fast, ok := appendInsnFast(b, in); ok {
		return append(fast, '\n')
	}
	t := v.slowInsnText(pc, in, next)
	if in == v.insns[pc] {
		if v.insnTexts == nil {
			v.insnTexts = map[int]string{}
		}
		v.insnTexts[pc] = t
	}
	return append(b, t...)
}

// slowInsnText is the kernel printer's text of an instruction, with its
// newline.
func (v *verifier) slowInsnText(pc int, in, next insn) string {
	p := kernel.Printer{Style: kernel.Linux61, HidePointers: !v.allowPtrLeaks}
	return p.Insn(pc, instruction(in, next)) + "\n"
}

// isLoaded reports that in (and next) are the program's instructions at
// pc as loaded, so the log may keep the line as a token (vlog.expand).
func (v *verifier) isLoaded(pc int, in, next insn) bool {
	if pc >= len(v.loaded) || fromSlot(v.loaded[pc]) != in {
		return false
	}
	if pc+1 < len(v.loaded) {
		return fromSlot(v.loaded[pc+1]) == next
	}
	return next == insn{}
}

// expandInsn appends the line "pc: insn" (without newline) of a token:
// the instruction as loaded, printed afresh (v.insns has been rewritten
// by the time the log is read).
func (v *verifier) expandInsn(b []byte, pc int) []byte {
	in := fromSlot(v.loaded[pc])
	var next insn
	if pc+1 < len(v.loaded) {
		next = fromSlot(v.loaded[pc+1])
	}
	b = append(strconv.AppendInt(b, int64(pc), 10), ':', ' ')
	if fast, ok := appendInsnFast(b, in); ok {
		return fast
	}
	t := v.slowInsnText(pc, in, next)
	return append(b, t[:len(t)-1]...)
}
