package verifier

import (
	"math"

	"github.com/bpfplay/bpfplay/core/verifier/tnum"
)

func tnumRange(min, max uint64) tnum.T { return tnum.Range(min, max) }

// ALU sanitation states (BPF_ALU_*).
const (
	aluSanitizeSrc = 1 << 0
	aluSanitizeDst = 1 << 1
	aluNegValue    = 1 << 2
	aluNonPointer  = 1 << 3
	aluImmediate   = 1 << 4
	aluSanitize    = aluSanitizeSrc | aluSanitizeDst
)

// Reasons sanitize_ptr_alu fails.
const (
	reasonBounds = -1
	reasonType   = -2
	reasonPaths  = -3
	reasonLimit  = -4
	reasonStack  = -5
)

// isPointerValue is is_pointer_value: a pointer that must not leak.
func (v *verifier) isPointerValue(regno int) bool {
	if v.allowPtrLeaks {
		return false
	}
	return v.regs()[regno].typ != scalarValue
}

// copyRegisterState copies src into dst keeping dst's liveness links.
func copyRegisterState(dst, src *regState) {
	parent, live := dst.parent, dst.live
	*dst = *src
	dst.parent = parent
	dst.live = live
}

func (v *verifier) checkALUOp(in insn) error {
	regs := v.regs()
	op := in.op()
	dst := int(in.dst)
	switch {
	case op == opEND || op == opNEG:
		if op == opNEG {
			if in.srcBit() != srcK || in.src != 0 || in.off != 0 || in.imm != 0 {
				v.verbose("BPF_NEG uses reserved fields\n")
				return errEINVAL
			}
		} else if in.src != 0 || in.off != 0 || (in.imm != 16 && in.imm != 32 && in.imm != 64) || in.class() == clsALU64 {
			v.verbose("BPF_END uses reserved fields\n")
			return errEINVAL
		}
		if err := v.checkRegArg(dst, srcOp); err != nil {
			return err
		}
		if v.isPointerValue(dst) {
			v.verbose("R%d pointer arithmetic prohibited\n", dst)
			return errEACCES
		}
		return v.checkRegArg(dst, dstOp)
	case op == opMOV:
		if in.srcBit() == srcX {
			if in.imm != 0 || in.off != 0 {
				v.verbose("BPF_MOV uses reserved fields\n")
				return errEINVAL
			}
			if err := v.checkRegArg(int(in.src), srcOp); err != nil {
				return err
			}
		} else if in.src != 0 || in.off != 0 {
			v.verbose("BPF_MOV uses reserved fields\n")
			return errEINVAL
		}
		if err := v.checkRegArg(dst, dstOpNoMark); err != nil {
			return err
		}
		dreg := &regs[dst]
		if in.srcBit() == srcX {
			sreg := &regs[in.src]
			if in.class() == clsALU64 {
				if sreg.typ == scalarValue && sreg.id == 0 {
					v.idGen++
					sreg.id = v.idGen
				}
				copyRegisterState(dreg, sreg)
				dreg.live |= liveWritten
				dreg.subregDef = defNotSubreg
			} else {
				if v.isPointerValue(int(in.src)) {
					v.verbose("R%d partial copy of pointer\n", in.src)
					return errEACCES
				} else if sreg.typ == scalarValue {
					copyRegisterState(dreg, sreg)
					dreg.id = 0
					dreg.live |= liveWritten
					dreg.subregDef = int32(v.insnIdx + 1)
				} else {
					v.markUnknown(dreg)
				}
				dreg.zext32To64()
				dreg.boundsSync()
			}
		} else {
			v.markUnknown(dreg)
			dreg.typ = scalarValue
			if in.class() == clsALU64 {
				dreg.markKnown(uint64(int64(in.imm)))
			} else {
				dreg.markKnown(uint64(uint32(in.imm)))
			}
		}
		return nil
	case op > opEND:
		v.verbose("invalid BPF_ALU opcode %x\n", op)
		return errEINVAL
	}
	if in.srcBit() == srcX {
		if in.imm != 0 || in.off != 0 {
			v.verbose("BPF_ALU uses reserved fields\n")
			return errEINVAL
		}
		if err := v.checkRegArg(int(in.src), srcOp); err != nil {
			return err
		}
	} else if in.src != 0 || in.off != 0 {
		v.verbose("BPF_ALU uses reserved fields\n")
		return errEINVAL
	}
	if err := v.checkRegArg(dst, srcOp); err != nil {
		return err
	}
	if (op == opMOD || op == opDIV) && in.srcBit() == srcK && in.imm == 0 {
		v.verbose("div by zero\n")
		return errEINVAL
	}
	if (op == opLSH || op == opRSH || op == opARSH) && in.srcBit() == srcK {
		size := int32(32)
		if in.class() == clsALU64 {
			size = 64
		}
		if in.imm < 0 || in.imm >= size {
			v.verbose("invalid shift %d\n", in.imm)
			return errEINVAL
		}
	}
	if err := v.checkRegArg(dst, dstOpNoMark); err != nil {
		return err
	}
	return v.adjustRegMinMaxVals(in)
}

func (v *verifier) adjustRegMinMaxVals(in insn) error {
	regs := v.regs()
	op := in.op()
	dreg := &regs[in.dst]
	var ptrReg *regState
	if dreg.typ != scalarValue {
		ptrReg = dreg
	} else {
		dreg.id = 0
	}
	var sreg *regState
	if in.srcBit() == srcX {
		sreg = &regs[in.src]
		if sreg.typ != scalarValue {
			if dreg.typ != scalarValue {
				if op == opSUB && v.allowPtrLeaks {
					v.markUnknown(dreg)
					return nil
				}
				v.verbose("R%d pointer %s pointer prohibited\n", in.dst, aluStrings[op>>4])
				return errEACCES
			}
			if err := v.markChainPrecision(int(in.dst)); err != nil {
				return err
			}
			// scalar += pointer: the scalar is read from a copy, as the
			// destination becomes the pointer
			off := *dreg
			return v.adjustPtrMinMaxVals(in, sreg, &off)
		} else if ptrReg != nil {
			if err := v.markChainPrecision(int(in.src)); err != nil {
				return err
			}
			return v.adjustPtrMinMaxVals(in, dreg, sreg)
		} else if dreg.precise {
			if err := v.markChainPrecision(int(in.src)); err != nil {
				return err
			}
		}
	} else {
		off := regState{typ: scalarValue}
		off.markKnown(uint64(int64(in.imm)))
		sreg = &off
		if ptrReg != nil {
			return v.adjustPtrMinMaxVals(in, ptrReg, sreg)
		}
	}
	return v.adjustScalarMinMaxVals(in, dreg, *sreg)
}

func signedAddOverflows(a, b int64) bool {
	res := int64(uint64(a) + uint64(b))
	if b < 0 {
		return res > a
	}
	return res < a
}

func signedAdd32Overflows(a, b int32) bool {
	res := int32(uint32(a) + uint32(b))
	if b < 0 {
		return res > a
	}
	return res < a
}

func signedSubOverflows(a, b int64) bool {
	res := int64(uint64(a) - uint64(b))
	if b < 0 {
		return res < a
	}
	return res > a
}

func signedSub32Overflows(a, b int32) bool {
	res := int32(uint32(a) - uint32(b))
	if b < 0 {
		return res < a
	}
	return res > a
}

func scalar32Add(d, s *regState) {
	if signedAdd32Overflows(d.s32min, s.s32min) || signedAdd32Overflows(d.s32max, s.s32max) {
		d.s32min, d.s32max = math.MinInt32, math.MaxInt32
	} else {
		d.s32min += s.s32min
		d.s32max += s.s32max
	}
	if d.u32min+s.u32min < s.u32min || d.u32max+s.u32max < s.u32max {
		d.u32min, d.u32max = 0, math.MaxUint32
	} else {
		d.u32min += s.u32min
		d.u32max += s.u32max
	}
}

func scalarAdd(d, s *regState) {
	if signedAddOverflows(d.smin, s.smin) || signedAddOverflows(d.smax, s.smax) {
		d.smin, d.smax = math.MinInt64, math.MaxInt64
	} else {
		d.smin += s.smin
		d.smax += s.smax
	}
	if d.umin+s.umin < s.umin || d.umax+s.umax < s.umax {
		d.umin, d.umax = 0, math.MaxUint64
	} else {
		d.umin += s.umin
		d.umax += s.umax
	}
}

func scalar32Sub(d, s *regState) {
	if signedSub32Overflows(d.s32min, s.s32max) || signedSub32Overflows(d.s32max, s.s32min) {
		d.s32min, d.s32max = math.MinInt32, math.MaxInt32
	} else {
		d.s32min -= s.s32max
		d.s32max -= s.s32min
	}
	if d.u32min < s.u32max {
		d.u32min, d.u32max = 0, math.MaxUint32
	} else {
		d.u32min -= s.u32max
		d.u32max -= s.u32min
	}
}

func scalarSub(d, s *regState) {
	if signedSubOverflows(d.smin, s.smax) || signedSubOverflows(d.smax, s.smin) {
		d.smin, d.smax = math.MinInt64, math.MaxInt64
	} else {
		d.smin -= s.smax
		d.smax -= s.smin
	}
	if d.umin < s.umax {
		d.umin, d.umax = 0, math.MaxUint64
	} else {
		d.umin -= s.umax
		d.umax -= s.umin
	}
}

func scalar32Mul(d, s *regState) {
	if s.s32min < 0 || d.s32min < 0 {
		d.mark32Unbounded()
		return
	}
	if s.u32max > math.MaxUint16 || d.u32max > math.MaxUint16 {
		d.mark32Unbounded()
		return
	}
	d.u32min *= s.u32min
	d.u32max *= s.u32max
	if d.u32max > math.MaxInt32 {
		d.s32min, d.s32max = math.MinInt32, math.MaxInt32
	} else {
		d.s32min, d.s32max = int32(d.u32min), int32(d.u32max)
	}
}

func scalarMul(d, s *regState) {
	if s.smin < 0 || d.smin < 0 {
		d.mark64Unbounded()
		return
	}
	if s.umax > math.MaxUint32 || d.umax > math.MaxUint32 {
		d.mark64Unbounded()
		return
	}
	d.umin *= s.umin
	d.umax *= s.umax
	if d.umax > math.MaxInt64 {
		d.smin, d.smax = math.MinInt64, math.MaxInt64
	} else {
		d.smin, d.smax = int64(d.umin), int64(d.umax)
	}
}

func scalar32And(d, s *regState) {
	srcKnown := tnum.Subreg(s.varOff).IsConst()
	dstKnown := tnum.Subreg(d.varOff).IsConst()
	v32 := tnum.Subreg(d.varOff)
	if srcKnown && dstKnown {
		d.markKnown32(v32.Value)
		return
	}
	d.u32min = uint32(v32.Value)
	d.u32max = min(d.u32max, s.u32max)
	if d.s32min < 0 || s.s32min < 0 {
		d.s32min, d.s32max = math.MinInt32, math.MaxInt32
	} else {
		d.s32min, d.s32max = int32(d.u32min), int32(d.u32max)
	}
}

func scalarAnd(d, s *regState) {
	srcKnown, dstKnown := s.varOff.IsConst(), d.varOff.IsConst()
	if srcKnown && dstKnown {
		d.markKnown(d.varOff.Value)
		return
	}
	d.umin = d.varOff.Value
	d.umax = min(d.umax, s.umax)
	if d.smin < 0 || s.smin < 0 {
		d.smin, d.smax = math.MinInt64, math.MaxInt64
	} else {
		d.smin, d.smax = int64(d.umin), int64(d.umax)
	}
	d.updateBounds()
}

func scalar32Or(d, s *regState) {
	srcKnown := tnum.Subreg(s.varOff).IsConst()
	dstKnown := tnum.Subreg(d.varOff).IsConst()
	v32 := tnum.Subreg(d.varOff)
	if srcKnown && dstKnown {
		d.markKnown32(v32.Value)
		return
	}
	d.u32min = max(d.u32min, s.u32min)
	d.u32max = uint32(v32.Value | v32.Mask)
	if d.s32min < 0 || s.s32min < 0 {
		d.s32min, d.s32max = math.MinInt32, math.MaxInt32
	} else {
		d.s32min, d.s32max = int32(d.u32min), int32(d.u32max)
	}
}

func scalarOr(d, s *regState) {
	srcKnown, dstKnown := s.varOff.IsConst(), d.varOff.IsConst()
	if srcKnown && dstKnown {
		d.markKnown(d.varOff.Value)
		return
	}
	d.umin = max(d.umin, s.umin)
	d.umax = d.varOff.Value | d.varOff.Mask
	if d.smin < 0 || s.smin < 0 {
		d.smin, d.smax = math.MinInt64, math.MaxInt64
	} else {
		d.smin, d.smax = int64(d.umin), int64(d.umax)
	}
	d.updateBounds()
}

func scalar32Xor(d, s *regState) {
	srcKnown := tnum.Subreg(s.varOff).IsConst()
	dstKnown := tnum.Subreg(d.varOff).IsConst()
	v32 := tnum.Subreg(d.varOff)
	if srcKnown && dstKnown {
		d.markKnown32(v32.Value)
		return
	}
	d.u32min = uint32(v32.Value)
	d.u32max = uint32(v32.Value | v32.Mask)
	if d.s32min >= 0 && s.s32min >= 0 {
		d.s32min, d.s32max = int32(d.u32min), int32(d.u32max)
	} else {
		d.s32min, d.s32max = math.MinInt32, math.MaxInt32
	}
}

func scalarXor(d, s *regState) {
	srcKnown, dstKnown := s.varOff.IsConst(), d.varOff.IsConst()
	if srcKnown && dstKnown {
		d.markKnown(d.varOff.Value)
		return
	}
	d.umin = d.varOff.Value
	d.umax = d.varOff.Value | d.varOff.Mask
	if d.smin >= 0 && s.smin >= 0 {
		d.smin, d.smax = int64(d.umin), int64(d.umax)
	} else {
		d.smin, d.smax = math.MinInt64, math.MaxInt64
	}
	d.updateBounds()
}

func scalar32LshBounds(d *regState, umin, umax uint64) {
	d.s32min, d.s32max = math.MinInt32, math.MaxInt32
	if umax > 31 || uint64(d.u32max) > uint64(1)<<(31-umax) {
		d.u32min, d.u32max = 0, math.MaxUint32
	} else {
		d.u32min <<= umin
		d.u32max <<= umax
	}
}

func scalar32Lsh(d, s *regState) {
	umax, umin := s.u32max, s.u32min
	sub := tnum.Subreg(d.varOff)
	scalar32LshBounds(d, uint64(umin), uint64(umax))
	d.varOff = tnum.Subreg(tnum.LShift(sub, uint8(umin)))
	d.mark64Unbounded()
	d.update32Bounds()
}

func scalar64LshBounds(d *regState, umin, umax uint64) {
	if umin == 32 && umax == 32 && d.s32max >= 0 {
		d.smax = int64(d.s32max) << 32
	} else {
		d.smax = math.MaxInt64
	}
	if umin == 32 && umax == 32 && d.s32min >= 0 {
		d.smin = int64(d.s32min) << 32
	} else {
		d.smin = math.MinInt64
	}
	if d.umax > uint64(1)<<(63-umax) {
		d.umin, d.umax = 0, math.MaxUint64
	} else {
		d.umin <<= umin
		d.umax <<= umax
	}
}

func scalarLsh(d, s *regState) {
	umax, umin := s.umax, s.umin
	scalar64LshBounds(d, umin, umax)
	scalar32LshBounds(d, umin, umax)
	d.varOff = tnum.LShift(d.varOff, uint8(umin))
	d.updateBounds()
}

func scalar32Rsh(d, s *regState) {
	sub := tnum.Subreg(d.varOff)
	umax, umin := s.u32max, s.u32min
	d.s32min, d.s32max = math.MinInt32, math.MaxInt32
	d.varOff = tnum.RShift(sub, uint8(umin))
	d.u32min >>= umax
	d.u32max >>= umin
	d.mark64Unbounded()
	d.update32Bounds()
}

func scalarRsh(d, s *regState) {
	umax, umin := s.umax, s.umin
	d.smin, d.smax = math.MinInt64, math.MaxInt64
	d.varOff = tnum.RShift(d.varOff, uint8(umin))
	d.umin >>= umax
	d.umax >>= umin
	d.mark32Unbounded()
	d.updateBounds()
}

func scalar32Arsh(d, s *regState) {
	umin := s.u32min
	d.s32min = d.s32min >> umin
	d.s32max = d.s32max >> umin
	d.varOff = tnum.ARShift(tnum.Subreg(d.varOff), uint8(umin), 32)
	d.u32min, d.u32max = 0, math.MaxUint32
	d.mark64Unbounded()
	d.update32Bounds()
}

func scalarArsh(d, s *regState) {
	umin := s.umin
	d.smin >>= umin
	d.smax >>= umin
	d.varOff = tnum.ARShift(d.varOff, uint8(umin), 64)
	d.umin, d.umax = 0, math.MaxUint64
	d.mark32Unbounded()
	d.updateBounds()
}

func sanitizeNeeded(op uint8) bool { return op == opADD || op == opSUB }

func (v *verifier) canSkipALUSanitation(in insn) bool {
	return v.bypassSpecV1 || in.srcBit() == srcK
}

func updateALUSanitationState(aux *insnAux, state uint8, limit uint32) int {
	if aux.aluState != 0 && (aux.aluState != state || aux.aluLimit != limit) {
		return reasonPaths
	}
	aux.aluState = state
	aux.aluLimit = limit
	return 0
}

func (v *verifier) sanitizeValALU(in insn) int {
	if v.canSkipALUSanitation(in) {
		return 0
	}
	return updateALUSanitationState(&v.aux[v.insnIdx], aluNonPointer, 0)
}

func (v *verifier) adjustScalarMinMaxVals(in insn, d *regState, s regState) error {
	op := in.op()
	alu32 := in.class() != clsALU64
	bitness := uint64(64)
	if alu32 {
		bitness = 32
	}
	var srcKnown bool
	if alu32 {
		srcKnown = tnum.Subreg(s.varOff).IsConst()
		if (srcKnown && (s.s32min != s.s32max || s.u32min != s.u32max)) || s.s32min > s.s32max || s.u32min > s.u32max {
			v.markUnknown(d)
			return nil
		}
	} else {
		srcKnown = s.varOff.IsConst()
		if (srcKnown && (s.smin != s.smax || s.umin != s.umax)) || s.smin > s.smax || s.umin > s.umax {
			v.markUnknown(d)
			return nil
		}
	}
	if !srcKnown && op != opADD && op != opSUB && op != opAND {
		v.markUnknown(d)
		return nil
	}
	if sanitizeNeeded(op) {
		if r := v.sanitizeValALU(in); r < 0 {
			return v.sanitizeErr(in, r, nil, nil)
		}
	}
	switch op {
	case opADD:
		scalar32Add(d, &s)
		scalarAdd(d, &s)
		d.varOff = tnum.Add(d.varOff, s.varOff)
	case opSUB:
		scalar32Sub(d, &s)
		scalarSub(d, &s)
		d.varOff = tnum.Sub(d.varOff, s.varOff)
	case opMUL:
		d.varOff = tnum.Mul(d.varOff, s.varOff)
		scalar32Mul(d, &s)
		scalarMul(d, &s)
	case opAND:
		d.varOff = tnum.And(d.varOff, s.varOff)
		scalar32And(d, &s)
		scalarAnd(d, &s)
	case opOR:
		d.varOff = tnum.Or(d.varOff, s.varOff)
		scalar32Or(d, &s)
		scalarOr(d, &s)
	case opXOR:
		d.varOff = tnum.Xor(d.varOff, s.varOff)
		scalar32Xor(d, &s)
		scalarXor(d, &s)
	case opLSH:
		if s.umax >= bitness {
			v.markUnknown(d)
			break
		}
		if alu32 {
			scalar32Lsh(d, &s)
		} else {
			scalarLsh(d, &s)
		}
	case opRSH:
		if s.umax >= bitness {
			v.markUnknown(d)
			break
		}
		if alu32 {
			scalar32Rsh(d, &s)
		} else {
			scalarRsh(d, &s)
		}
	case opARSH:
		if s.umax >= bitness {
			v.markUnknown(d)
			break
		}
		if alu32 {
			scalar32Arsh(d, &s)
		} else {
			scalarArsh(d, &s)
		}
	default:
		v.markUnknown(d)
	}
	if alu32 {
		d.zext32To64()
	}
	d.boundsSync()
	return nil
}

// checkRegSaneOffset is check_reg_sane_offset.
func (v *verifier) checkRegSaneOffset(reg *regState, t regType) bool {
	known := reg.varOff.IsConst()
	val := int64(reg.varOff.Value)
	if known && (val >= maxVarOff || val <= -maxVarOff) {
		v.verbose("math between %s pointer and %d is not allowed\n", t, val)
		return false
	}
	if reg.off >= maxVarOff || reg.off <= -maxVarOff {
		v.verbose("%s pointer offset %d is not allowed\n", t, reg.off)
		return false
	}
	if reg.smin == math.MinInt64 {
		v.verbose("math between %s pointer and register with unbounded min value is not allowed\n", t)
		return false
	}
	if reg.smin >= maxVarOff || reg.smin <= -maxVarOff {
		v.verbose("value %d makes %s pointer be out of bounds\n", reg.smin, t)
		return false
	}
	return true
}

type sanitizeInfo struct {
	aux        insnAux
	maskToLeft bool
}

func retrievePtrLimit(ptr *regState, limit *uint32, maskToLeft bool) int {
	var max, ptrLimit uint32
	switch ptr.typ {
	case ptrToStack:
		max = maxBPFStack
		if maskToLeft {
			max++
		}
		ptrLimit = uint32(-(int64(ptr.varOff.Value) + int64(ptr.off)))
	case ptrToMapValue:
		max = ptr.mapPtr.ValueSize
		if maskToLeft {
			ptrLimit = uint32(ptr.smin) + uint32(ptr.off)
		} else {
			ptrLimit = uint32(ptr.umax) + uint32(ptr.off)
		}
	default:
		return reasonType
	}
	if ptrLimit >= max {
		return reasonLimit
	}
	*limit = ptrLimit
	return 0
}

func (v *verifier) sanitizePtrALU(in insn, ptr, off, dst *regState, info *sanitizeInfo, commit bool) int {
	aux := &info.aux
	if commit {
		aux = &v.aux[v.insnIdx]
	}
	offIsImm := off.varOff.IsConst()
	offIsNeg := off.smin < 0
	ptrIsDst := ptr == dst
	op := in.op()
	if v.canSkipALUSanitation(in) {
		return 0
	}
	if !v.curState.speculative {
		if !commit {
			if !off.varOff.IsConst() && (off.smin < 0) != (off.smax < 0) {
				return reasonBounds
			}
			info.maskToLeft = (op == opADD && offIsNeg) || (op == opSUB && !offIsNeg)
		}
		var limit uint32
		if r := retrievePtrLimit(ptr, &limit, info.maskToLeft); r < 0 {
			return r
		}
		var state uint8
		if commit {
			state = info.aux.aluState
			d := int64(info.aux.aluLimit) - int64(limit)
			if int32(d) < 0 {
				d = -int64(int32(d))
			}
			limit = uint32(d)
		} else {
			if offIsNeg {
				state |= aluNegValue
			}
			if offIsImm {
				state |= aluImmediate
			}
			if ptrIsDst {
				state |= aluSanitizeSrc
			} else {
				state |= aluSanitizeDst
			}
			if !offIsImm {
				v.exploreAluLimits = true
			}
		}
		if r := updateALUSanitationState(aux, state, limit); r < 0 {
			return r
		}
	}
	if commit || offIsImm {
		return 0
	}
	var tmp regState
	if !ptrIsDst {
		tmp = *dst
		copyRegisterState(dst, ptr)
	}
	branch := v.sanitizeSpeculativePath(nil, v.insnIdx+1, v.insnIdx)
	if !ptrIsDst && branch != nil {
		*dst = tmp
	}
	if branch == nil {
		return reasonStack
	}
	return 0
}

func (v *verifier) sanitizeSpeculativePath(in *insn, next, cur int) *vstate {
	branch := v.pushStack(next, cur, true)
	if branch != nil && in != nil {
		regs := &branch.frame[branch.curframe].regs
		if in.srcBit() == srcK {
			v.markUnknown(&regs[in.dst])
		} else {
			v.markUnknown(&regs[in.dst])
			v.markUnknown(&regs[in.src])
		}
	}
	return branch
}

func (v *verifier) sanitizeErr(in insn, reason int, off, dst *regState) error {
	const e = "pointer arithmetic with it prohibited for !root"
	op := "sub"
	if in.op() == opADD {
		op = "add"
	}
	d, s := in.dst, in.src
	switch reason {
	case reasonBounds:
		r := s
		if off == dst {
			r = d
		}
		v.verbose("R%d has unknown scalar with mixed signed bounds, %s\n", r, e)
	case reasonType:
		r := d
		if off == dst {
			r = s
		}
		v.verbose("R%d has pointer with unsupported alu operation, %s\n", r, e)
	case reasonPaths:
		v.verbose("R%d tried to %s from different maps, paths or scalars, %s\n", d, op, e)
	case reasonLimit:
		v.verbose("R%d tried to %s beyond pointer bounds, %s\n", d, op, e)
	case reasonStack:
		v.verbose("R%d could not be pushed for speculative verification, %s\n", d, e)
	default:
		v.verbose("verifier internal error: unknown reason (%d)\n", reason)
	}
	return errEACCES
}

func (v *verifier) checkStackAccessForPtrArithmetic(regno int, reg *regState, off int) error {
	if !reg.varOff.IsConst() {
		v.verbose("R%d variable stack access prohibited for !root, var_off=%s off=%d\n", regno, reg.varOff, off)
		return errEACCES
	}
	if off >= 0 || off < -maxBPFStack {
		v.verbose("R%d stack pointer arithmetic goes out of range, prohibited for !root; off=%d\n", regno, off)
		return errEACCES
	}
	return nil
}

func (v *verifier) sanitizeCheckBounds(in insn, dst *regState) error {
	if v.bypassSpecV1 {
		return nil
	}
	switch dst.typ {
	case ptrToStack:
		return v.checkStackAccessForPtrArithmetic(int(in.dst), dst, int(dst.off)+int(int64(dst.varOff.Value)))
	case ptrToMapValue:
		if err := v.checkMapAccess(int(in.dst), int(dst.off), 1, false, accessHelper); err != nil {
			v.verbose("R%d pointer arithmetic of map value goes out of range, prohibited for !root\n", in.dst)
			return errEACCES
		}
	}
	return nil
}

func (v *verifier) adjustPtrMinMaxVals(in insn, ptr, off *regState) error {
	regs := v.regs()
	dstno := int(in.dst)
	dst := &regs[dstno]
	known := off.varOff.IsConst()
	sminVal, smaxVal, uminVal, umaxVal := off.smin, off.smax, off.umin, off.umax
	sminPtr, smaxPtr, uminPtr, umaxPtr := ptr.smin, ptr.smax, ptr.umin, ptr.umax
	op := in.op()
	var info sanitizeInfo

	if (known && (sminVal != smaxVal || uminVal != umaxVal)) || sminVal > smaxVal || uminVal > umaxVal {
		v.markUnknown(dst)
		return nil
	}
	if in.class() != clsALU64 {
		if op == opSUB && v.allowPtrLeaks {
			v.markUnknown(dst)
			return nil
		}
		v.verbose("R%d 32-bit pointer arithmetic prohibited\n", dstno)
		return errEACCES
	}
	if ptr.typ&ptrMaybeNull != 0 {
		v.verbose("R%d pointer arithmetic on %s prohibited, null-check it first\n", dstno, ptr.typ)
		return errEACCES
	}
	prohibited := false
	switch ptr.typ.base() {
	case ptrToFlowKeys:
		prohibited = !known
	case constPtrToMap:
		prohibited = !(known && sminVal == 0 && op == opADD)
	case ptrToPacketEnd, ptrToSocket, ptrToSockCommon, ptrToTCPSock, ptrToXDPSock:
		prohibited = true
	}
	if prohibited {
		v.verbose("R%d pointer arithmetic on %s prohibited\n", dstno, ptr.typ)
		return errEACCES
	}
	ptrType := ptr.typ
	if dst != ptr {
		*dst = *ptr
	}
	if !v.checkRegSaneOffset(off, ptrType) || !v.checkRegSaneOffset(ptr, ptrType) {
		return errEINVAL
	}
	dst.mark32Unbounded()
	if sanitizeNeeded(op) {
		if r := v.sanitizePtrALU(in, ptr, off, dst, &info, false); r < 0 {
			return v.sanitizeErr(in, r, off, dst)
		}
	}
	copyRaw := func() {
		dst.rng, dst.mapPtr, dst.mapUID, dst.btfID, dst.memSize, dst.subprogno, dst.dynptr =
			ptr.rng, ptr.mapPtr, ptr.mapUID, ptr.btfID, ptr.memSize, ptr.subprogno, ptr.dynptr
	}
	switch op {
	case opADD:
		if known && int64(ptr.off)+sminVal == int64(int32(int64(ptr.off)+sminVal)) {
			dst.smin, dst.smax, dst.umin, dst.umax = sminPtr, smaxPtr, uminPtr, umaxPtr
			dst.varOff = ptr.varOff
			dst.off = ptr.off + int32(sminVal)
			copyRaw()
			break
		}
		if signedAddOverflows(sminPtr, sminVal) || signedAddOverflows(smaxPtr, smaxVal) {
			dst.smin, dst.smax = math.MinInt64, math.MaxInt64
		} else {
			dst.smin, dst.smax = sminPtr+sminVal, smaxPtr+smaxVal
		}
		if uminPtr+uminVal < uminPtr || umaxPtr+umaxVal < umaxPtr {
			dst.umin, dst.umax = 0, math.MaxUint64
		} else {
			dst.umin, dst.umax = uminPtr+uminVal, umaxPtr+umaxVal
		}
		dst.varOff = tnum.Add(ptr.varOff, off.varOff)
		dst.off = ptr.off
		copyRaw()
		if ptrType.isPktPointer() {
			v.idGen++
			dst.id = v.idGen
			dst.clearUnion()
		}
	case opSUB:
		if dst != ptr {
			v.verbose("R%d tried to subtract pointer from scalar\n", dstno)
			return errEACCES
		}
		if ptrType == ptrToStack {
			v.verbose("R%d subtraction from stack pointer prohibited\n", dstno)
			return errEACCES
		}
		if known && int64(ptr.off)-sminVal == int64(int32(int64(ptr.off)-sminVal)) {
			dst.smin, dst.smax, dst.umin, dst.umax = sminPtr, smaxPtr, uminPtr, umaxPtr
			dst.varOff = ptr.varOff
			dst.id = ptr.id
			dst.off = ptr.off - int32(sminVal)
			copyRaw()
			break
		}
		if signedSubOverflows(sminPtr, smaxVal) || signedSubOverflows(smaxPtr, sminVal) {
			dst.smin, dst.smax = math.MinInt64, math.MaxInt64
		} else {
			dst.smin, dst.smax = sminPtr-smaxVal, smaxPtr-sminVal
		}
		if uminPtr < umaxVal {
			dst.umin, dst.umax = 0, math.MaxUint64
		} else {
			dst.umin, dst.umax = uminPtr-umaxVal, umaxPtr-uminVal
		}
		dst.varOff = tnum.Sub(ptr.varOff, off.varOff)
		dst.off = ptr.off
		copyRaw()
		if ptrType.isPktPointer() {
			v.idGen++
			dst.id = v.idGen
			if sminVal < 0 {
				dst.clearUnion()
			}
		}
	case opAND, opOR, opXOR:
		v.verbose("R%d bitwise operator %s on pointer prohibited\n", dstno, aluStrings[op>>4])
		return errEACCES
	default:
		v.verbose("R%d pointer arithmetic with %s operator prohibited\n", dstno, aluStrings[op>>4])
		return errEACCES
	}
	if !v.checkRegSaneOffset(dst, ptrType) {
		return errEINVAL
	}
	dst.boundsSync()
	if err := v.sanitizeCheckBounds(in, dst); err != nil {
		return errEACCES
	}
	if sanitizeNeeded(op) {
		if r := v.sanitizePtrALU(in, dst, off, dst, &info, true); r < 0 {
			return v.sanitizeErr(in, r, off, dst)
		}
	}
	return nil
}
