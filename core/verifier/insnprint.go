package verifier

import (
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
	if v.insnTexts == nil {
		v.insnTexts = make([]string, len(v.insns))
	}
	if t := v.insnTexts[pc]; t != "" && in == v.insns[pc] {
		return t
	}
	if b, ok := appendInsnFast(v.printBuf[:0], in); ok {
		// cheap to redo: not cached, big programs would hold it all
		b = append(b, '\n')
		v.printBuf = b
		return string(b)
	}
	p := kernel.Printer{Style: kernel.Linux61, HidePointers: !v.allowPtrLeaks}
	t := p.Insn(pc, instruction(in, next)) + "\n"
	if in == v.insns[pc] {
		v.insnTexts[pc] = t
	}
	return t
}
