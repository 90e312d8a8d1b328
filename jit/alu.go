package jit

import "github.com/bpfplay/bpfplay/core/isa"

// aluOpcodes maps the eBPF operations that have a direct x86 two-operand
// form to its opcode (indexed by op>>4).
var aluOpcodes = [16]byte{
	isa.Add >> 4: opAdd,
	isa.Sub >> 4: opSub,
	isa.And >> 4: opAnd,
	isa.Or >> 4:  opOr,
	isa.Xor >> 4: opXor,
}

// shiftExt maps the shifts to their /n extension (indexed by op>>4).
var shiftExt = [16]byte{isa.LSh >> 4: shlExt, isa.RSh >> 4: shrExt, isa.ArSh >> 4: sarExt}

// alu emits ALU (32-bit) and ALU64 instructions. A 32-bit x86 operation
// zero-extends its result into the upper half, which is exactly eBPF's
// ALU semantics, so no extra zero-extension is ever needed.
func (f *funcJIT) alu(c *code, pc int, ins isa.Instruction) error {
	w := ins.OpCode.Class() == isa.ALU64Class
	op := ins.OpCode.ALUOp()
	x := ins.OpCode.Source() == isa.RegSource
	if int(ins.Dst) >= len(regMap) || (x && int(ins.Src) >= len(regMap)) {
		return errorf(pc, "register out of range")
	}
	dst := x86(ins.Dst)
	imm := int32(ins.Imm)
	switch op {
	case isa.Add, isa.Sub, isa.And, isa.Or, isa.Xor:
		if x {
			c.aluRR(aluOpcodes[op>>4], w, dst, x86(ins.Src)) // op dst, src
		} else {
			c.aluRI(aluOpcodes[op>>4], w, dst, imm) // op dst, imm
		}
	case isa.Mov:
		return f.mov(c, pc, ins, w, x, dst)
	case isa.Mul:
		if x {
			c.imulRR(w, dst, x86(ins.Src)) // imul dst, src
		} else {
			c.imulRRI(w, dst, imm) // imul dst, dst, imm
		}
	case isa.Neg:
		c.unary(3, w, dst) // neg dst
	case isa.LSh, isa.RSh, isa.ArSh:
		n := shiftExt[op>>4]
		if x {
			f.shiftByReg(c, n, w, ins.Dst, ins.Src)
		} else {
			c.shiftRI(n, w, dst, imm) // shl/shr/sar dst, imm
		}
	case isa.Div, isa.Mod:
		return f.divMod(c, pc, ins, w, x)
	case isa.End:
		return f.byteSwap(c, pc, ins, w)
	default:
		return errorf(pc, "unknown ALU operation %#02x", uint8(op))
	}
	return nil
}

// mov emits register and immediate moves, and the cpu v4 sign-extending
// moves (movsx, offset 8/16/32).
func (f *funcJIT) mov(c *code, pc int, ins isa.Instruction, w, x bool, dst reg) error {
	if !x {
		c.movImm32(w, dst, int32(ins.Imm)) // mov dst, imm (or xor dst, dst)
		return nil
	}
	src := x86(ins.Src)
	switch ins.Off {
	case 0:
		if w {
			c.mov64(dst, src) // mov dst, src (nothing when equal)
		} else {
			c.movRR(false, dst, src) // mov dst32, src32 (zero-extends even when equal)
		}
		return nil
	case 8, 16, 32:
		if !w && ins.Off == 32 {
			break
		}
		f.movSX(c, w, int(ins.Off), dst, src)
		return nil
	}
	return errorf(pc, "invalid movsx width %d", ins.Off)
}

// movSX: movsx dst, src8/src16 and movsxd dst, src32 (cpu v4, as Linux
// 6.12 emits them: testdata/v4-linux612.jsonl).
func (f *funcJIT) movSX(c *code, w bool, bits int, dst, src reg) {
	switch {
	case w && bits == 32:
		c.emit(rex(true, dst, 0, src), 0x63) // movsxd dst, src32
	case w:
		c.emit(rex(true, dst, 0, src), 0x0f, 0xbe+byte(bits/16)) // movsx dst64, src8/src16
	default:
		// A byte source always gets a REX (Linux 6.12 emits one even
		// for al, where it changes nothing).
		if needREX(false, dst, 0, src) || bits == 8 {
			c.emit(rex(false, dst, 0, src))
		}
		c.emit(0x0f, 0xbe+byte(bits/16)) // movsx dst32, src8/src16
	}
	c.modrmRR(dst, src)
}

// shiftByReg: without BMI2 a variable shift count must be in cl, and cl
// belongs to eBPF r4. Linux shifts a copy in r11 when rcx itself is the
// register being shifted, and otherwise saves rcx around loading the
// count into it (nothing to save when the count already is in rcx).
func (f *funcJIT) shiftByReg(c *code, n byte, w bool, bdst, bsrc isa.Register) {
	dst, src := x86(bdst), x86(bsrc)
	if dst == rcx {
		c.mov64(regAux, rcx) // mov r11, rcx
		dst = regAux
	}
	if src != rcx {
		c.push(rcx)       // push rcx
		c.mov64(rcx, src) // mov rcx, src
	}
	c.shiftRCL(n, w, dst) // shl/shr/sar dst, cl
	if src != rcx {
		c.pop(rcx) // pop rcx
	}
	if x86(bdst) == rcx {
		c.mov64(rcx, regAux) // mov rcx, r11
	}
}

// divMod: x86 divides rdx:rax by a register, leaving the quotient in rax
// and the remainder in rdx. Linux saves whichever of rax and rdx is not
// the destination, moves a divisor that lives in rax or rdx (or an
// immediate) to r11, divides, and moves the result into place. The
// verifier has already made division by zero (and, for cpu v4, signed
// division by -1) well defined, so the bare div cannot fault on a
// verified program.
func (f *funcJIT) divMod(c *code, pc int, ins isa.Instruction, w, x bool) error {
	signed := ins.Off == 1
	if ins.Off != 0 && !signed {
		return errorf(pc, "invalid offset %d for div/mod", ins.Off)
	}
	dst := x86(ins.Dst)
	if dst != rax {
		c.push(rax) // push rax
	}
	if dst != rdx {
		c.push(rdx) // push rdx
	}
	var src reg
	if x {
		src = x86(ins.Src)
		if src == rax || src == rdx {
			c.mov64(regAux, src) // mov r11, src
			src = regAux
		}
	} else {
		c.movRI64SX(regAux, int32(ins.Imm)) // mov r11, imm32
		src = regAux
	}
	if dst != rax {
		c.movRR(w, rax, dst) // mov rax, dst
	}
	if signed {
		if w {
			c.emit(0x48, 0x99) // cqo: sign-extend rax into rdx
		} else {
			c.emit(0x99) // cdq
		}
		c.unary(7, w, src) // idiv src
	} else {
		c.xorZero(rdx)     // xor edx, edx
		c.unary(6, w, src) // div src
	}
	if ins.OpCode.ALUOp() == isa.Mod {
		if dst != rdx {
			c.movRR(w, dst, rdx) // mov dst, rdx
		}
	} else if dst != rax {
		c.movRR(w, dst, rax) // mov dst, rax
	}
	if dst != rdx {
		c.pop(rdx) // pop rdx
	}
	if dst != rax {
		c.pop(rax) // pop rax
	}
	return nil
}

// byteSwap: BPF_END. To big endian (and the cpu v4 unconditional bswap,
// ALU64 class) swaps; to little endian is a truncation on x86.
func (f *funcJIT) byteSwap(c *code, pc int, ins isa.Instruction, w bool) error {
	dst := x86(ins.Dst)
	swap := w || ins.OpCode.Source() == isa.ToBE
	switch ins.Imm {
	case 16:
		if swap {
			c.emit(0x66) // ror dst16, 8
			if dst.ext() {
				c.emit(rex(false, 0, 0, dst))
			}
			c.emit(0xc1)
			c.modrmExt(rorExt, dst)
			c.imm8(8)
		}
		c.prefixRR(false, dst, dst) // movzx dst32, dst16
		c.emit(0x0f, 0xb7)
		c.modrmRR(dst, dst)
	case 32:
		if swap {
			if dst.ext() {
				c.emit(rex(false, 0, 0, dst))
			}
			c.emit(0x0f, 0xc8+dst.low3()) // bswap dst32
		} else {
			c.movRR(false, dst, dst) // mov dst32, dst32
		}
	case 64:
		if swap {
			c.emit(rex(true, 0, 0, dst), 0x0f, 0xc8+dst.low3()) // bswap dst64
		}
	default:
		return errorf(pc, "invalid byte swap width %d", ins.Imm)
	}
	return nil
}
