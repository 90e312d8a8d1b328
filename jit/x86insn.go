package jit

// This file builds single x86-64 instructions out of the primitives in
// encode.go. Each function emits exactly one instruction, in the form
// Linux's JIT picks for it; the comment names it in Intel syntax.

// Opcodes of the classic two-operand ALU group ("op r/m, reg") and their
// ModRM extension /n in the 0x81/0x83 immediate forms.
const (
	opAdd = 0x01 // add r/m, reg; imm form /0
	opOr  = 0x09 // or r/m, reg;  imm form /1
	opAnd = 0x21 // and r/m, reg; imm form /4
	opSub = 0x29 // sub r/m, reg; imm form /5
	opXor = 0x31 // xor r/m, reg; imm form /6
	opCmp = 0x39 // cmp r/m, reg; imm form /7

	opTest = 0x85 // test r/m, reg
)

// aluExt returns the /n extension of the immediate form of op.
func aluExt(op byte) byte { return op >> 3 }

// aluRR: op dst, src (add, sub, and, or, xor, cmp, test), 32- or 64-bit.
func (c *code) aluRR(op byte, w bool, dst, src reg) {
	c.prefixRR(w, src, dst)
	c.emit(op)
	c.modrmRR(src, dst)
}

// aluRI: op dst, imm. imm8 when the value fits (0x83 /n ib); for rax
// the one-byte-shorter accumulator form (op+4 id, e.g. 05 for add eax);
// otherwise 0x81 /n id.
func (c *code) aluRI(op byte, w bool, dst reg, imm int32) {
	c.prefixRR(w, 0, dst)
	switch {
	case isImm8(int64(imm)):
		c.emit(0x83)
		c.modrmExt(aluExt(op), dst)
		c.imm8(imm)
	case dst == rax:
		c.emit(op + 4)
		c.imm32(imm)
	default:
		c.emit(0x81)
		c.modrmExt(aluExt(op), dst)
		c.imm32(imm)
	}
}

// cmpRI: cmp dst, imm (never the accumulator form: Linux does not use it
// for comparisons).
func (c *code) cmpRI(w bool, dst reg, imm int32) {
	c.prefixRR(w, 0, dst)
	if isImm8(int64(imm)) {
		c.emit(0x83)
		c.modrmExt(7, dst)
		c.imm8(imm)
		return
	}
	c.emit(0x81)
	c.modrmExt(7, dst)
	c.imm32(imm)
}

// testRI: test dst, imm32 (0xf7 /0 id).
func (c *code) testRI(w bool, dst reg, imm int32) {
	c.prefixRR(w, 0, dst)
	c.emit(0xf7)
	c.modrmExt(0, dst)
	c.imm32(imm)
}

// movRR: mov dst, src (0x89 /r), 32- or 64-bit.
func (c *code) movRR(w bool, dst, src reg) { c.aluRR(0x89, w, dst, src) }

// mov64 is Linux's 64-bit register move: nothing at all when dst == src.
func (c *code) mov64(dst, src reg) {
	if dst != src {
		c.movRR(true, dst, src)
	}
}

// xorZero: xor dst32, dst32, the shortest way to zero a register.
func (c *code) xorZero(dst reg) { c.aluRR(opXor, false, dst, dst) }

// movRI32: mov dst32, imm32 (0xb8+r id), zero-extending into the upper half.
func (c *code) movRI32(dst reg, imm int32) {
	if dst.ext() {
		c.emit(rex(false, 0, 0, dst))
	}
	c.emit(0xb8 + dst.low3())
	c.imm32(imm)
}

// movRI64SX: mov dst64, simm32 (REX.W 0xc7 /0 id), sign-extending.
func (c *code) movRI64SX(dst reg, imm int32) {
	c.emit(rex(true, 0, 0, dst), 0xc7)
	c.modrmExt(0, dst)
	c.imm32(imm)
}

// movabs: mov dst64, imm64 (REX.W 0xb8+r io).
func (c *code) movabs(dst reg, imm uint64) {
	c.emit(rex(true, 0, 0, dst), 0xb8+dst.low3())
	c.imm64(imm)
}

// movImm32 loads a 32-bit immediate the way Linux's JIT does: xor for
// zero; with signExtend (a 64-bit destination) a negative value needs the
// sign-extending REX.W form, anything else the short zero-extending one.
func (c *code) movImm32(signExtend bool, dst reg, imm int32) {
	switch {
	case signExtend && imm < 0:
		c.movRI64SX(dst, imm)
	case imm == 0:
		c.xorZero(dst)
	default:
		c.movRI32(dst, imm)
	}
}

// movImm64 loads a 64-bit constant: a value with a zero upper half goes
// through movImm32 (xor or mov r32), anything else takes the 10-byte
// movabs (Linux 6.1 does not try the sign-extended 7-byte form here).
func (c *code) movImm64(dst reg, v uint64) {
	if v>>32 == 0 {
		c.movImm32(false, dst, int32(uint32(v)))
		return
	}
	c.movabs(dst, v)
}

// imulRR: imul dst, src (0x0f 0xaf /r).
func (c *code) imulRR(w bool, dst, src reg) {
	c.prefixRR(w, dst, src)
	c.emit(0x0f, 0xaf)
	c.modrmRR(dst, src)
}

// imulRRI: imul dst, dst, imm (0x6b /r ib or 0x69 /r id).
func (c *code) imulRRI(w bool, dst reg, imm int32) {
	c.prefixRR(w, dst, dst)
	if isImm8(int64(imm)) {
		c.emit(0x6b)
		c.modrmRR(dst, dst)
		c.imm8(imm)
		return
	}
	c.emit(0x69)
	c.modrmRR(dst, dst)
	c.imm32(imm)
}

// unary emits a 0xf7 /n group instruction: neg (/3), div (/6), idiv (/7).
func (c *code) unary(n byte, w bool, dst reg) {
	c.prefixRR(w, 0, dst)
	c.emit(0xf7)
	c.modrmExt(n, dst)
}

// Shift extensions of the 0xc1/0xd1/0xd3 group.
const (
	shlExt = 4
	shrExt = 5
	sarExt = 7
	rorExt = 1
)

// shiftRI: shl/shr/sar dst, imm: 0xd1 /n for a count of 1, 0xc1 /n ib
// otherwise.
func (c *code) shiftRI(n byte, w bool, dst reg, count int32) {
	c.prefixRR(w, 0, dst)
	if count == 1 {
		c.emit(0xd1)
		c.modrmExt(n, dst)
		return
	}
	c.emit(0xc1)
	c.modrmExt(n, dst)
	c.imm8(count)
}

// shiftRCL: shl/shr/sar dst, cl (0xd3 /n).
func (c *code) shiftRCL(n byte, w bool, dst reg) {
	c.prefixRR(w, 0, dst)
	c.emit(0xd3)
	c.modrmExt(n, dst)
}

// push / pop of a 64-bit register (0x50+r / 0x58+r).
func (c *code) push(r reg) {
	if r.ext() {
		c.emit(rex(false, 0, 0, r))
	}
	c.emit(0x50 + r.low3())
}

func (c *code) pop(r reg) {
	if r.ext() {
		c.emit(rex(false, 0, 0, r))
	}
	c.emit(0x58 + r.low3())
}

// load: mov/movzx dst, [base+disp] for 1, 2, 4, 8 bytes. Bytes and
// halves are zero-extended into the full 64-bit register (movzx with
// REX.W, as Linux emits them); a 32-bit mov zero-extends by itself.
func (c *code) load(size int, dst, base reg, disp int32) {
	switch size {
	case 1:
		c.emit(rex(true, dst, 0, base), 0x0f, 0xb6) // movzx r64, byte ptr
	case 2:
		c.emit(rex(true, dst, 0, base), 0x0f, 0xb7) // movzx r64, word ptr
	case 4:
		c.prefixMem(false, dst, base, false)
		c.emit(0x8b) // mov r32, dword ptr
	case 8:
		c.emit(rex(true, dst, 0, base), 0x8b) // mov r64, qword ptr
	default:
		panic("BUG: load size")
	}
	c.mem(dst.low3(), base, disp)
}

// loadSX: movsx dst64, [base+disp] for 1, 2, 4 bytes (cpu v4 ldsx).
func (c *code) loadSX(size int, dst, base reg, disp int32) {
	c.emit(rex(true, dst, 0, base))
	switch size {
	case 1:
		c.emit(0x0f, 0xbe) // movsx r64, byte ptr
	case 2:
		c.emit(0x0f, 0xbf) // movsx r64, word ptr
	case 4:
		c.emit(0x63) // movsxd r64, dword ptr
	default:
		panic("BUG: loadSX size")
	}
	c.mem(dst.low3(), base, disp)
}

// store: mov [base+disp], src for 1, 2, 4, 8 bytes.
func (c *code) store(size int, base reg, disp int32, src reg) {
	switch size {
	case 1:
		c.prefixMem(false, src, base, src.needsREXForByte())
		c.emit(0x88)
	case 2:
		c.emit(0x66) // operand-size prefix
		c.prefixMem(false, src, base, false)
		c.emit(0x89)
	case 4:
		c.prefixMem(false, src, base, false)
		c.emit(0x89)
	case 8:
		c.emit(rex(true, src, 0, base), 0x89)
	default:
		panic("BUG: store size")
	}
	c.mem(src.low3(), base, disp)
}

// storeImm: mov size ptr [base+disp], imm (0xc6 /0 ib, 0x66 0xc7 /0 iw,
// 0xc7 /0 id, REX.W 0xc7 /0 id sign-extended).
func (c *code) storeImm(size int, base reg, disp int32, imm int32) {
	switch size {
	case 1:
		c.prefixMem(false, 0, base, false)
		c.emit(0xc6)
	case 2:
		c.emit(0x66)
		c.prefixMem(false, 0, base, false)
		c.emit(0xc7)
	case 4:
		c.prefixMem(false, 0, base, false)
		c.emit(0xc7)
	case 8:
		c.emit(rex(true, 0, 0, base), 0xc7)
	default:
		panic("BUG: storeImm size")
	}
	c.mem(0, base, disp)
	switch size {
	case 1:
		c.imm8(imm)
	case 2:
		c.imm16(imm)
	default:
		c.imm32(imm)
	}
}

// Condition codes, the low nibble of Jcc (0x70+cc rel8, 0x0f 0x80+cc rel32).
const (
	ccB  = 0x2 // below (unsigned <)
	ccAE = 0x3 // above or equal (unsigned >=)
	ccE  = 0x4 // equal
	ccNE = 0x5 // not equal
	ccBE = 0x6 // below or equal (unsigned <=)
	ccA  = 0x7 // above (unsigned >)
	ccL  = 0xc // less (signed <)
	ccGE = 0xd // greater or equal (signed >=)
	ccLE = 0xe // less or equal (signed <=)
	ccG  = 0xf // greater (signed >)
)

// jcc8 / jcc32: conditional jump with an 8- or 32-bit displacement.
func (c *code) jcc8(cc byte, rel int32) { c.emit(0x70 + cc); c.imm8(rel) }

func (c *code) jcc32(cc byte, rel int32) { c.emit(0x0f, 0x80+cc); c.imm32(rel) }

// jmp8 / jmp32: unconditional jump.
func (c *code) jmp8(rel int32) { c.emit(0xeb); c.imm8(rel) }

func (c *code) jmp32(rel int32) { c.emit(0xe9); c.imm32(rel) }

// call32: call rel32.
func (c *code) call32(rel int32) { c.emit(0xe8); c.imm32(rel) }

// nop5 is the 5-byte nop (nopl 0x0(%rax,%rax,1)) Linux uses for patch
// sites.
var nop5 = []byte{0x0f, 0x1f, 0x44, 0x00, 0x00}

// nops emits n bytes of padding with the fewest instructions, using the
// recommended multi-byte nops (Intel SDM, NOP), the way Linux pads jumps
// that must keep their size.
func (c *code) nops(n int) {
	for n > 0 {
		k := min(n, len(x86nops)-1)
		c.emit(x86nops[k]...)
		n -= k
	}
}

var x86nops = [][]byte{
	nil,
	{0x90},
	{0x66, 0x90},
	{0x0f, 0x1f, 0x00},
	{0x0f, 0x1f, 0x40, 0x00},
	{0x0f, 0x1f, 0x44, 0x00, 0x00},
	{0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
	{0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
	{0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
}
