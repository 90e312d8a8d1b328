package verifier

import "github.com/bpfplay/bpfplay/core/helpers/proto"

// Dynptrs (6.1): a struct bpf_dynptr is 16 bytes on the stack, two
// slots of type STACK_DYNPTR. The first slot's spilled_ptr carries the
// dynptr's type and the first_slot flag (the kernel's reg union); for
// ringbuf dynptrs both slots carry the reference id.

const (
	dynptrSize    = 16
	dynptrNrSlots = 2

	dynptrInvalid = 0
	dynptrLocal   = 1
	dynptrRingbuf = 2

	dynptrFirstSlot = 0x100
)

// getSpi is get_spi.
func getSpi(off int32) int { return int((-off - 1) / regSize) }

// isSpiBoundsValid is is_spi_bounds_valid.
func isSpiBoundsValid(f *funcState, spi, nr int) bool {
	return spi-nr+1 >= 0 && spi < f.allocatedStack()/regSize
}

func argToDynptrType(at proto.Arg) uint32 {
	switch {
	case at&proto.DynptrLocal != 0:
		return dynptrLocal
	case at&proto.DynptrRingbuf != 0:
		return dynptrRingbuf
	}
	return dynptrInvalid
}

func (v *verifier) regFrame(r *regState) *funcState { return v.curState.frame[r.frameno] }

// markStackSlotsDynptr is mark_stack_slots_dynptr.
func (v *verifier) markStackSlotsDynptr(r *regState, at proto.Arg, insnIdx int) error {
	f := v.regFrame(r)
	spi := getSpi(r.off)
	if !isSpiBoundsValid(f, spi, dynptrNrSlots) {
		return errEINVAL
	}
	for i := range regSize {
		f.stack[spi].slotType[i] = stackDynptr
		f.stack[spi-1].slotType[i] = stackDynptr
	}
	typ := argToDynptrType(at)
	if typ == dynptrInvalid {
		return errEINVAL
	}
	f.stack[spi].spilledPtr.dynptr = typ | dynptrFirstSlot
	f.stack[spi-1].spilledPtr.dynptr = typ
	if typ == dynptrRingbuf {
		id := v.acquireReference(insnIdx)
		f.stack[spi].spilledPtr.id = id
		f.stack[spi-1].spilledPtr.id = id
	}
	return nil
}

// unmarkStackSlotsDynptr is unmark_stack_slots_dynptr.
func (v *verifier) unmarkStackSlotsDynptr(r *regState) error {
	f := v.regFrame(r)
	spi := getSpi(r.off)
	if !isSpiBoundsValid(f, spi, dynptrNrSlots) {
		return errEINVAL
	}
	for i := range regSize {
		f.stack[spi].slotType[i] = stackInvalid
		f.stack[spi-1].slotType[i] = stackInvalid
	}
	if f.stack[spi].spilledPtr.dynptr&^dynptrFirstSlot == dynptrRingbuf {
		if err := v.releaseReference(f.stack[spi].spilledPtr.id); err != nil {
			return err
		}
		f.stack[spi].spilledPtr.id = 0
		f.stack[spi-1].spilledPtr.id = 0
	}
	f.stack[spi].spilledPtr.dynptr = 0
	f.stack[spi-1].spilledPtr.dynptr = 0
	return nil
}

// isDynptrRegValidUninit is is_dynptr_reg_valid_uninit: slots out of
// the allocated stack count as uninitialised.
func (v *verifier) isDynptrRegValidUninit(r *regState) bool {
	f := v.regFrame(r)
	spi := getSpi(r.off)
	if !isSpiBoundsValid(f, spi, dynptrNrSlots) {
		return true
	}
	for i := range regSize {
		if f.stack[spi].slotType[i] == stackDynptr || f.stack[spi-1].slotType[i] == stackDynptr {
			return false
		}
	}
	return true
}

// isDynptrRegValidInit is is_dynptr_reg_valid_init.
func (v *verifier) isDynptrRegValidInit(r *regState) bool {
	f := v.regFrame(r)
	spi := getSpi(r.off)
	if !isSpiBoundsValid(f, spi, dynptrNrSlots) || f.stack[spi].spilledPtr.dynptr&dynptrFirstSlot == 0 {
		return false
	}
	for i := range regSize {
		if f.stack[spi].slotType[i] != stackDynptr || f.stack[spi-1].slotType[i] != stackDynptr {
			return false
		}
	}
	return true
}

// isDynptrTypeExpected is is_dynptr_type_expected.
func (v *verifier) isDynptrTypeExpected(r *regState, at proto.Arg) bool {
	if at == proto.ArgPtrToDynptr {
		return true
	}
	f := v.regFrame(r)
	return f.stack[getSpi(r.off)].spilledPtr.dynptr&^dynptrFirstSlot == argToDynptrType(at)
}

// stackSlotGetID is stack_slot_get_id.
func (v *verifier) stackSlotGetID(r *regState) uint32 {
	return v.regFrame(r).stack[getSpi(r.off)].spilledPtr.id
}
