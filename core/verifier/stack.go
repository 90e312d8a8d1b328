package verifier

import "math/bits"

// The stack: each frame has up to 512 bytes in 8-byte slots, each byte
// typed (invalid, misc, zero, or part of a spilled register). Linux
// 6.1.192 grows a frame's stack when an access is checked, and lets
// privileged programs read bytes they never wrote (allow_uninit_stack).

// growStackState grows the frame to size bytes and raises the
// subprogram's stack depth (its high-water mark, a multiple of 8).
func (v *verifier) growStackState(f *funcState, size int) {
	if f.allocatedStack() >= size {
		return
	}
	f.growStack(size)
	if sp := &v.subprogs[f.subprogno]; sp.stackDepth < size {
		sp.stackDepth = size
	}
}

// stackSlotWithinBounds: writes (and privileged reads) may touch the
// whole 512 bytes, other reads only what was allocated.
func (v *verifier) stackSlotWithinBounds(off int64, f *funcState, t int) bool {
	minValid := int64(-maxBPFStack)
	if t != bpfWrite && !v.allowUninitStack {
		minValid = -int64(f.allocatedStack())
	}
	return off >= minValid && off <= -1
}

// checkStackAccessWithinBounds checks that an access of size bytes at
// regno+off stays within the frame, and grows the frame to cover it.
func (v *verifier) checkStackAccessWithinBounds(regno, off, size int, src, t int) error {
	reg := &v.regs()[regno]
	f := v.funcOf(reg)
	extra := " write to"
	switch {
	case src == accessHelper:
		extra = " indirect access to"
	case t == bpfRead:
		extra = " read from"
	}
	var minOff, maxOff int64
	if reg.varOff.IsConst() {
		minOff = int64(reg.varOff.Value) + int64(off)
		maxOff = minOff + int64(size)
	} else {
		if reg.smax >= maxVarOff || reg.smin <= -maxVarOff {
			v.verbose("invalid unbounded variable-offset%s stack R%d\n", extra, regno)
			return errEACCES
		}
		minOff = reg.smin + int64(off)
		maxOff = reg.smax + int64(off) + int64(size)
	}
	var err error
	switch {
	case !v.stackSlotWithinBounds(minOff, f, t):
		err = errEACCES
	case maxOff > 0:
		err = errEINVAL
	case size < 0:
		err = errEFAULT
	}
	if err != nil {
		if reg.varOff.IsConst() {
			v.verbose("invalid%s stack R%d off=%d size=%d\n", extra, regno, off, size)
		} else {
			v.verbose("invalid variable-offset%s stack R%d var_off=%s size=%d\n", extra, regno, reg.varOff, size)
		}
		return err
	}
	v.growStackState(f, int((-minOff+regSize-1)/regSize*regSize))
	return nil
}

// scrubSpilledSlot turns a byte of a spilled register into misc data.
func scrubSpilledSlot(t *uint8) {
	if *t != stackInvalid {
		*t = stackMisc
	}
}

// saveRegisterState spills reg into slot spi (size bytes of it).
func saveRegisterState(f *funcState, spi int, reg *regState, size int) {
	copyRegisterState(&f.stack[spi].spilledPtr, reg)
	if size == regSize {
		f.stack[spi].spilledPtr.live |= liveWritten
	}
	i := regSize
	for ; i > regSize-size; i-- {
		f.stack[spi].slotType[i-1] = stackSpill
	}
	for ; i > 0; i-- {
		scrubSpilledSlot(&f.stack[spi].slotType[i-1])
	}
}

// checkStackWrite writes size bytes of valueRegno (or an immediate) at
// ptrRegno+off on the stack.
func (v *verifier) checkStackWrite(ptrRegno, off, size, valueRegno, insnIdx int) error {
	reg := &v.regs()[ptrRegno]
	f := v.funcOf(reg)
	if reg.varOff.IsConst() {
		return v.checkStackWriteFixedOff(f, off+int(int64(reg.varOff.Value)), size, valueRegno, insnIdx)
	}
	return v.checkStackWriteVarOff(f, ptrRegno, off, size, valueRegno, insnIdx)
}

func (v *verifier) checkStackWriteFixedOff(st *funcState, off, size, valueRegno, insnIdx int) error {
	slot := -off - 1
	spi := slot / regSize
	in := v.insns[insnIdx]
	if !v.allowPtrLeaks && st.stack[spi].isSpilledReg() && size != regSize {
		v.verbose("attempt to corrupt spilled pointer on stack\n")
		return errEACCES
	}
	cur := v.curFrame()
	var reg *regState
	if valueRegno >= 0 {
		reg = &cur.regs[valueRegno]
	}
	if !v.bypassSpecV4 {
		sanitize := reg != nil && isSpillableRegtype(reg.typ)
		for i := 0; i < size; i++ {
			t := st.stack[spi].slotType[(slot-i)%regSize]
			if t != stackMisc && t != stackZero {
				sanitize = true
				break
			}
		}
		if sanitize {
			v.aux[insnIdx].sanitizeStackSpill = true
		}
	}
	v.markStackSlotScratched(spi)
	isST := in.class() == clsST && in.mode() == mdMEM
	switch {
	case reg != nil && off%regSize == 0 && registerIsBounded(reg) && !registerIsNull(reg) && v.bpfCapable:
		if in.dst != regFP {
			if err := v.markChainPrecision(valueRegno); err != nil {
				return err
			}
		}
		saveRegisterState(st, spi, reg, size)
		// a value wider than the slot written is not the same value
		if bits.Len64(reg.umax) > 8*size {
			st.stack[spi].spilledPtr.id = 0
		}
	case reg == nil && off%regSize == 0 && isST && in.imm != 0 && v.bpfCapable:
		var fake regState
		fake.setKnownValue(uint64(int64(in.imm)))
		fake.typ = scalarValue
		saveRegisterState(st, spi, &fake, size)
	case reg != nil && isSpillableRegtype(reg.typ):
		if size != regSize {
			v.verbose("invalid size of register spill\n")
			return errEACCES
		}
		if st != cur && reg.typ == ptrToStack {
			v.verbose("cannot spill pointers to stack into stack frame of the caller\n")
			return errEINVAL
		}
		saveRegisterState(st, spi, reg, size)
	default:
		typ := stackMisc
		st.stack[spi].spilledPtr.typ = notInit
		if st.stack[spi].isSpilledReg() {
			for i := range regSize {
				scrubSpilledSlot(&st.stack[spi].slotType[i])
			}
		}
		if size == regSize {
			st.stack[spi].spilledPtr.live |= liveWritten
		}
		if (reg != nil && registerIsNull(reg)) || (reg == nil && isST && in.imm == 0) {
			if err := v.markChainPrecision(valueRegno); err != nil {
				return err
			}
			typ = stackZero
		}
		for i := 0; i < size; i++ {
			st.stack[spi].slotType[(slot-i)%regSize] = typ
		}
	}
	return nil
}

// checkStackWriteVarOff writes through a pointer with a variable offset:
// every byte it may touch becomes misc (or stays zero when writing 0).
func (v *verifier) checkStackWriteVarOff(st *funcState, ptrRegno, off, size, valueRegno, insnIdx int) error {
	cur := v.curFrame()
	ptr := &cur.regs[ptrRegno]
	minOff := int(ptr.smin) + off
	maxOff := int(ptr.smax) + off + size
	writingZero := valueRegno >= 0 && registerIsNull(&cur.regs[valueRegno])
	zeroUsed := false
	for i := minOff; i < maxOff; i++ {
		slot := -i - 1
		spi := slot / regSize
		stype := &st.stack[spi].slotType[slot%regSize]
		v.markStackSlotScratched(spi)
		if !v.allowPtrLeaks && *stype != stackMisc && *stype != stackZero {
			v.verbose("spilled ptr in range of var-offset stack write; insn %d, ptr off: %d", insnIdx, i)
			return errEINVAL
		}
		st.stack[spi].spilledPtr.typ = notInit
		newType := stackMisc
		if writingZero && *stype == stackZero {
			newType = stackZero
			zeroUsed = true
		}
		if *stype == stackInvalid && !v.allowUninitStack {
			v.verbose("uninit stack in range of var-offset write prohibited for !root; insn %d, off: %d", insnIdx, i)
			return errEINVAL
		}
		*stype = newType
	}
	if zeroUsed {
		return v.markChainPrecision(valueRegno)
	}
	return nil
}

// checkStackRead reads size bytes at ptrRegno+off into dstRegno (-1: a
// helper reads them).
func (v *verifier) checkStackRead(ptrRegno, off, size, dstRegno int) error {
	reg := &v.regs()[ptrRegno]
	f := v.funcOf(reg)
	varOff := !reg.varOff.IsConst()
	if dstRegno < 0 && varOff {
		v.verbose("variable offset stack pointer cannot be passed into helper function; var_off=%s off=%d size=%d\n", reg.varOff, off, size)
		return errEACCES
	}
	if !varOff {
		return v.checkStackReadFixedOff(f, off+int(int64(reg.varOff.Value)), size, dstRegno)
	}
	if err := v.checkStackRangeInitialized(ptrRegno, off, size, false, accessDirect, nil); err != nil {
		return err
	}
	v.markRegStackRead(f, int(reg.smin)+off, int(reg.smax)+off+size, dstRegno)
	return nil
}

func (v *verifier) checkStackReadFixedOff(rs *funcState, off, size, dstRegno int) error {
	st := v.curFrame()
	slot := -off - 1
	spi := slot / regSize
	stype := &rs.stack[spi].slotType
	reg := &rs.stack[spi].spilledPtr
	if rs.stack[spi].isSpilledReg() {
		spillSize := 1
		for i := regSize - 1; i > 0 && stype[i-1] == stackSpill; i-- {
			spillSize++
		}
		if size != regSize || spillSize != regSize {
			if reg.typ != scalarValue {
				v.verbose("invalid size of register fill\n")
				return errEACCES
			}
			v.markRegRead(reg, reg.parent, liveRead64)
			if dstRegno < 0 {
				return nil
			}
			if off%regSize == 0 && size == spillSize {
				def := st.regs[dstRegno].subregDef
				copyRegisterState(&st.regs[dstRegno], reg)
				st.regs[dstRegno].subregDef = def
			} else {
				for i := 0; i < size; i++ {
					t := stype[(slot-i)%regSize]
					if t == stackSpill || t == stackMisc || (t == stackInvalid && v.allowUninitStack) {
						continue
					}
					v.verbose("invalid read from stack off %d+%d size %d\n", off, i, size)
					return errEACCES
				}
				v.markUnknown(&st.regs[dstRegno])
			}
			st.regs[dstRegno].live |= liveWritten
			return nil
		}
		if dstRegno >= 0 {
			copyRegisterState(&st.regs[dstRegno], reg)
			st.regs[dstRegno].live |= liveWritten
		} else if !v.allowPtrLeaks && reg.typ != scalarValue {
			v.verbose("leaking pointer from stack off %d\n", off)
			return errEACCES
		}
		v.markRegRead(reg, reg.parent, liveRead64)
		return nil
	}
	for i := 0; i < size; i++ {
		t := stype[(slot-i)%regSize]
		if t == stackMisc || t == stackZero || (t == stackInvalid && v.allowUninitStack) {
			continue
		}
		v.verbose("invalid read from stack off %d+%d size %d\n", off, i, size)
		return errEACCES
	}
	v.markRegRead(reg, reg.parent, liveRead64)
	if dstRegno >= 0 {
		v.markRegStackRead(rs, off, off+size, dstRegno)
	}
	return nil
}

// markRegStackRead sets dstRegno from stack bytes [minOff, maxOff): 0
// when they are all known zero, unknown otherwise.
func (v *verifier) markRegStackRead(ptrState *funcState, minOff, maxOff, dstRegno int) {
	st := v.curFrame()
	zeros := 0
	for i := minOff; i < maxOff; i++ {
		slot := -i - 1
		spi := slot / regSize
		if ptrState.stack[spi].slotType[slot%regSize] != stackZero {
			break
		}
		zeros++
	}
	if zeros == maxOff-minOff {
		st.regs[dstRegno].markConstZero()
		st.regs[dstRegno].precise = true
	} else {
		v.markUnknown(&st.regs[dstRegno])
	}
	st.regs[dstRegno].live |= liveWritten
}

// checkStackRangeInitialized checks that stack bytes a helper (or a
// variable-offset load) reads were written; a helper writing into them
// makes them misc.
func (v *verifier) checkStackRangeInitialized(regno, off, accessSize int, zeroOK bool, typ int, meta *callArgMeta) error {
	reg := &v.regs()[regno]
	st := v.funcOf(reg)
	extra := ""
	if typ == accessHelper {
		extra = " indirect"
	}
	if accessSize == 0 && !zeroOK {
		v.verbose("invalid zero-sized read\n")
		return errEACCES
	}
	boundsType, clobber := bpfRead, false
	if typ == accessHelper {
		boundsType, clobber = bpfWrite, true
	}
	if err := v.checkStackAccessWithinBounds(regno, off, accessSize, typ, boundsType); err != nil {
		return err
	}
	var minOff, maxOff int
	if reg.varOff.IsConst() {
		minOff = int(int64(reg.varOff.Value)) + off
		maxOff = minOff
	} else {
		if !v.bypassSpecV1 {
			v.verbose("R%d%s variable offset stack access prohibited for !root, var_off=%s\n", regno, extra, reg.varOff)
			return errEACCES
		}
		if meta != nil && meta.rawMode {
			meta = nil
		}
		minOff = int(reg.smin) + off
		maxOff = int(reg.smax) + off
	}
	if meta != nil && meta.rawMode {
		meta.accessSize = accessSize
		meta.regno = regno
		return nil
	}
	for i := minOff; i < maxOff+accessSize; i++ {
		slot := -i - 1
		spi := slot / regSize
		if st.allocatedStack() <= slot {
			v.verbose("verifier bug: allocated_stack too small")
			return errEFAULT
		}
		stype := &st.stack[spi].slotType[slot%regSize]
		switch {
		case *stype == stackMisc:
		case *stype == stackZero || (*stype == stackInvalid && v.allowUninitStack):
			if clobber {
				*stype = stackMisc
			}
		case st.stack[spi].isSpilledReg() && (st.stack[spi].spilledPtr.typ == scalarValue || v.allowPtrLeaks):
			if clobber {
				v.markUnknown(&st.stack[spi].spilledPtr)
				for j := range regSize {
					scrubSpilledSlot(&st.stack[spi].slotType[j])
				}
			}
		default:
			if reg.varOff.IsConst() {
				v.verbose("invalid%s read from stack R%d off %d+%d size %d\n", extra, regno, minOff, i-minOff, accessSize)
			} else {
				v.verbose("invalid%s read from stack R%d var_off %s+%d size %d\n", extra, regno, reg.varOff, i-minOff, accessSize)
			}
			return errEACCES
		}
		sp := &st.stack[spi].spilledPtr
		v.markRegRead(sp, sp.parent, liveRead64)
	}
	return nil
}
