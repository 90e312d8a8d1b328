package jit

import "encoding/binary"

// This file holds the x86-64 encoding primitives: prefixes, ModRM, SIB,
// immediates. Everything above it speaks in instructions ("mov dst, src"),
// everything below it in bytes. Intel SDM vol. 2, chapter 2, is the
// reference for the bit layouts drawn in the comments.

// code is a growing byte buffer of machine code.
type code struct{ b []byte }

func (c *code) len() int { return len(c.b) }

func (c *code) emit(bs ...byte) { c.b = append(c.b, bs...) }

func (c *code) imm8(v int32) { c.b = append(c.b, byte(v)) }

func (c *code) imm16(v int32) { c.b = binary.LittleEndian.AppendUint16(c.b, uint16(v)) }

func (c *code) imm32(v int32) { c.b = binary.LittleEndian.AppendUint32(c.b, uint32(v)) }

func (c *code) imm64(v uint64) { c.b = binary.LittleEndian.AppendUint64(c.b, v) }

// isImm8 reports whether v fits a sign-extended 8-bit immediate or
// displacement.
func isImm8(v int64) bool { return v >= -128 && v <= 127 }

// isSimm32 reports whether v fits a sign-extended 32-bit immediate.
func isSimm32(v int64) bool { return v >= -1<<31 && v <= 1<<31-1 }

// rex builds a REX prefix:
//
//	 7   6   5   4   3   2   1   0
//	+---+---+---+---+---+---+---+---+
//	| 0   1   0   0 | W | R | X | B |
//	+---+---+---+---+---+---+---+---+
//
// W selects a 64-bit operand; R extends ModRM.reg, X extends SIB.index and
// B extends ModRM.rm, SIB.base or the register in the opcode byte.
func rex(w bool, r, x, b reg) byte {
	p := byte(0x40)
	if w {
		p |= 8
	}
	if r.ext() {
		p |= 4
	}
	if x.ext() {
		p |= 2
	}
	if b.ext() {
		p |= 1
	}
	return p
}

// needREX reports whether an instruction with these operands needs a REX
// prefix at all: for a 64-bit operand or any of r8-r15.
func needREX(w bool, r, x, b reg) bool { return w || r.ext() || x.ext() || b.ext() }

// modrm builds a ModRM byte:
//
//	 7   6   5   4   3   2   1   0
//	+-------+-----------+-----------+
//	|  mod  |    reg    |    r/m    |
//	+-------+-----------+-----------+
//
// mod 3 names a register in r/m; mod 1 and 2 a memory operand [r/m +
// disp8/disp32]; reg is the second register or an opcode extension (/n).
func modrm(mod, regField, rm byte) byte { return mod<<6 | (regField&7)<<3 | rm&7 }

// sib builds a SIB byte [base + index*2^scale]. Index 4 (rsp) means no
// index.
func sib(scale, index, base byte) byte { return scale<<6 | (index&7)<<3 | base&7 }

// Displacement modes of ModRM.
const (
	modDisp0  = 0
	modDisp8  = 1
	modDisp32 = 2
	modReg    = 3
)

// prefixRR emits the REX prefix (if any) of an instruction whose ModRM
// holds register regField in reg and register rm in r/m.
func (c *code) prefixRR(w bool, regField, rm reg) {
	if needREX(w, regField, 0, rm) {
		c.emit(rex(w, regField, 0, rm))
	}
}

// modrmRR emits a register-direct ModRM: mod 3.
func (c *code) modrmRR(regField, rm reg) { c.emit(modrm(modReg, regField.low3(), rm.low3())) }

// modrmExt emits a register-direct ModRM whose reg field is an opcode
// extension /n.
func (c *code) modrmExt(n byte, rm reg) { c.emit(modrm(modReg, n, rm.low3())) }

// mem emits the ModRM (+SIB) and displacement of the memory operand
// [base + disp], with regField in ModRM.reg.
//
// Like Linux's JIT, it always emits a displacement, even 0: disp8 when the
// value fits, disp32 otherwise. That also covers the encoding's special
// case for rbp and r13 as base (mod 0 with their r/m means rip-relative or
// disp32-only, so they need mod 1 anyway). A base of rsp or r12 (r/m 100)
// needs a SIB byte with no index: 0x24.
func (c *code) mem(regField byte, base reg, disp int32) {
	mod := byte(modDisp32)
	if isImm8(int64(disp)) {
		mod = modDisp8
	}
	c.emit(modrm(mod, regField, base.low3()))
	if base.low3() == 4 {
		c.emit(sib(0, 4, 4))
	}
	if mod == modDisp8 {
		c.imm8(disp)
	} else {
		c.imm32(disp)
	}
}

// memIndex emits the ModRM, SIB and displacement of [base + index*8 +
// disp] (used only by the tail call's lookup in the program array).
func (c *code) memIndex8(regField byte, base, index reg, disp int32) {
	mod := byte(modDisp32)
	if isImm8(int64(disp)) {
		mod = modDisp8
	}
	c.emit(modrm(mod, regField, 4), sib(3, index.low3(), base.low3()))
	if mod == modDisp8 {
		c.imm8(disp)
	} else {
		c.imm32(disp)
	}
}

// prefixMem emits the REX prefix (if any) of an instruction with register
// r in ModRM.reg and a memory operand based on base. forceByteREX asks for
// a REX even without extension bits, for byte operations on spl, bpl, sil
// and dil.
func (c *code) prefixMem(w bool, r, base reg, forceByteREX bool) {
	if needREX(w, r, 0, base) || forceByteREX {
		c.emit(rex(w, r, 0, base))
	}
}
