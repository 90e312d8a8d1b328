package isa

//go:generate go tool stringer -type=Class,ALUOp,JumpOp,Size,Mode,Source,AtomicOp,PseudoSrc -output=names_string.go

// OpCode is the raw opcode byte of an instruction. Its meaning depends on
// the class in the low three bits:
//
//	ALU, ALU64, JMP, JMP32:   | op (4) | source (1) | class (3) |
//	LD, LDX, ST, STX:         | mode (3) | size (2) | class (3) |
type OpCode uint8

// Class is the instruction class, the low three bits of the opcode.
type Class uint8

// The eight instruction classes.
const (
	LdClass     Class = 0x00 // BPF_LD: ld_imm64 and the legacy packet loads
	LdXClass    Class = 0x01 // BPF_LDX: load from memory into a register
	StClass     Class = 0x02 // BPF_ST: store an immediate to memory
	StXClass    Class = 0x03 // BPF_STX: store a register to memory, atomics
	ALUClass    Class = 0x04 // BPF_ALU: 32-bit arithmetic
	JumpClass   Class = 0x05 // BPF_JMP: 64-bit comparisons, call, exit
	Jump32Class Class = 0x06 // BPF_JMP32: 32-bit comparisons, gotol
	ALU64Class  Class = 0x07 // BPF_ALU64: 64-bit arithmetic
)

const classMask = 0x07

// IsALU reports whether c is ALU or ALU64.
func (c Class) IsALU() bool { return c == ALUClass || c == ALU64Class }

// IsJump reports whether c is JMP or JMP32.
func (c Class) IsJump() bool { return c == JumpClass || c == Jump32Class }

// IsLoadStore reports whether c is one of LD, LDX, ST, STX.
func (c Class) IsLoadStore() bool { return c <= StXClass }

// Class returns the instruction class.
func (op OpCode) Class() Class { return Class(op & classMask) }

// Source says whether the second operand is the immediate (K) or the
// source register (X). For the END operation it is the byte order instead.
type Source uint8

// Sources.
const (
	ImmSource Source = 0x00 // BPF_K
	RegSource Source = 0x08 // BPF_X
	// For ALU|END: the target byte order.
	ToLE Source = 0x00 // BPF_TO_LE
	ToBE Source = 0x08 // BPF_TO_BE

	InvalidSource Source = 0xff
)

const sourceMask = 0x08

// Source returns the operand source of an ALU or jump opcode, or
// InvalidSource for other classes.
func (op OpCode) Source() Source {
	if !op.Class().IsALU() && !op.Class().IsJump() {
		return InvalidSource
	}
	return Source(op & sourceMask)
}

// ALUOp is the operation of an ALU or ALU64 opcode, its high four bits.
type ALUOp uint8

// ALU operations.
const (
	Add  ALUOp = 0x00
	Sub  ALUOp = 0x10
	Mul  ALUOp = 0x20
	Div  ALUOp = 0x30 // with offset 1: sdiv (cpu v4)
	Or   ALUOp = 0x40
	And  ALUOp = 0x50
	LSh  ALUOp = 0x60
	RSh  ALUOp = 0x70
	Neg  ALUOp = 0x80
	Mod  ALUOp = 0x90 // with offset 1: smod (cpu v4)
	Xor  ALUOp = 0xa0
	Mov  ALUOp = 0xb0 // with offset 8/16/32: movsx (cpu v4)
	ArSh ALUOp = 0xc0
	End  ALUOp = 0xd0 // byte swap; ALU64|END is the unconditional bswap (cpu v4)

	InvalidALUOp ALUOp = 0xff
)

const opMask = 0xf0

// ALUOp returns the operation of an ALU/ALU64 opcode, or InvalidALUOp.
func (op OpCode) ALUOp() ALUOp {
	if !op.Class().IsALU() {
		return InvalidALUOp
	}
	return ALUOp(op & opMask)
}

// JumpOp is the operation of a JMP or JMP32 opcode, its high four bits.
type JumpOp uint8

// Jump operations.
const (
	Ja   JumpOp = 0x00 // JMP: goto +off; JMP32: gotol +imm (cpu v4)
	JEq  JumpOp = 0x10
	JGT  JumpOp = 0x20
	JGE  JumpOp = 0x30
	JSet JumpOp = 0x40
	JNE  JumpOp = 0x50
	JSGT JumpOp = 0x60
	JSGE JumpOp = 0x70
	Call JumpOp = 0x80
	Exit JumpOp = 0x90
	JLT  JumpOp = 0xa0
	JLE  JumpOp = 0xb0
	JSLT JumpOp = 0xc0
	JSLE JumpOp = 0xd0

	InvalidJumpOp JumpOp = 0xff
)

// JumpOp returns the operation of a JMP/JMP32 opcode, or InvalidJumpOp.
func (op OpCode) JumpOp() JumpOp {
	if !op.Class().IsJump() {
		return InvalidJumpOp
	}
	return JumpOp(op & opMask)
}

// IsConditional reports whether j compares two operands.
func (j JumpOp) IsConditional() bool {
	return j != Ja && j != Call && j != Exit && j <= JSLE && j != InvalidJumpOp
}

// Size is the access width of a load or store opcode.
type Size uint8

// Access sizes.
const (
	Word        Size = 0x00 // BPF_W, 4 bytes
	Half        Size = 0x08 // BPF_H, 2 bytes
	Byte        Size = 0x10 // BPF_B, 1 byte
	DWord       Size = 0x18 // BPF_DW, 8 bytes
	InvalidSize Size = 0xff
)

const sizeMask = 0x18

// Size returns the access size of a load/store opcode, or InvalidSize.
func (op OpCode) Size() Size {
	if !op.Class().IsLoadStore() {
		return InvalidSize
	}
	return Size(op & sizeMask)
}

// Bytes returns the number of bytes the size accesses, 0 for InvalidSize.
func (s Size) Bytes() int {
	switch s {
	case Word:
		return 4
	case Half:
		return 2
	case Byte:
		return 1
	case DWord:
		return 8
	}
	return 0
}

// SizeOf returns the Size for an access of n bytes.
func SizeOf(n int) Size {
	switch n {
	case 1:
		return Byte
	case 2:
		return Half
	case 4:
		return Word
	case 8:
		return DWord
	}
	return InvalidSize
}

// Mode is the addressing mode of a load/store opcode.
type Mode uint8

// Addressing modes.
const (
	ImmMode     Mode = 0x00 // BPF_IMM: only ld_imm64
	AbsMode     Mode = 0x20 // BPF_ABS: legacy packet load at a constant offset
	IndMode     Mode = 0x40 // BPF_IND: legacy packet load at src + constant
	MemMode     Mode = 0x60 // BPF_MEM: regular load/store
	MemSXMode   Mode = 0x80 // BPF_MEMSX: sign-extending load (cpu v4)
	AtomicMode  Mode = 0xc0 // BPF_ATOMIC
	InvalidMode Mode = 0xff
)

const modeMask = 0xe0

// Mode returns the addressing mode of a load/store opcode, or InvalidMode.
func (op OpCode) Mode() Mode {
	if !op.Class().IsLoadStore() {
		return InvalidMode
	}
	return Mode(op & modeMask)
}

// AtomicOp is the operation of a BPF_ATOMIC instruction, kept in its
// immediate field.
type AtomicOp uint32

// Atomic operations. The fetch flag makes the old value land in src.
const (
	AtomicAdd     AtomicOp = 0x00
	AtomicOr      AtomicOp = 0x40
	AtomicAnd     AtomicOp = 0x50
	AtomicXor     AtomicOp = 0xa0
	AtomicFetch   AtomicOp = 0x01
	AtomicXchg    AtomicOp = 0xe0 | AtomicFetch
	AtomicCmpXchg AtomicOp = 0xf0 | AtomicFetch

	AtomicFetchAdd AtomicOp = AtomicAdd | AtomicFetch
	AtomicFetchOr  AtomicOp = AtomicOr | AtomicFetch
	AtomicFetchAnd AtomicOp = AtomicAnd | AtomicFetch
	AtomicFetchXor AtomicOp = AtomicXor | AtomicFetch
)

// Valid reports whether a is one of the atomic operations Linux knows.
func (a AtomicOp) Valid() bool {
	switch a {
	case AtomicAdd, AtomicOr, AtomicAnd, AtomicXor,
		AtomicFetchAdd, AtomicFetchOr, AtomicFetchAnd, AtomicFetchXor,
		AtomicXchg, AtomicCmpXchg:
		return true
	}
	return false
}

// Fetch reports whether the operation returns the old value.
func (a AtomicOp) Fetch() bool { return a&AtomicFetch != 0 }

// ALUOp returns the arithmetic the operation applies (Add, Or, And, Xor),
// or InvalidALUOp for xchg and cmpxchg.
func (a AtomicOp) ALUOp() ALUOp {
	switch a &^ AtomicFetch {
	case AtomicAdd:
		return Add
	case AtomicOr:
		return Or
	case AtomicAnd:
		return And
	case AtomicXor:
		return Xor
	}
	return InvalidALUOp
}

// Composers: build an opcode from typed fields.

// ALUOpCode builds an ALU/ALU64 opcode.
func ALUOpCode(c Class, op ALUOp, s Source) OpCode { return OpCode(uint8(c) | uint8(op) | uint8(s)) }

// JumpOpCode builds a JMP/JMP32 opcode.
func JumpOpCode(c Class, op JumpOp, s Source) OpCode { return OpCode(uint8(c) | uint8(op) | uint8(s)) }

// LoadStoreOpCode builds an LD/LDX/ST/STX opcode.
func LoadStoreOpCode(c Class, m Mode, s Size) OpCode { return OpCode(uint8(c) | uint8(m) | uint8(s)) }

// Frequently used opcodes.
const (
	OpLdImm64 OpCode = OpCode(uint8(LdClass) | uint8(ImmMode) | uint8(DWord))    // 0x18
	OpCall    OpCode = OpCode(uint8(JumpClass) | uint8(Call))                    // 0x85
	OpCallX   OpCode = OpCode(uint8(JumpClass) | uint8(Call) | uint8(RegSource)) // 0x8d
	OpExit    OpCode = OpCode(uint8(JumpClass) | uint8(Exit))                    // 0x95
	OpJa      OpCode = OpCode(uint8(JumpClass) | uint8(Ja))                      // 0x05
	OpJa32    OpCode = OpCode(uint8(Jump32Class) | uint8(Ja))                    // 0x06, gotol
)
