package verifier

import "github.com/bpfplay/bpfplay/core/isa"

// insn is one raw instruction slot with the kernel's field names. The
// verifier works on slots, as Linux does: pcs, jump offsets and log lines
// count slots, and ld_imm64 is two of them.
type insn struct {
	code uint8
	dst  uint8
	src  uint8
	off  int16
	imm  int32
}

func fromSlot(s isa.Slot) insn {
	return insn{code: uint8(s.Op), dst: uint8(s.Dst), src: uint8(s.Src), off: s.Off, imm: s.Imm}
}

func (i insn) slot() isa.Slot {
	return isa.Slot{Op: isa.OpCode(i.code), Dst: isa.Register(i.dst), Src: isa.Register(i.src), Off: i.off, Imm: i.imm}
}

// Opcode field helpers (BPF_CLASS, BPF_OP, ...).
const (
	clsLD    = 0x00
	clsLDX   = 0x01
	clsST    = 0x02
	clsSTX   = 0x03
	clsALU   = 0x04
	clsJMP   = 0x05
	clsJMP32 = 0x06
	clsALU64 = 0x07

	szW  = 0x00
	szH  = 0x08
	szB  = 0x10
	szDW = 0x18

	mdIMM    = 0x00
	mdABS    = 0x20
	mdIND    = 0x40
	mdMEM    = 0x60
	mdATOMIC = 0xc0
	mdNOSPEC = 0xc0 // BPF_ST | BPF_NOSPEC, kernel-internal

	srcK = 0x00
	srcX = 0x08

	opADD  = 0x00
	opSUB  = 0x10
	opMUL  = 0x20
	opDIV  = 0x30
	opOR   = 0x40
	opAND  = 0x50
	opLSH  = 0x60
	opRSH  = 0x70
	opNEG  = 0x80
	opMOD  = 0x90
	opXOR  = 0xa0
	opMOV  = 0xb0
	opARSH = 0xc0
	opEND  = 0xd0

	opJA   = 0x00
	opJEQ  = 0x10
	opJGT  = 0x20
	opJGE  = 0x30
	opJSET = 0x40
	opJNE  = 0x50
	opJSGT = 0x60
	opJSGE = 0x70
	opCALL = 0x80
	opEXIT = 0x90
	opJLT  = 0xa0
	opJLE  = 0xb0
	opJSLT = 0xc0
	opJSLE = 0xd0

	// kernel-internal opcodes produced by fix-ups
	opTailCall = 0xf0
	opCallArgs = 0xe0

	atomicFetch   = 0x01
	atomicXchg    = 0xe0 | atomicFetch
	atomicCmpxchg = 0xf0 | atomicFetch

	pseudoMapFD       = 1
	pseudoMapValue    = 2
	pseudoBTFID       = 3
	pseudoFunc        = 4
	pseudoMapIdx      = 5
	pseudoMapIdxValue = 6

	pseudoCall      = 1
	pseudoKfuncCall = 2
)

func (i insn) class() uint8 { return i.code & 0x07 }
func (i insn) op() uint8    { return i.code & 0xf0 }
func (i insn) srcBit() uint8 {
	return i.code & 0x08
}
func (i insn) size() uint8 { return i.code & 0x18 }
func (i insn) mode() uint8 { return i.code & 0xe0 }

func sizeBytes(sz uint8) int {
	switch sz {
	case szW:
		return 4
	case szH:
		return 2
	case szB:
		return 1
	}
	return 8
}

func (i insn) isLdImm64() bool { return i.code == clsLD|mdIMM|szDW }

// opcodeTable is bpf_opcode_in_insntable: the opcodes a loader may use.
// Anything else is "unknown opcode".
var opcodeTable = func() [256]bool {
	var t [256]bool
	for _, cls := range []uint8{clsALU, clsALU64} {
		for _, op := range []uint8{opADD, opSUB, opAND, opOR, opLSH, opRSH, opXOR, opMUL, opMOV, opARSH, opDIV, opMOD} {
			t[cls|op|srcX] = true
			t[cls|op|srcK] = true
		}
		t[cls|opNEG] = true
	}
	t[clsALU|opEND|srcK] = true // to_le
	t[clsALU|opEND|srcX] = true // to_be
	for _, cls := range []uint8{clsJMP, clsJMP32} {
		for _, op := range []uint8{opJEQ, opJNE, opJGT, opJLT, opJGE, opJLE, opJSGT, opJSLT, opJSGE, opJSLE, opJSET} {
			t[cls|op|srcX] = true
			t[cls|op|srcK] = true
		}
	}
	t[clsJMP|opJA] = true
	// JMP32|JA is gotol (cpu v4: a 32-bit offset in imm), which Debian's
	// 6.1.192 takes (the opcode sweep: "06 zero" is accepted, "06 imm1"
	// jumps over an instruction).
	t[clsJMP32|opJA] = true
	t[clsJMP|opCALL] = true
	t[clsJMP|opEXIT] = true
	for _, sz := range []uint8{szB, szH, szW, szDW} {
		t[clsSTX|mdMEM|sz] = true
		t[clsST|mdMEM|sz] = true
		t[clsLDX|mdMEM|sz] = true
	}
	t[clsSTX|mdATOMIC|szW] = true
	t[clsSTX|mdATOMIC|szDW] = true
	for _, sz := range []uint8{szB, szH, szW} {
		t[clsLD|mdABS|sz] = true
		t[clsLD|mdIND|sz] = true
	}
	t[clsLD|mdIMM|szDW] = true
	// The kernel's own opcodes, tail call (BPF_JMP|0xf0) and nospec
	// (BPF_ST|BPF_NOSPEC), are not for loaders: "unknown opcode f5/c2".
	return t
}()
