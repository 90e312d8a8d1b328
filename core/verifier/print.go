package verifier

import (
	"math"
	"strconv"
)

func appendLiveness(b *sbuf, live liveness) {
	if live&(liveRead|liveWritten|liveDone) != 0 {
		b.c('_')
	}
	if live&liveRead != 0 {
		b.c('r')
	}
	if live&liveWritten != 0 {
		b.c('w')
	}
	if live&liveDone != 0 {
		b.c('D')
	}
}

// appendRegValue prints a register's value the way print_verifier_state
// does: "P" for a precise scalar, a constant as a number, otherwise the
// type name and the attributes in parentheses.
func appendRegValue(b *sbuf, reg *regState) {
	t := reg.typ
	if t == scalarValue && reg.precise {
		b.c('P')
	}
	if (t == scalarValue || t == ptrToStack) && reg.varOff.IsConst() {
		if t != scalarValue {
			b.s(t.String())
		}
		b.d(int64(reg.varOff.Value + uint64(int64(reg.off))))
		return
	}
	b.s(t.String())
	if t.base() == ptrToBTFID {
		b.s(btfNameOf(reg.btfID))
	}
	b.c('(')
	sep := false
	a := func() {
		if sep {
			b.c(',')
		}
		sep = true
	}
	if reg.id != 0 {
		a()
		b.s("id=")
		b.d(int64(reg.id))
	}
	if mayBeRefcountedOrNull(t) && reg.refObjID != 0 {
		a()
		b.s("ref_obj_id=")
		b.d(int64(reg.refObjID))
	}
	if t != scalarValue {
		a()
		b.s("off=")
		b.d(int64(reg.off))
	}
	if t.isPktPointer() {
		a()
		b.s("r=")
		b.d(int64(reg.rng))
	} else if b2 := t.base(); b2 == constPtrToMap || b2 == ptrToMapKey || b2 == ptrToMapValue {
		a()
		b.s("ks=")
		b.d(int64(reg.mapPtr.KeySize))
		b.s(",vs=")
		b.d(int64(reg.mapPtr.ValueSize))
	}
	if reg.varOff.IsConst() {
		a()
		b.s("imm=")
		b.hex(reg.varOff.Value)
	} else {
		if reg.smin != int64(reg.umin) && reg.smin != math.MinInt64 {
			a()
			b.s("smin=")
			b.d(reg.smin)
		}
		if reg.smax != int64(reg.umax) && reg.smax != math.MaxInt64 {
			a()
			b.s("smax=")
			b.d(reg.smax)
		}
		if reg.umin != 0 {
			a()
			b.s("umin=")
			b.u(reg.umin)
		}
		if reg.umax != math.MaxUint64 {
			a()
			b.s("umax=")
			b.u(reg.umax)
		}
		if !reg.varOff.IsUnknown() {
			a()
			b.s("var_off=(0x")
			b.hex(reg.varOff.Value)
			b.s("; 0x")
			b.hex(reg.varOff.Mask)
			b.c(')')
		}
		if int64(reg.s32min) != reg.smin && reg.s32min != math.MinInt32 {
			a()
			b.s("s32_min=")
			b.d(int64(reg.s32min))
		}
		if int64(reg.s32max) != reg.smax && reg.s32max != math.MaxInt32 {
			a()
			b.s("s32_max=")
			b.d(int64(reg.s32max))
		}
		if uint64(reg.u32min) != reg.umin && reg.u32min != 0 {
			a()
			b.s("u32_min=")
			b.d(int64(int32(reg.u32min)))
		}
		if uint64(reg.u32max) != reg.umax && reg.u32max != math.MaxUint32 {
			a()
			b.s("u32_max=")
			b.d(int64(int32(reg.u32max)))
		}
	}
	b.c(')')
}

// mayBeRefcountedOrNull is reg_type_may_be_refcounted_or_null.
func mayBeRefcountedOrNull(t regType) bool {
	switch t.base() {
	case ptrToSocket, ptrToTCPSock, ptrToMem:
		return true
	}
	return t.base() == ptrToBTFID
}

// printState is print_verifier_state: every register and stack slot of
// the frame when all is set, else only those scratched since the last
// print.
func (v *verifier) printState(st *funcState, all bool) {
	if v.log.level == 0 {
		return
	}
	b := v.scratch[:0]
	defer func() { v.scratch = b[:0] }()
	if st.frameno != 0 {
		b.s(" frame")
		b.d(int64(st.frameno))
		b.c(':')
	}
	for i := range maxBPFReg {
		reg := &st.regs[i]
		if reg.typ == notInit {
			continue
		}
		if !all && v.scratchedRegs&(1<<i) == 0 {
			continue
		}
		b.s(" R")
		b.d(int64(i))
		appendLiveness(&b, reg.live)
		b.c('=')
		appendRegValue(&b, reg)
	}
	for i := range st.stack {
		if !all && (i >= 64 || v.scratchedStack&(1<<uint(i)) == 0) {
			continue
		}
		slot := &st.stack[i]
		valid := false
		var types [regSize]byte
		for j := range regSize {
			if slot.slotType[j] != stackInvalid {
				valid = true
			}
			types[j] = slotTypeChar[slot.slotType[j]]
		}
		if !valid {
			continue
		}
		if !all && v.scratchedStack&(1<<uint(i)) == 0 {
			continue
		}
		b.s(" fp")
		b.d(int64((-i - 1) * regSize))
		appendLiveness(&b, slot.spilledPtr.live)
		b.c('=')
		if slot.isSpilledReg() {
			reg := &slot.spilledPtr
			if reg.typ != scalarValue {
				b.s(reg.typ.String())
			}
			if reg.typ == scalarValue && reg.precise {
				b.c('P')
			}
			if reg.typ == scalarValue && reg.varOff.IsConst() {
				b.d(int64(reg.varOff.Value + uint64(int64(reg.off))))
			}
		} else {
			b = append(b, types[:]...)
		}
	}
	if len(st.refs) > 0 && st.refs[0].id != 0 {
		b.s(" refs=")
		b.d(int64(st.refs[0].id))
		for _, r := range st.refs[1:] {
			if r.id != 0 {
				b.c(',')
				b.d(int64(r.id))
			}
		}
	}
	if st.inCallbackFn {
		b.s(" cb")
	}
	if st.inAsyncCallback {
		b.s(" async_cb")
	}
	b.c('\n')
	v.log.writeBytes(b)
	if !all {
		v.markStateClean()
	}
}

// vlogAlignment is where the "; state" annotation of an instruction line
// starts: column 40, or the next multiple of 8 for long instructions.
func vlogAlignment(pos int) int {
	const minAlign, align = 8, 40
	m := max(pos+minAlign/2, align)
	return (m+minAlign-1)/minAlign*minAlign - pos - 1
}

// printInsnState is print_insn_state: the state after an instruction,
// appended to the instruction's own line when nothing came in between.
func (v *verifier) printInsnState(st *funcState) {
	if v.prevLogLen != 0 && v.prevLogLen == v.log.n {
		v.log.reset(v.prevLogLen - 1)
		// "%*c;" with the alignment as the width and a blank
		printed := v.prevInsnPrintLen
		if printed < 0 { // a token: the line's length with its newline
			b := v.expandInsn(v.printBuf[:0], v.prevInsnPC)
			printed = len(b) + 1
			v.printBuf = b
		}
		w := max(vlogAlignment(printed), 1)
		pad := v.printBuf[:0]
		for range w {
			pad = append(pad, ' ')
		}
		pad = append(pad, ';')
		v.log.writeBytes(pad)
		v.printBuf = pad
	} else {
		b := strconv.AppendInt(v.printBuf[:0], int64(v.insnIdx), 10)
		v.log.writeBytes(append(b, ':'))
		v.printBuf = b
	}
	v.printState(st, false)
}

func (v *verifier) markRegScratched(regno int)     { v.scratchedRegs |= 1 << regno }
func (v *verifier) markStackSlotScratched(spi int) { v.scratchedStack |= 1 << uint(spi) }
func (v *verifier) stateScratched() bool           { return v.scratchedRegs != 0 || v.scratchedStack != 0 }
func (v *verifier) markStateScratched() {
	v.scratchedRegs = ^uint32(0)
	v.scratchedStack = ^uint64(0)
}
func (v *verifier) markStateClean() {
	v.scratchedRegs = 0
	v.scratchedStack = 0
}
