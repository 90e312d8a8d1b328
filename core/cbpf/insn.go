package cbpf

import "fmt"

// Instruction is one classic BPF instruction, struct sock_filter:
//
//	 0               16      24      32                              64
//	+---------------+-------+-------+-------------------------------+
//	|  code (u16)   |  jt   |  jf   |             k (u32)           |
//	+---------------+-------+-------+-------------------------------+
//
// jt and jf are forward jump distances of conditional jumps (the target
// is pc+1+jt); k is the constant, offset or scratch slot.
type Instruction struct {
	Code uint16
	Jt   uint8
	Jf   uint8
	K    uint32
}

// Program is a classic BPF program.
type Program []Instruction

// MaxInsns is BPF_MAXINSNS: Linux refuses longer classic programs.
const MaxInsns = 4096

// MemWords is BPF_MEMWORDS, the number of 32-bit scratch slots M[0..15].
const MemWords = 16

// Instruction classes, the low three bits of Code.
const (
	ClassLd   = 0x00 // BPF_LD: load into A
	ClassLdx  = 0x01 // BPF_LDX: load into X
	ClassSt   = 0x02 // BPF_ST: store A to M[k]
	ClassStx  = 0x03 // BPF_STX: store X to M[k]
	ClassAlu  = 0x04 // BPF_ALU: A = A op (k or X)
	ClassJmp  = 0x05 // BPF_JMP: jumps
	ClassRet  = 0x06 // BPF_RET: return k or A
	ClassMisc = 0x07 // BPF_MISC: tax, txa
)

// Load sizes (bits 3-4) and addressing modes (bits 5-7) of ld/ldx.
const (
	SizeW = 0x00 // 32 bits
	SizeH = 0x08 // 16 bits
	SizeB = 0x10 // 8 bits

	ModeImm = 0x00 // #k
	ModeAbs = 0x20 // [k]
	ModeInd = 0x40 // [x + k]
	ModeMem = 0x60 // M[k]
	ModeLen = 0x80 // #pktlen
	ModeMsh = 0xa0 // 4*([k]&0xf)
)

// ALU and jump operations (bits 4-7) and their source (bit 3).
const (
	AluAdd = 0x00
	AluSub = 0x10
	AluMul = 0x20
	AluDiv = 0x30
	AluOr  = 0x40
	AluAnd = 0x50
	AluLsh = 0x60
	AluRsh = 0x70
	AluNeg = 0x80
	AluMod = 0x90
	AluXor = 0xa0

	JmpJa   = 0x00
	JmpJeq  = 0x10
	JmpJgt  = 0x20
	JmpJge  = 0x30
	JmpJset = 0x40

	SrcK = 0x00 // operand is k
	SrcX = 0x08 // operand is X

	RetK = 0x00 // return k
	RetA = 0x10 // return A (also BPF_A for rval)
	RetX = 0x08 // return X: not accepted by Linux

	MiscTax = 0x00 // X = A
	MiscTxa = 0x80 // A = X
)

// Class returns the instruction class.
func (i Instruction) Class() uint16 { return i.Code & 0x07 }

// Size returns the size bits of a load.
func (i Instruction) Size() uint16 { return i.Code & 0x18 }

// Mode returns the addressing mode bits of a load.
func (i Instruction) Mode() uint16 { return i.Code & 0xe0 }

// Op returns the ALU or jump operation bits.
func (i Instruction) Op() uint16 { return i.Code & 0xf0 }

// Src returns the source bit (SrcK or SrcX).
func (i Instruction) Src() uint16 { return i.Code & 0x08 }

// IsCondJump reports whether i is a conditional jump (uses jt and jf).
func (i Instruction) IsCondJump() bool {
	return i.Class() == ClassJmp && i.Op() != JmpJa
}

// sizeBytes is the width in bytes of a load of size s.
func sizeBytes(s uint16) int {
	switch s {
	case SizeW:
		return 4
	case SizeH:
		return 2
	case SizeB:
		return 1
	}
	return 0
}

// String prints the instruction as tcpdump -d does, without the pc.
func (i Instruction) String() string {
	op, arg := image(i, 0)
	if i.IsCondJump() {
		return fmt.Sprintf("%-8s %-16s jt %d\tjf %d", op, arg, int(i.Jt)+1, int(i.Jf)+1)
	}
	return fmt.Sprintf("%-8s %s", op, arg)
}
