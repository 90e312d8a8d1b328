package kernel

import (
	"math"
	"strconv"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm"
	"github.com/bpfplay/bpfplay/core/isa"
)

var aluByOp = func() map[string]isa.ALUOp {
	m := map[string]isa.ALUOp{}
	for op, s := range aluOps {
		if op != isa.Mov {
			m[s] = op
		}
	}
	return m
}()

// assignment reads every statement that starts with a register.
func (p *parser) assignment() (*stmt, *asm.Error) {
	dst, err := p.register("a register")
	if err != nil {
		return nil, err
	}
	opTok := p.next()
	class := isa.ALU64Class
	if !dst.wide {
		class = isa.ALUClass
	}
	if opTok.text != "=" {
		a, ok := aluByOp[opTok.text]
		signed := false
		switch opTok.text {
		case "s/=":
			a, ok, signed = isa.Div, true, true
		case "s%=":
			a, ok, signed = isa.Mod, true, true
		}
		if !ok || opTok.kind != tPunct {
			return nil, p.errf(opTok, asm.ErrSyntax, "expected '=' or an operator such as += -= *= /= %%= |= &= ^= <<= >>= s>>= s/= s%%= after %s, found %s", dst, opTok)
		}
		ins := isa.Instruction{Dst: dst.r}
		if signed {
			ins.Off = 1
		}
		return p.aluOperand(ins, class, a, dst)
	}
	t := p.peek()
	switch {
	case t.text == "-" && isRegister(p.peekAt(1)):
		p.next()
		src, err := p.register("a register")
		if err != nil {
			return nil, err
		}
		if src.r != dst.r || src.wide != dst.wide {
			return nil, p.errf(src.tok, asm.ErrOperand, "negation works in place: write %s = -%s", dst, dst)
		}
		return &stmt{ins: isa.Instruction{OpCode: isa.ALUOpCode(class, isa.Neg, isa.ImmSource), Dst: dst.r}}, p.end()
	case t.text == "(" && t.kind == tPunct:
		return p.movsx(dst, class)
	case t.text == "*" && t.kind == tPunct:
		return p.load(dst)
	case t.kind == tIdent && isRegister(t):
		ins := isa.Instruction{Dst: dst.r}
		return p.aluOperand(ins, class, isa.Mov, dst)
	case t.kind == tIdent:
		return p.assignWord(dst, class)
	}
	return p.movImm(dst, class)
}

// aluOperand reads the source of an ALU operation: a register of the
// same width, or an immediate.
func (p *parser) aluOperand(ins isa.Instruction, class isa.Class, a isa.ALUOp, dst register) (*stmt, *asm.Error) {
	if isRegister(p.peek()) {
		src, err := p.register("a register")
		if err != nil {
			return nil, err
		}
		if src.wide != dst.wide {
			return nil, p.errf(src.tok, asm.ErrRegister, "%s and %s mix 64-bit and 32-bit registers (write %s)", dst, src.tok.text, reg(src.r, dst.wide))
		}
		ins.OpCode, ins.Src = isa.ALUOpCode(class, a, isa.RegSource), src.r
		return &stmt{ins: ins}, p.end()
	}
	imm, err := p.imm32(!dst.wide)
	if err != nil {
		return nil, err
	}
	ins.OpCode, ins.Imm = isa.ALUOpCode(class, a, isa.ImmSource), imm
	return &stmt{ins: ins}, p.end()
}

// movImm reads "rN = 42", "rN = 0x1122334455667788 ll" and the 64-bit
// constants without ll that the kernel log prints for ld_imm64.
func (p *parser) movImm(dst register, class isa.Class) (*stmt, *asm.Error) {
	save := p.i
	n, t, err := p.number("a register, a number, or a memory access after '='")
	if err != nil {
		return nil, err
	}
	ll := p.accept("ll")
	v, fits := n.Imm32(!dst.wide)
	if !ll && (fits || !dst.wide) {
		if !fits {
			return nil, p.errf(t, asm.ErrRange, "%s does not fit in 32 bits", numText(n))
		}
		return &stmt{ins: isa.Instruction{OpCode: isa.ALUOpCode(class, isa.Mov, isa.ImmSource), Dst: dst.r, Imm: int64(v)}}, p.end()
	}
	if !dst.wide {
		p.i = save
		return nil, p.errf(dst.tok, asm.ErrRegister, "a 64-bit constant (ld_imm64) loads a 64-bit register: r%d", dst.r)
	}
	bits, ok := n.Bits64()
	if !ok {
		return nil, p.errf(t, asm.ErrRange, "%s does not fit in 64 bits", numText(n))
	}
	return &stmt{ins: isa.LdImm64(dst.r, bits)}, p.end()
}

// movsx reads "r0 = (s8)r1".
func (p *parser) movsx(dst register, class isa.Class) (*stmt, *asm.Error) {
	p.next()
	t := p.next()
	bits := 0
	switch t.text {
	case "s8":
		bits = 8
	case "s16":
		bits = 16
	case "s32":
		bits = 32
	}
	if bits == 0 || t.kind != tIdent || (bits == 32 && !dst.wide) {
		want := "s8, s16 or s32"
		if !dst.wide {
			want = "s8 or s16"
		}
		return nil, p.errf(t, asm.ErrOperand, "expected a sign-extending cast (%s), found %s", want, t)
	}
	if err := p.expect(")", "after the cast"); err != nil {
		return nil, err
	}
	src, err := p.register("a register")
	if err != nil {
		return nil, err
	}
	if src.wide != dst.wide {
		return nil, p.errf(src.tok, asm.ErrRegister, "%s and %s mix 64-bit and 32-bit registers", dst, src.tok.text)
	}
	return &stmt{ins: isa.Instruction{OpCode: isa.ALUOpCode(class, isa.Mov, isa.RegSource), Dst: dst.r, Src: src.r, Off: int16(bits)}}, p.end()
}

// load reads "rN = *(u32 *)(r1 +4)", "rN = *(s8 *)(...)" and the legacy
// packet loads "r0 = *(u32 *)skb[12]", "r0 = *(u8 *)skb[r2 + 1]".
func (p *parser) load(dst register) (*stmt, *asm.Error) {
	size, signed, err := p.sizeCast(true)
	if err != nil {
		return nil, err
	}
	if p.is("skb") {
		return p.packetLoad(dst, size, signed)
	}
	src, off, err := p.mem()
	if err != nil {
		return nil, err
	}
	if dst.wide && size != isa.DWord && !signed {
		// rN = *(u32 *)... and llvm's wN = *(u32 *)... are the same load
	} else if !dst.wide && (size == isa.DWord || signed) {
		return nil, p.errf(dst.tok, asm.ErrRegister, "a 64-bit or sign-extending load goes to r%d", dst.r)
	}
	mode := isa.MemMode
	if signed {
		mode = isa.MemSXMode
	}
	return &stmt{ins: isa.Instruction{OpCode: isa.LoadStoreOpCode(isa.LdXClass, mode, size), Dst: dst.r, Src: src, Off: off}}, p.end()
}

func (p *parser) packetLoad(dst register, size isa.Size, signed bool) (*stmt, *asm.Error) {
	skb := p.next()
	if signed || size == isa.DWord {
		return nil, p.errf(skb, asm.ErrOperand, "packet loads are u8, u16 or u32")
	}
	if dst.r != isa.R0 || !dst.wide {
		return nil, p.errf(dst.tok, asm.ErrRegister, "packet loads always load r0")
	}
	if err := p.expect("[", "after skb"); err != nil {
		return nil, err
	}
	ins := isa.Instruction{OpCode: isa.LoadStoreOpCode(isa.LdClass, isa.AbsMode, size)}
	if isRegister(p.peek()) {
		src, err := p.register("the index register")
		if err != nil {
			return nil, err
		}
		ins.OpCode = isa.LoadStoreOpCode(isa.LdClass, isa.IndMode, size)
		ins.Src = src.r
		if p.accept("+") {
			imm, err := p.imm32(true)
			if err != nil {
				return nil, err
			}
			ins.Imm = imm
		}
	} else {
		imm, err := p.imm32(true)
		if err != nil {
			return nil, err
		}
		ins.Imm = imm
	}
	if err := p.expect("]", "to close skb[...]"); err != nil {
		return nil, err
	}
	return &stmt{ins: ins}, p.end()
}

// assignWord reads the assignments that start with a word: byte swaps,
// map and function references, and the atomic functions.
func (p *parser) assignWord(dst register, class isa.Class) (*stmt, *asm.Error) {
	t := p.peek()
	switch w := t.text; {
	case hasPrefixAny(w, "be", "le", "bswap") && isSwapWidth(w):
		p.next()
		name := strings.TrimRight(w, "0123456789")
		width, _ := strconv.Atoi(w[len(name):])
		src, err := p.register("the register to swap")
		if err != nil {
			return nil, err
		}
		if src.r != dst.r {
			return nil, p.errf(src.tok, asm.ErrOperand, "a byte swap works in place: write %s = %s %s", dst, w, dst)
		}
		ins := isa.Instruction{Dst: dst.r, Imm: int64(width)}
		switch name {
		case "le":
			ins.OpCode = isa.ALUOpCode(isa.ALUClass, isa.End, isa.ToLE)
		case "be":
			ins.OpCode = isa.ALUOpCode(isa.ALUClass, isa.End, isa.ToBE)
		default:
			ins.OpCode = isa.ALUOpCode(isa.ALU64Class, isa.End, isa.ToLE)
		}
		return &stmt{ins: ins}, p.end()
	case w == "map" || w == "btf_id" || w == "func":
		if !dst.wide {
			return nil, p.errf(dst.tok, asm.ErrRegister, "ld_imm64 loads a 64-bit register: r%d", dst.r)
		}
		return p.pseudo(dst)
	case strings.HasPrefix(w, "atomic") || strings.HasPrefix(w, "xchg") || strings.HasPrefix(w, "cmpxchg"):
		return p.atomicCall(dst)
	}
	return nil, p.errf(t, asm.ErrOperand, "expected a register, a number, a memory access *(u32 *)(rN +off), a byte swap (be16 le32 bswap64 ...), map[...] or an atomic function after '=', found %s", t)
}

func isSwapWidth(w string) bool {
	name := strings.TrimRight(w, "0123456789")
	switch w[len(name):] {
	case "16", "32", "64":
		return name == "be" || name == "le" || name == "bswap"
	}
	return false
}

// pseudo reads the ld_imm64 forms with a pseudo source:
//
//	map[NAME]  map[fd:N]  map[idx:N]      the map          (src 1, 1, 5)
//	map[...][0]+OFF                        a value address  (src 2, 2, 6)
//	btf_id[N]                              a kernel object  (src 3)
//	func[LABEL]  func[pc+N]                a function       (src 4)
//
// each optionally followed by "ll".
func (p *parser) pseudo(dst register) (*stmt, *asm.Error) {
	kw := p.next()
	if err := p.expect("[", "after "+kw.text); err != nil {
		return nil, err
	}
	s := &stmt{}
	switch kw.text {
	case "btf_id":
		n, t, err := p.number("a BTF id")
		if err != nil {
			return nil, err
		}
		v, ok := n.Imm32(true)
		if !ok {
			return nil, p.errf(t, asm.ErrRange, "BTF id %s does not fit in 32 bits", numText(n))
		}
		s.ins = isa.LdImm64Pseudo(dst.r, isa.PseudoBTFID, v, 0)
	case "func":
		off, label, tok, err := p.target()
		if err != nil {
			return nil, err
		}
		s.ins = isa.LdImm64Pseudo(dst.r, isa.PseudoFunc, int32(off), 0)
		s.label, s.labelTok, s.refKind = label, tok, asm.RefFunc
	default: // map
		src, lo, err := p.mapRef(s)
		if err != nil {
			return nil, err
		}
		var hi int32
		if p.is("[") {
			p.next()
			zero, zt, err := p.number("0")
			if err != nil {
				return nil, err
			}
			if v, _ := zero.Int64(); v != 0 {
				return nil, p.errf(zt, asm.ErrOperand, "a map value reference is map[...][0]+OFF: the element is always 0")
			}
			if err := p.expect("]", "after [0"); err != nil {
				return nil, err
			}
			if p.accept("+") {
				n, t, err := p.number("an offset into the value")
				if err != nil {
					return nil, err
				}
				v, ok := n.Imm32(true)
				if !ok || n.Neg {
					return nil, p.errf(t, asm.ErrRange, "value offset %s must be 0..0xffffffff", numText(n))
				}
				hi = v
			}
			src++ // MapFD -> MapValue, MapIdx -> MapIdxValue
			s.mapValue = true
		}
		s.ins = isa.LdImm64Pseudo(dst.r, src, lo, hi)
		p.accept("ll")
		return s, p.end()
	}
	if err := p.expect("]", "to close "+kw.text+"[...]"); err != nil {
		return nil, err
	}
	p.accept("ll")
	return s, p.end()
}

// mapRef reads what is inside map[...] and the closing bracket.
func (p *parser) mapRef(s *stmt) (isa.PseudoSrc, int32, *asm.Error) {
	t := p.next()
	if t.kind != tIdent {
		return 0, 0, p.errf(t, asm.ErrOperand, "expected a map name, fd:N or idx:N inside map[...], found %s", t)
	}
	src := isa.PseudoMapFD
	var n int32
	if (t.text == "fd" || t.text == "idx") && p.is(":") {
		p.next()
		num, nt, err := p.number("a number")
		if err != nil {
			return 0, 0, err
		}
		v, ok := num.Imm32(true)
		if !ok {
			return 0, 0, p.errf(nt, asm.ErrRange, "%s does not fit in 32 bits", numText(num))
		}
		n = v
		if t.text == "idx" {
			src = isa.PseudoMapIdx
		}
	} else {
		if !validLabel(t.text) {
			return 0, 0, p.errf(t, asm.ErrOperand, "%q is not a map name", t.text)
		}
		s.mapName, s.mapTok = t.text, t
	}
	if err := p.expect("]", "to close map[...]"); err != nil {
		return 0, 0, err
	}
	return src, n, nil
}

// atomicCall reads the fetching atomics, in the kernel's spelling
//
//	r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)
//	r2 = atomic_xchg((u32 *)(r1 +0), r2)
//	r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)
//
// and llvm-objdump's
//
//	r2 = atomic_fetch_add((u64 *)(r1 + 0x0), r2)
//	w2 = xchg32_32(r1 + 0x0, w2)
//	r0 = cmpxchg_64(r1 - 0x8, r0, r2)
func (p *parser) atomicCall(dst register) (*stmt, *asm.Error) {
	fn := p.next()
	name := fn.text
	var op isa.AtomicOp
	size := isa.InvalidSize
	llvmForm := false
	switch {
	case name == "xchg_64" || name == "cmpxchg_64":
		size, llvmForm = isa.DWord, true
	case name == "xchg32_32" || name == "cmpxchg32_32":
		size, llvmForm = isa.Word, true
	}
	base := strings.TrimPrefix(strings.TrimPrefix(name, "atomic64_"), "atomic_")
	if llvmForm {
		base = strings.TrimSuffix(strings.TrimSuffix(name, "_64"), "32_32")
	}
	switch base {
	case "fetch_add":
		op = isa.AtomicFetchAdd
	case "fetch_and":
		op = isa.AtomicFetchAnd
	case "fetch_or":
		op = isa.AtomicFetchOr
	case "fetch_xor":
		op = isa.AtomicFetchXor
	case "xchg":
		op = isa.AtomicXchg
	case "cmpxchg":
		op = isa.AtomicCmpXchg
	default:
		return nil, p.errf(fn, asm.ErrOperand, "unknown atomic function %q (expected atomic[64]_fetch_add/and/or/xor, atomic[64]_xchg, atomic[64]_cmpxchg)", name)
	}
	if err := p.expect("(", "after "+name); err != nil {
		return nil, err
	}
	var base64 isa.Register
	var off int16
	if llvmForm {
		r, err := p.register("the base register")
		if err != nil {
			return nil, err
		}
		o, err := p.offset()
		if err != nil {
			return nil, err
		}
		base64, off = r.r, o
	} else {
		s, signed, err := p.sizeCast(false)
		if err != nil {
			return nil, err
		}
		if signed || (s != isa.Word && s != isa.DWord) {
			return nil, p.errf(fn, asm.ErrOperand, "atomic operations are u32 or u64")
		}
		if strings.HasPrefix(name, "atomic64_") != (s == isa.DWord) && strings.HasPrefix(name, "atomic64_") {
			return nil, p.errf(fn, asm.ErrOperand, "%s works on u64", name)
		}
		size = s
		r, o, err := p.mem()
		if err != nil {
			return nil, err
		}
		base64, off = r, o
	}
	if err := p.expect(",", "after the memory operand"); err != nil {
		return nil, err
	}
	if op == isa.AtomicCmpXchg {
		r0, err := p.register("r0, the value to compare")
		if err != nil {
			return nil, err
		}
		if r0.r != isa.R0 || dst.r != isa.R0 {
			return nil, p.errf(r0.tok, asm.ErrOperand, "cmpxchg compares with r0 and returns in r0: r0 = %s(..., r0, rN)", name)
		}
		if err := p.expect(",", "after r0"); err != nil {
			return nil, err
		}
	}
	src, err := p.register("the source register")
	if err != nil {
		return nil, err
	}
	if op != isa.AtomicCmpXchg && src.r != dst.r {
		return nil, p.errf(src.tok, asm.ErrOperand, "%s returns the old value in its source register: %s = %s(..., %s)", name, src, name, src)
	}
	if err := p.expect(")", "to close "+name+"(...)"); err != nil {
		return nil, err
	}
	ins := isa.Instruction{OpCode: isa.LoadStoreOpCode(isa.StXClass, isa.AtomicMode, size), Dst: base64, Src: src.r, Off: off, Imm: int64(op)}
	return &stmt{ins: ins}, p.end()
}

var _ = math.MaxInt32
