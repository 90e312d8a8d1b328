package verifier

import (
	"math"

	"github.com/bpfplay/bpfplay/core/verifier/tnum"
)

// defNotSubreg marks a register whose last definition wrote all 64 bits.
const defNotSubreg = 0

// regState is one register's abstract value: the kernel's struct
// bpf_reg_state, field for field. The fields the kernel compares
// byte-wise (up to parent) when it checks two states for equivalence are
// compared by (*regState).sameUpToID / sameUpToParent.
type regState struct {
	// The fields are ordered for size (128 bytes; a frame has eleven
	// registers and a stack slot one, and states are copied at every
	// branch and checkpoint), not as the kernel lays them out.
	mapPtr *mapInfo // union member, with mapUID
	varOff tnum.T
	smin   int64
	smax   int64
	umin   uint64
	umax   uint64
	parent *regState

	typ regType
	off int32

	// The kernel's union: which member means something depends on typ.
	rng       int32 // packet pointers: bytes known to be accessible after off
	mapUID    uint32
	btfID     uint32 // PTR_TO_BTF_ID: which struct, by name (btfIDOf)
	memSize   uint32 // PTR_TO_MEM, PTR_TO_BUF...
	subprogno uint32 // PTR_TO_FUNC
	dynptr    uint32

	id       uint32
	refObjID uint32

	s32min int32
	s32max int32
	u32min uint32
	u32max uint32

	subregDef int32
	frameno   uint8
	live      liveness
	precise   bool
}

// unionEq compares the kernel's union members.
func (r *regState) unionEq(o *regState) bool {
	return r.rng == o.rng && r.mapPtr == o.mapPtr && r.mapUID == o.mapUID && r.btfID == o.btfID &&
		r.memSize == o.memSize && r.subprogno == o.subprogno && r.dynptr == o.dynptr
}

// sameUpToID is memcmp(a, b, offsetof(struct bpf_reg_state, id)).
func (r *regState) sameUpToID(o *regState) bool {
	return r.typ == o.typ && r.off == o.off && r.unionEq(o)
}

// sameUpToParent is memcmp(a, b, offsetof(struct bpf_reg_state, parent)).
func (r *regState) sameUpToParent(o *regState) bool {
	return r.sameUpToID(o) && r.id == o.id && r.refObjID == o.refObjID && r.varOff == o.varOff &&
		r.smin == o.smin && r.smax == o.smax && r.umin == o.umin && r.umax == o.umax &&
		r.s32min == o.s32min && r.s32max == o.s32max && r.u32min == o.u32min && r.u32max == o.u32max
}

// clearUnion zeroes the union members.
func (r *regState) clearUnion() {
	r.rng, r.mapPtr, r.mapUID, r.btfID, r.memSize, r.subprogno, r.dynptr = 0, nil, 0, 0, 0, 0, 0
}

// markKnown is __mark_reg_known: clears off, union, id and ref_obj_id and
// makes the value the constant imm (the type is left alone).
func (r *regState) markKnown(imm uint64) {
	r.off = 0
	r.clearUnion()
	r.id = 0
	r.refObjID = 0
	r.setKnownValue(imm)
}

// setKnownValue is ___mark_reg_known.
func (r *regState) setKnownValue(imm uint64) {
	r.varOff = tnum.Const(imm)
	r.smin, r.smax = int64(imm), int64(imm)
	r.umin, r.umax = imm, imm
	r.s32min, r.s32max = int32(imm), int32(imm)
	r.u32min, r.u32max = uint32(imm), uint32(imm)
}

// markKnown32 is __mark_reg32_known.
func (r *regState) markKnown32(imm uint64) {
	r.varOff = tnum.ConstSubreg(r.varOff, uint32(imm))
	r.s32min, r.s32max = int32(imm), int32(imm)
	r.u32min, r.u32max = uint32(imm), uint32(imm)
}

func (r *regState) markKnownZero() { r.markKnown(0) }

// markConstZero is __mark_reg_const_zero.
func (r *regState) markConstZero() {
	r.markKnown(0)
	r.typ = scalarValue
}

func (r *regState) markUnbounded() {
	r.smin, r.smax = math.MinInt64, math.MaxInt64
	r.umin, r.umax = 0, math.MaxUint64
	r.s32min, r.s32max = math.MinInt32, math.MaxInt32
	r.u32min, r.u32max = 0, math.MaxUint32
}

func (r *regState) mark64Unbounded() {
	r.smin, r.smax = math.MinInt64, math.MaxInt64
	r.umin, r.umax = 0, math.MaxUint64
}

func (r *regState) mark32Unbounded() {
	r.s32min, r.s32max = math.MinInt32, math.MaxInt32
	r.u32min, r.u32max = 0, math.MaxUint32
}

func (r *regState) update32Bounds() {
	v := tnum.Subreg(r.varOff)
	r.s32min = max(r.s32min, int32(uint32(v.Value|(v.Mask&0x80000000))))
	r.s32max = min(r.s32max, int32(uint32(v.Value|(v.Mask&0x7fffffff))))
	r.u32min = max(r.u32min, uint32(v.Value))
	r.u32max = min(r.u32max, uint32(v.Value|v.Mask))
}

func (r *regState) update64Bounds() {
	v := r.varOff
	r.smin = max(r.smin, int64(v.Value|(v.Mask&(1<<63))))
	r.smax = min(r.smax, int64(v.Value|(v.Mask&math.MaxInt64)))
	r.umin = max(r.umin, v.Value)
	r.umax = min(r.umax, v.Value|v.Mask)
}

func (r *regState) updateBounds() {
	r.update32Bounds()
	r.update64Bounds()
}

func (r *regState) deduce32Bounds() {
	if r.s32min >= 0 || r.s32max < 0 {
		a := max(uint32(r.s32min), r.u32min)
		r.s32min, r.u32min = int32(a), a
		b := min(uint32(r.s32max), r.u32max)
		r.s32max, r.u32max = int32(b), b
		return
	}
	if int32(r.u32max) >= 0 {
		r.s32min = int32(r.u32min)
		b := min(uint32(r.s32max), r.u32max)
		r.s32max, r.u32max = int32(b), b
	} else if int32(r.u32min) < 0 {
		a := max(uint32(r.s32min), r.u32min)
		r.s32min, r.u32min = int32(a), a
		r.s32max = int32(r.u32max)
	}
}

func (r *regState) deduce64Bounds() {
	if r.smin >= 0 || r.smax < 0 {
		a := max(uint64(r.smin), r.umin)
		r.smin, r.umin = int64(a), a
		b := min(uint64(r.smax), r.umax)
		r.smax, r.umax = int64(b), b
		return
	}
	if int64(r.umax) >= 0 {
		r.smin = int64(r.umin)
		b := min(uint64(r.smax), r.umax)
		r.smax, r.umax = int64(b), b
	} else if int64(r.umin) < 0 {
		a := max(uint64(r.smin), r.umin)
		r.smin, r.umin = int64(a), a
		r.smax = int64(r.umax)
	}
}

func (r *regState) deduceBounds() {
	r.deduce32Bounds()
	r.deduce64Bounds()
}

// boundOffset is __reg_bound_offset: learn var_off bits from the
// unsigned bounds.
func (r *regState) boundOffset() {
	v64 := tnum.Intersect(r.varOff, tnum.Range(r.umin, r.umax))
	v32 := tnum.Intersect(tnum.Subreg(v64), tnum.Range(uint64(r.u32min), uint64(r.u32max)))
	r.varOff = tnum.Or(tnum.ClearSubreg(v64), v32)
}

// boundsSync is reg_bounds_sync.
func (r *regState) boundsSync() {
	r.updateBounds()
	r.deduceBounds()
	r.boundOffset()
	r.updateBounds()
}

func reg32BoundS64(a int32) bool { return a >= 0 }

// assign32Into64 is __reg_assign_32_into_64.
func (r *regState) assign32Into64() {
	r.umin = uint64(r.u32min)
	r.umax = uint64(r.u32max)
	if reg32BoundS64(r.s32min) && reg32BoundS64(r.s32max) {
		r.smin = int64(r.s32min)
		r.smax = int64(r.s32max)
	} else {
		r.smin = 0
		r.smax = math.MaxUint32
	}
}

// combine32Into64 is __reg_combine_32_into_64.
func (r *regState) combine32Into64() {
	if tnum.ClearSubreg(r.varOff).EqualsConst(0) {
		r.assign32Into64()
	} else {
		r.mark64Unbounded()
	}
	r.boundsSync()
}

func reg64BoundS32(a int64) bool  { return a >= math.MinInt32 && a <= math.MaxInt32 }
func reg64BoundU32(a uint64) bool { return a <= math.MaxUint32 }

// combine64Into32 is __reg_combine_64_into_32.
func (r *regState) combine64Into32() {
	r.mark32Unbounded()
	if reg64BoundS32(r.smin) && reg64BoundS32(r.smax) {
		r.s32min = int32(r.smin)
		r.s32max = int32(r.smax)
	}
	if reg64BoundU32(r.umin) && reg64BoundU32(r.umax) {
		r.u32min = uint32(r.umin)
		r.u32max = uint32(r.umax)
	}
	r.boundsSync()
}

// zext32To64 is zext_32_to_64.
func (r *regState) zext32To64() {
	r.varOff = tnum.Subreg(r.varOff)
	r.assign32Into64()
}

// coerceToSize is coerce_reg_to_size: the value after a load of size
// bytes (or a truncation).
func (r *regState) coerceToSize(size int) {
	r.varOff = tnum.Cast(r.varOff, uint8(size))
	var mask uint64 = math.MaxUint64
	if size < 8 {
		mask = uint64(1)<<(size*8) - 1
	}
	if r.umin&^mask == r.umax&^mask {
		r.umin &= mask
		r.umax &= mask
	} else {
		r.umin = 0
		r.umax = mask
	}
	r.smin = int64(r.umin)
	r.smax = int64(r.umax)
	if size >= 4 {
		return
	}
	r.combine64Into32()
}

// markUnknown is __mark_reg_unknown.
func (v *verifier) markUnknown(r *regState) {
	r.typ = scalarValue
	r.off = 0
	r.clearUnion()
	r.id = 0
	r.refObjID = 0
	r.varOff = tnum.Unknown
	r.frameno = 0
	r.precise = !v.bpfCapable
	r.markUnbounded()
}

// markNotInit is __mark_reg_not_init.
func (v *verifier) markNotInit(r *regState) {
	v.markUnknown(r)
	r.typ = notInit
}

func (r *regState) isConst() bool { return r.typ == scalarValue && r.varOff.IsConst() }

// isPktPointer reports pkt or pkt_meta.
func (r *regState) isPktPointer() bool { return r.typ.isPktPointer() }

// isPktPointerAny includes pkt_end.
func (r *regState) isPktPointerAny() bool { return r.isPktPointer() || r.typ == ptrToPacketEnd }

// isInitPktPointer is reg_is_init_pkt_pointer: unmodified from ctx.
func (r *regState) isInitPktPointer(which regType) bool {
	return r.typ == which && r.id == 0 && r.off == 0 && r.varOff.EqualsConst(0)
}

// rangeWithin is range_within(old, cur).
func rangeWithin(old, cur *regState) bool {
	return old.umin <= cur.umin && old.umax >= cur.umax &&
		old.smin <= cur.smin && old.smax >= cur.smax &&
		old.u32min <= cur.u32min && old.u32max >= cur.u32max &&
		old.s32min <= cur.s32min && old.s32max >= cur.s32max
}
