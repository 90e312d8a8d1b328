package isa

// Instruction is one logical eBPF instruction. ld_imm64 is a single
// Instruction of width two whose 64-bit constant is in Imm; every other
// instruction has width one and Imm holds its sign-extended 32-bit
// immediate.
//
// For ld_imm64 with a pseudo source (map fd, map value, BTF id, ...) the
// two 32-bit immediates keep their own meaning: ImmLo is the first slot's
// imm (fd, BTF id, map index, function offset) and ImmHi the second's
// (the offset into a map value).
type Instruction struct {
	OpCode OpCode
	Dst    Register
	Src    Register
	Off    int16
	Imm    int64
}

// PseudoSrc is the meaning of the src field of ld_imm64.
type PseudoSrc uint8

// ld_imm64 pseudo sources, as Linux numbers them.
const (
	PseudoNone        PseudoSrc = 0 // plain 64-bit constant
	PseudoMapFD       PseudoSrc = 1 // BPF_PSEUDO_MAP_FD: imm = map fd, result is the map pointer
	PseudoMapValue    PseudoSrc = 2 // BPF_PSEUDO_MAP_VALUE: imm = map fd, imm2 = offset into value 0
	PseudoBTFID       PseudoSrc = 3 // BPF_PSEUDO_BTF_ID: a kernel variable by BTF id
	PseudoFunc        PseudoSrc = 4 // BPF_PSEUDO_FUNC: address of a bpf function, imm = pc-relative
	PseudoMapIdx      PseudoSrc = 5 // BPF_PSEUDO_MAP_IDX: like MAP_FD, by index into fd_array
	PseudoMapIdxValue PseudoSrc = 6 // BPF_PSEUDO_MAP_IDX_VALUE
)

// Valid reports whether p is a pseudo source Linux 6.1 knows.
func (p PseudoSrc) Valid() bool { return p <= PseudoMapIdxValue }

// Call kinds, the src field of a call instruction.
const (
	CallHelper = 0 // call a helper by its number in imm
	CallFunc   = 1 // BPF_PSEUDO_CALL: bpf-to-bpf call, imm = pc-relative target
	CallKfunc  = 2 // BPF_PSEUDO_KFUNC_CALL: kernel function by BTF id in imm
)

// Width returns the number of slots the instruction occupies.
func (ins Instruction) Width() int {
	if ins.OpCode == OpLdImm64 {
		return 2
	}
	return 1
}

// IsLdImm64 reports whether the instruction is the two-slot ld_imm64.
func (ins Instruction) IsLdImm64() bool { return ins.OpCode == OpLdImm64 }

// ImmLo is the first slot's 32-bit immediate.
func (ins Instruction) ImmLo() int32 { return int32(ins.Imm) }

// ImmHi is the second slot's 32-bit immediate (ld_imm64 only).
func (ins Instruction) ImmHi() int32 { return int32(ins.Imm >> 32) }

// Pseudo returns the pseudo source of an ld_imm64.
func (ins Instruction) Pseudo() PseudoSrc { return PseudoSrc(ins.Src) }

// IsHelperCall reports a call of a helper by number.
func (ins Instruction) IsHelperCall() bool { return ins.OpCode == OpCall && ins.Src == CallHelper }

// IsFuncCall reports a bpf-to-bpf call.
func (ins Instruction) IsFuncCall() bool { return ins.OpCode == OpCall && ins.Src == CallFunc }

// IsKfuncCall reports a call of a kernel function by BTF id.
func (ins Instruction) IsKfuncCall() bool { return ins.OpCode == OpCall && ins.Src == CallKfunc }

// IsExit reports the exit instruction.
func (ins Instruction) IsExit() bool { return ins.OpCode == OpExit }

// Helper returns the helper number of a helper call.
func (ins Instruction) Helper() HelperID { return HelperID(ins.Imm) }

// Atomic returns the atomic operation of a BPF_STX|BPF_ATOMIC instruction.
func (ins Instruction) Atomic() AtomicOp { return AtomicOp(uint32(ins.Imm)) }

// IsAtomic reports whether the instruction is an atomic memory operation.
func (ins Instruction) IsAtomic() bool {
	return ins.OpCode.Class() == StXClass && ins.OpCode.Mode() == AtomicMode
}

// IsSigned reports the cpu v4 signed forms of div and mod (offset 1).
func (ins Instruction) IsSigned() bool {
	op := ins.OpCode.ALUOp()
	return (op == Div || op == Mod) && ins.Off == 1
}

// MovSXBits returns the source width of a movsx (8, 16, 32), or 0 for a
// plain mov.
func (ins Instruction) MovSXBits() int {
	if ins.OpCode.ALUOp() == Mov && ins.OpCode.Source() == RegSource {
		return int(ins.Off)
	}
	return 0
}

// IsGotol reports the JMP32|JA form with a 32-bit offset in imm (cpu v4).
func (ins Instruction) IsGotol() bool { return ins.OpCode == OpJa32 }

// IsBranch reports any instruction that can transfer control within the
// function: ja, gotol and the conditional jumps (not call or exit).
func (ins Instruction) IsBranch() bool {
	jop := ins.OpCode.JumpOp()
	return jop != InvalidJumpOp && jop != Call && jop != Exit
}

// BranchOffset returns the slot offset of a branch, relative to the next
// instruction: imm for gotol, off otherwise.
func (ins Instruction) BranchOffset() int {
	if ins.IsGotol() {
		return int(int32(ins.Imm))
	}
	return int(ins.Off)
}

// Slots returns the raw slot(s) of the instruction.
func (ins Instruction) Slots() []Slot {
	first := Slot{Op: ins.OpCode, Dst: ins.Dst, Src: ins.Src, Off: ins.Off, Imm: int32(ins.Imm)}
	if ins.IsLdImm64() {
		return []Slot{first, {Imm: int32(ins.Imm >> 32)}}
	}
	return []Slot{first}
}

// AppendBinary appends the instruction's encoding to b.
func (ins Instruction) AppendBinary(b []byte) []byte {
	for _, s := range ins.Slots() {
		b = AppendSlot(b, s)
	}
	return b
}

// LdImm64 builds an ld_imm64 of a plain 64-bit constant.
func LdImm64(dst Register, v uint64) Instruction {
	return Instruction{OpCode: OpLdImm64, Dst: dst, Imm: int64(v)}
}

// LdImm64Pseudo builds an ld_imm64 with a pseudo source and its two
// 32-bit immediates.
func LdImm64Pseudo(dst Register, p PseudoSrc, lo, hi int32) Instruction {
	return Instruction{OpCode: OpLdImm64, Dst: dst, Src: Register(p), Imm: int64(uint64(uint32(lo)) | uint64(uint32(hi))<<32)}
}
