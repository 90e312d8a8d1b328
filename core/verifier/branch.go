package verifier

import (
	"math/bits"

	"github.com/bpfplay/bpfplay/core/verifier/tnum"
)

// Packet pointers compared against pkt_end carry a negative range once
// the comparison proved them at or beyond the end of the packet.
const (
	atPktEnd     = -1
	beyondPktEnd = -2
	maxPacketOff = 0xffff
)

// forEachReg calls fn for every register of every frame of st, live
// registers first and then the registers spilled to the stack (a slot
// counts as spilled when its lowest byte says so, as Linux iterates).
func forEachReg(st *vstate, fn func(f *funcState, r *regState)) {
	for i := 0; i <= st.curframe; i++ {
		f := st.frame[i]
		for j := range f.regs {
			fn(f, &f.regs[j])
		}
		for j := range f.stack {
			if f.stack[j].slotType[0] == stackSpill {
				fn(f, &f.stack[j].spilledPtr)
			}
		}
	}
}

// typeNotNull reports pointer types that are never NULL, so comparing
// them with 0 has a known outcome.
func typeNotNull(t regType) bool {
	switch t {
	case ptrToSocket, ptrToTCPSock, ptrToMapValue, ptrToMapKey, ptrToSockCommon:
		return true
	}
	return false
}

// branchTaken32 predicts a 32-bit comparison of reg with val: 1 always
// taken, 0 never, -1 unknown.
func branchTaken32(reg *regState, val uint32, op uint8) int {
	sub := tnum.Subreg(reg.varOff)
	sval := int32(val)
	pick := func(always, never bool) int {
		if always {
			return 1
		}
		if never {
			return 0
		}
		return -1
	}
	switch op {
	case opJEQ:
		if sub.IsConst() {
			return b2i(sub.Value == uint64(val))
		}
	case opJNE:
		if sub.IsConst() {
			return b2i(sub.Value != uint64(val))
		}
	case opJSET:
		return pick(sub.Value&^sub.Mask&uint64(val) != 0, (sub.Mask|sub.Value)&uint64(val) == 0)
	case opJGT:
		return pick(reg.u32min > val, reg.u32max <= val)
	case opJSGT:
		return pick(reg.s32min > sval, reg.s32max <= sval)
	case opJLT:
		return pick(reg.u32max < val, reg.u32min >= val)
	case opJSLT:
		return pick(reg.s32max < sval, reg.s32min >= sval)
	case opJGE:
		return pick(reg.u32min >= val, reg.u32max < val)
	case opJSGE:
		return pick(reg.s32min >= sval, reg.s32max < sval)
	case opJLE:
		return pick(reg.u32max <= val, reg.u32min > val)
	case opJSLE:
		return pick(reg.s32max <= sval, reg.s32min > sval)
	}
	return -1
}

// branchTaken64 is branchTaken32 on all 64 bits.
func branchTaken64(reg *regState, val uint64, op uint8) int {
	sval := int64(val)
	pick := func(always, never bool) int {
		if always {
			return 1
		}
		if never {
			return 0
		}
		return -1
	}
	switch op {
	case opJEQ:
		if reg.varOff.IsConst() {
			return b2i(reg.varOff.Value == val)
		}
	case opJNE:
		if reg.varOff.IsConst() {
			return b2i(reg.varOff.Value != val)
		}
	case opJSET:
		return pick(reg.varOff.Value&^reg.varOff.Mask&val != 0, (reg.varOff.Mask|reg.varOff.Value)&val == 0)
	case opJGT:
		return pick(reg.umin > val, reg.umax <= val)
	case opJSGT:
		return pick(reg.smin > sval, reg.smax <= sval)
	case opJLT:
		return pick(reg.umax < val, reg.umin >= val)
	case opJSLT:
		return pick(reg.smax < sval, reg.smin >= sval)
	case opJGE:
		return pick(reg.umin >= val, reg.umax < val)
	case opJSGE:
		return pick(reg.smin >= sval, reg.smax < sval)
	case opJLE:
		return pick(reg.umax <= val, reg.umin > val)
	case opJSLE:
		return pick(reg.smax <= sval, reg.smin > sval)
	}
	return -1
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// branchTaken predicts a comparison of reg with a constant. Pointers that
// cannot be NULL compare unequal to 0; nothing else is known about them.
func branchTaken(reg *regState, val uint64, op uint8, jmp32 bool) int {
	if reg.typ != scalarValue {
		if !typeNotNull(reg.typ) || val != 0 {
			return -1
		}
		switch op {
		case opJEQ:
			return 0
		case opJNE:
			return 1
		}
		return -1
	}
	if jmp32 {
		return branchTaken32(reg, uint32(val), op)
	}
	return branchTaken64(reg, val, op)
}

// flipOp turns "a OP b" into "b OP' a".
func flipOp(op uint8) uint8 {
	switch op {
	case opJEQ, opJNE, opJSET:
		return op
	case opJGE:
		return opJLE
	case opJGT:
		return opJLT
	case opJLE:
		return opJGE
	case opJLT:
		return opJGT
	case opJSGE:
		return opJSLE
	case opJSGT:
		return opJSLT
	case opJSLE:
		return opJSGE
	case opJSLT:
		return opJSGT
	}
	return 0
}

// pktPtrBranchTaken predicts pkt vs pkt_end comparisons for a packet
// pointer already known to be at or beyond the end.
func pktPtrBranchTaken(dst, src *regState, op uint8) int {
	var pkt *regState
	switch {
	case src.typ == ptrToPacketEnd:
		pkt = dst
	case dst.typ == ptrToPacketEnd:
		pkt = src
		op = flipOp(op)
	default:
		return -1
	}
	if pkt.rng >= 0 {
		return -1
	}
	switch op {
	case opJLE, opJGT:
		if pkt.rng == beyondPktEnd {
			return b2i(op == opJGT)
		}
	case opJLT, opJGE:
		if pkt.rng == beyondPktEnd || pkt.rng == atPktEnd {
			return b2i(op == opJGE)
		}
	}
	return -1
}

// regSetMinMax narrows a scalar compared with a constant: trueReg is its
// copy on the branch where the comparison holds, falseReg on the other.
func regSetMinMax(trueReg, falseReg *regState, val uint64, val32 uint32, op uint8, jmp32 bool) {
	if falseReg.typ != scalarValue {
		return
	}
	f32, f64 := tnum.Subreg(falseReg.varOff), falseReg.varOff
	t32, t64 := tnum.Subreg(trueReg.varOff), trueReg.varOff
	sval, sval32 := int64(val), int32(val32)
	switch op {
	case opJEQ:
		if jmp32 {
			trueReg.markKnown32(uint64(val32))
			t32 = tnum.Subreg(trueReg.varOff)
		} else {
			trueReg.setKnownValue(val)
			t64 = trueReg.varOff
		}
	case opJNE:
		if jmp32 {
			falseReg.markKnown32(uint64(val32))
			f32 = tnum.Subreg(falseReg.varOff)
		} else {
			falseReg.setKnownValue(val)
			f64 = falseReg.varOff
		}
	case opJSET:
		falseReg.markUnbounded()
		if jmp32 {
			f32 = tnum.And(f32, tnum.Const(uint64(^val32)))
			if val32 != 0 && bits.OnesCount32(val32) == 1 {
				t32 = tnum.Or(t32, tnum.Const(uint64(val32)))
			}
		} else {
			f64 = tnum.And(f64, tnum.Const(^val))
			if val != 0 && bits.OnesCount64(val) == 1 {
				t64 = tnum.Or(t64, tnum.Const(val))
			}
		}
	case opJGE, opJGT:
		gt := op == opJGT
		if jmp32 {
			fmax, tmin := val32-1, val32
			if gt {
				fmax, tmin = val32, val32+1
			}
			falseReg.u32max = min(falseReg.u32max, fmax)
			trueReg.u32min = max(trueReg.u32min, tmin)
		} else {
			fmax, tmin := val-1, val
			if gt {
				fmax, tmin = val, val+1
			}
			falseReg.umax = min(falseReg.umax, fmax)
			trueReg.umin = max(trueReg.umin, tmin)
		}
	case opJSGE, opJSGT:
		gt := op == opJSGT
		if jmp32 {
			fmax, tmin := sval32-1, sval32
			if gt {
				fmax, tmin = sval32, sval32+1
			}
			falseReg.s32max = min(falseReg.s32max, fmax)
			trueReg.s32min = max(trueReg.s32min, tmin)
		} else {
			fmax, tmin := sval-1, sval
			if gt {
				fmax, tmin = sval, sval+1
			}
			falseReg.smax = min(falseReg.smax, fmax)
			trueReg.smin = max(trueReg.smin, tmin)
		}
	case opJLE, opJLT:
		lt := op == opJLT
		if jmp32 {
			fmin, tmax := val32+1, val32
			if lt {
				fmin, tmax = val32, val32-1
			}
			falseReg.u32min = max(falseReg.u32min, fmin)
			trueReg.u32max = min(trueReg.u32max, tmax)
		} else {
			fmin, tmax := val+1, val
			if lt {
				fmin, tmax = val, val-1
			}
			falseReg.umin = max(falseReg.umin, fmin)
			trueReg.umax = min(trueReg.umax, tmax)
		}
	case opJSLE, opJSLT:
		lt := op == opJSLT
		if jmp32 {
			fmin, tmax := sval32+1, sval32
			if lt {
				fmin, tmax = sval32, sval32-1
			}
			falseReg.s32min = max(falseReg.s32min, fmin)
			trueReg.s32max = min(trueReg.s32max, tmax)
		} else {
			fmin, tmax := sval+1, sval
			if lt {
				fmin, tmax = sval, sval-1
			}
			falseReg.smin = max(falseReg.smin, fmin)
			trueReg.smax = min(trueReg.smax, tmax)
		}
	default:
		return
	}
	if jmp32 {
		falseReg.varOff = tnum.Or(tnum.ClearSubreg(f64), tnum.Subreg(f32))
		trueReg.varOff = tnum.Or(tnum.ClearSubreg(t64), tnum.Subreg(t32))
		falseReg.combine32Into64()
		trueReg.combine32Into64()
	} else {
		falseReg.varOff = f64
		trueReg.varOff = t64
		falseReg.combine64Into32()
		trueReg.combine64Into32()
	}
}

// regSetMinMaxInv is regSetMinMax with the constant on the left.
func regSetMinMaxInv(trueReg, falseReg *regState, val uint64, val32 uint32, op uint8, jmp32 bool) {
	if op = flipOp(op); op != 0 {
		regSetMinMax(trueReg, falseReg, val, val32, op, jmp32)
	}
}

// combineMinMax makes two registers found equal share the intersection
// of what is known about each.
func combineMinMax(a, b *regState) {
	a.umin = max(a.umin, b.umin)
	b.umin = a.umin
	a.umax = min(a.umax, b.umax)
	b.umax = a.umax
	a.smin = max(a.smin, b.smin)
	b.smin = a.smin
	a.smax = min(a.smax, b.smax)
	b.smax = a.smax
	a.varOff = tnum.Intersect(a.varOff, b.varOff)
	b.varOff = a.varOff
	a.boundsSync()
	b.boundsSync()
}

// markPtrOrNull resolves a maybe-NULL pointer with the given id after a
// NULL check: every copy becomes a plain scalar 0 (isNull) or the
// non-NULL pointer type.
func markPtrOrNull(reg *regState, id uint32, isNull bool) {
	if !reg.typ.mayBeNull() || reg.id != id || reg.id == 0 {
		return
	}
	if reg.smin != 0 || reg.smax != 0 || !reg.varOff.EqualsConst(0) || reg.off != 0 {
		return // the kernel warns: such a pointer cannot be NULL-checked
	}
	if isNull {
		reg.typ = scalarValue
		reg.id = 0
		reg.refObjID = 0
		return
	}
	markPtrNotNull(reg)
	// Pointers to map values with a spin lock keep their id (bpfplay's maps
	// have no BTF, so none has one).
	reg.id = 0
}

// markPtrNotNull turns a maybe-NULL pointer into what it points to once
// known not to be NULL. A map-in-map lookup gives the inner map.
func markPtrNotNull(reg *regState) {
	if reg.typ.base() == ptrToMapValue {
		m := reg.mapPtr
		switch {
		case m.inner != nil:
			reg.typ = constPtrToMap
			reg.mapPtr = m.inner
		case m.typ == mapXskmap:
			reg.typ = ptrToXDPSock
		case m.typ == mapSockmap || m.typ == mapSockhash:
			reg.typ = ptrToSocket
		default:
			reg.typ = ptrToMapValue
		}
		return
	}
	reg.typ &^= ptrMaybeNull
}

// markPtrOrNullRegs applies markPtrOrNull to every register of st sharing
// the id of regno; a reference acquired with that id is dropped when the
// pointer is NULL.
func (v *verifier) markPtrOrNullRegs(st *vstate, regno int, isNull bool) {
	f := st.frame[st.curframe]
	reg := &f.regs[regno]
	refID, id := reg.refObjID, reg.id
	if refID != 0 && refID == id && isNull {
		releaseReferenceState(f, id)
	}
	forEachReg(st, func(_ *funcState, r *regState) { markPtrOrNull(r, id, isNull) })
}

// findGoodPktPointers widens the proven range of every packet pointer
// sharing dst's id after a successful check against pkt_end.
func findGoodPktPointers(st *vstate, dst *regState, t regType, rightOpen bool) {
	if dst.off < 0 || (dst.off == 0 && rightOpen) {
		return
	}
	if dst.umax > maxPacketOff || dst.umax+uint64(int64(dst.off)) > maxPacketOff {
		return
	}
	newRange := dst.off
	if rightOpen {
		newRange++
	}
	forEachReg(st, func(_ *funcState, r *regState) {
		if r.typ == t && r.id == dst.id {
			r.rng = max(r.rng, newRange)
		}
	})
}

// markPktEnd records that a packet pointer is at (or beyond) pkt_end.
func markPktEnd(st *vstate, regno int, rangeOpen bool) {
	reg := &st.frame[st.curframe].regs[regno]
	if reg.typ != ptrToPacket {
		return
	}
	if rangeOpen {
		reg.rng = beyondPktEnd
	} else {
		reg.rng = atPktEnd
	}
}

// matchPktPointers handles comparisons of packet pointers with pkt_end
// (or pkt_meta with pkt): the branch where the access is proven safe
// learns the range. It reports whether the comparison was one of those.
func matchPktPointers(in insn, dst, src *regState, this, other *vstate) bool {
	if in.srcBit() != srcX || in.class() == clsJMP32 {
		return false
	}
	// "left" forms: pkt OP pkt_end, or pkt_meta OP pkt.
	left := (dst.typ == ptrToPacket && src.typ == ptrToPacketEnd) ||
		(dst.typ == ptrToPacketMeta && src.isInitPktPointer(ptrToPacket))
	right := (dst.typ == ptrToPacketEnd && src.typ == ptrToPacket) ||
		(dst.isInitPktPointer(ptrToPacket) && src.typ == ptrToPacketMeta)
	if !left && !right {
		return false
	}
	d, s := int(in.dst), int(in.src)
	switch in.op() {
	case opJGT:
		if left {
			findGoodPktPointers(this, dst, dst.typ, false)
			markPktEnd(other, d, true)
		} else {
			findGoodPktPointers(other, src, src.typ, true)
			markPktEnd(this, s, false)
		}
	case opJLT:
		if left {
			findGoodPktPointers(other, dst, dst.typ, true)
			markPktEnd(this, d, false)
		} else {
			findGoodPktPointers(this, src, src.typ, false)
			markPktEnd(other, s, true)
		}
	case opJGE:
		if left {
			findGoodPktPointers(this, dst, dst.typ, true)
			markPktEnd(other, d, false)
		} else {
			findGoodPktPointers(other, src, src.typ, false)
			markPktEnd(this, s, true)
		}
	case opJLE:
		if left {
			findGoodPktPointers(other, dst, dst.typ, false)
			markPktEnd(this, d, true)
		} else {
			findGoodPktPointers(this, src, src.typ, true)
			markPktEnd(other, s, false)
		}
	default:
		return false
	}
	return true
}

// findEqualScalars copies what a comparison taught about a scalar to
// every register that holds the same value (same id).
func findEqualScalars(st *vstate, known *regState) {
	forEachReg(st, func(_ *funcState, r *regState) {
		if r.typ == scalarValue && r.id == known.id {
			def := r.subregDef
			copyRegisterState(r, known)
			r.subregDef = def
		}
	})
}

// checkCondJmpOp checks a conditional jump and explores its outcomes: a
// branch whose outcome is known from the bounds follows only that way;
// otherwise the jump target is pushed for later and both sides learn
// from the comparison.
func (v *verifier) checkCondJmpOp(in insn, insnIdx *int) error {
	this := v.curState
	regs := &this.frame[this.curframe].regs
	op := in.op()
	if op == opJA || op > opJSLE {
		v.verbose("invalid BPF_JMP/JMP32 opcode %x\n", op)
		return errEINVAL
	}
	if err := v.checkRegArg(int(in.dst), srcOp); err != nil {
		return err
	}
	dst := &regs[in.dst]
	var src *regState
	if in.srcBit() == srcX {
		if in.imm != 0 {
			v.verbose("BPF_JMP/JMP32 uses reserved fields\n")
			return errEINVAL
		}
		if err := v.checkRegArg(int(in.src), srcOp); err != nil {
			return err
		}
		src = &regs[in.src]
		if !(dst.isPktPointerAny() && src.isPktPointerAny()) && v.isPointerValue(int(in.src)) {
			v.verbose("R%d pointer comparison prohibited\n", in.src)
			return errEACCES
		}
	} else if in.src != 0 {
		v.verbose("BPF_JMP/JMP32 uses reserved fields\n")
		return errEINVAL
	}
	jmp32 := in.class() == clsJMP32

	pred := -1
	switch {
	case in.srcBit() == srcK:
		pred = branchTaken(dst, uint64(int64(in.imm)), op, jmp32)
	case src.typ == scalarValue && jmp32 && tnum.Subreg(src.varOff).IsConst():
		pred = branchTaken(dst, tnum.Subreg(src.varOff).Value, op, jmp32)
	case src.typ == scalarValue && !jmp32 && src.varOff.IsConst():
		pred = branchTaken(dst, src.varOff.Value, op, jmp32)
	case dst.isPktPointerAny() && src.isPktPointerAny() && !jmp32:
		pred = pktPtrBranchTaken(dst, src, op)
	}
	if pred >= 0 {
		var err error
		if dst.typ == scalarValue {
			err = v.markChainPrecision(int(in.dst))
		}
		if in.srcBit() == srcX && err == nil && src.typ == scalarValue {
			err = v.markChainPrecision(int(in.src))
		}
		if err != nil {
			return err
		}
	}
	switch pred {
	case 1:
		if !v.bypassSpecV1 && v.sanitizeSpeculativePath(&in, *insnIdx+1, *insnIdx) == nil {
			return errEFAULT
		}
		if v.log.level&logLevel1 != 0 || v.log.level&logLevel2 != 0 {
			v.printInsnState(this.frame[this.curframe])
		}
		*insnIdx += int(in.off)
		return nil
	case 0:
		if !v.bypassSpecV1 && v.sanitizeSpeculativePath(&in, *insnIdx+int(in.off)+1, *insnIdx) == nil {
			return errEFAULT
		}
		if v.log.level&(logLevel1|logLevel2) != 0 {
			v.printInsnState(this.frame[this.curframe])
		}
		return nil
	}

	other := v.pushStack(*insnIdx+int(in.off)+1, *insnIdx, false)
	if other == nil {
		return errEFAULT
	}
	oregs := &other.frame[other.curframe].regs
	if in.srcBit() == srcX {
		src = &regs[in.src]
		if dst.typ == scalarValue && src.typ == scalarValue {
			switch {
			case src.varOff.IsConst() || (jmp32 && tnum.Subreg(src.varOff).IsConst()):
				regSetMinMax(&oregs[in.dst], dst, src.varOff.Value, uint32(tnum.Subreg(src.varOff).Value), op, jmp32)
			case dst.varOff.IsConst() || (jmp32 && tnum.Subreg(dst.varOff).IsConst()):
				regSetMinMaxInv(&oregs[in.src], src, dst.varOff.Value, uint32(tnum.Subreg(dst.varOff).Value), op, jmp32)
			case !jmp32 && op == opJEQ:
				combineMinMax(&oregs[in.src], &oregs[in.dst])
			case !jmp32 && op == opJNE:
				combineMinMax(src, dst)
			}
			if src.id != 0 && src.id == oregs[in.src].id {
				findEqualScalars(this, src)
				findEqualScalars(other, &oregs[in.src])
			}
		}
	} else if dst.typ == scalarValue {
		regSetMinMax(&oregs[in.dst], dst, uint64(int64(in.imm)), uint32(in.imm), op, jmp32)
	}
	if dst.typ == scalarValue && dst.id != 0 && dst.id == oregs[in.dst].id {
		findEqualScalars(this, dst)
		findEqualScalars(other, &oregs[in.dst])
	}

	if !jmp32 && in.srcBit() == srcK && in.imm == 0 && (op == opJEQ || op == opJNE) && dst.typ.mayBeNull() {
		v.markPtrOrNullRegs(this, int(in.dst), op == opJNE)
		v.markPtrOrNullRegs(other, int(in.dst), op == opJEQ)
	} else if !matchPktPointers(in, dst, &regs[in.src], this, other) && v.isPointerValue(int(in.dst)) {
		v.verbose("R%d pointer comparison prohibited\n", in.dst)
		return errEACCES
	}
	if v.log.level&(logLevel1|logLevel2) != 0 {
		v.printInsnState(this.frame[this.curframe])
	}
	return nil
}
