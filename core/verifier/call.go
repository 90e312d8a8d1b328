package verifier

import "github.com/bpfplay/bpfplay/core/verifier/tnum"

// setCalleeFn prepares the registers of a new frame from the caller's.
type setCalleeFn func(caller, callee *funcState, insnIdx int) error

// checkFuncCall checks a bpf-to-bpf call: a new frame whose R1-R5 are the
// caller's arguments.
func (v *verifier) checkFuncCall(in insn, insnIdx *int) error {
	target := *insnIdx + int(in.imm) + 1
	sub := v.findSubprog(target)
	if sub < 0 {
		v.verbose("verifier bug. No program starts at insn %d\n", target)
		return errEFAULT
	}
	return v.enterFunc(in, insnIdx, sub, v.setCalleeState, false)
}

// checkCallbackCall is the frame a helper's callback runs in.
func (v *verifier) checkCallbackCall(in insn, insnIdx *int, sub int, set setCalleeFn) error {
	return v.enterFunc(in, insnIdx, sub, set, true)
}

// enterFunc pushes a frame for subprogram sub and continues there.
func (v *verifier) enterFunc(in insn, insnIdx *int, sub int, set setCalleeFn, callback bool) error {
	st := v.curState
	if st.curframe+1 >= maxCallFrames {
		v.verbose("the call stack of %d frames is too deep\n", st.curframe+2)
		return errE2BIG
	}
	caller := st.frame[st.curframe]
	if st.frame[st.curframe+1] != nil {
		v.verbose("verifier bug. Frame %d already allocated\n", st.curframe+1)
		return errEFAULT
	}
	if callback && !isCallbackCallingFunction(in.imm) {
		v.verbose("verifier bug: helper %s#%d is not marked as callback-calling\n", funcIDName(in.imm), in.imm)
		return errEFAULT
	}
	if in.code == clsJMP|opCALL && in.src == 0 && in.imm == fnTimerSetCallback {
		// Timers need a map value with a bpf_timer, which needs BTF:
		// processTimerFunc has refused the call already.
		v.verbose("verifier bug: timer callback without a timer\n")
		return errEFAULT
	}
	callee := &funcState{}
	st.frame[st.curframe+1] = callee
	v.initFuncState(callee, *insnIdx, st.curframe+1, sub)
	callee.refs = append(callee.refs[:0], caller.refs...)
	if err := set(caller, callee, *insnIdx); err != nil {
		st.frame[st.curframe+1] = nil
		return err
	}
	v.clearCallerSavedRegs(&caller.regs)
	st.curframe++
	*insnIdx = v.subprogs[sub].start - 1
	if v.log.level&(logLevel1|logLevel2) != 0 {
		v.verbose("caller:\n")
		v.printState(caller, true)
		v.verbose("callee:\n")
		v.printState(callee, true)
	}
	return nil
}

// setCalleeState passes R1-R5 to a bpf-to-bpf call.
func (v *verifier) setCalleeState(caller, callee *funcState, _ int) error {
	for i := 1; i <= 5; i++ {
		callee.regs[i] = caller.regs[i]
	}
	return nil
}

// setMapElemCallbackState: bpf_for_each_map_elem's callback gets the map,
// a key, a value and the context argument.
func (v *verifier) setMapElemCallbackState(caller, callee *funcState, insnIdx int) error {
	aux := &v.aux[insnIdx]
	if aux.mapPoison {
		v.verbose("tail_call abusing map_ptr\n")
		return errEINVAL
	}
	m := v.auxMap(aux)
	switch m.typ {
	case mapHash, mapLRUHash, mapPercpuHash, mapLRUPercpuHash, mapArray, mapPercpuArray:
	default:
		v.verbose("callback function not allowed for map\n")
		return errENOTSUPP
	}
	callee.regs[1] = caller.regs[1]
	r2 := &callee.regs[2]
	r2.typ = ptrToMapKey
	r2.markKnownZero()
	r2.mapPtr = caller.regs[1].mapPtr
	r3 := &callee.regs[3]
	r3.typ = ptrToMapValue
	r3.markKnownZero()
	r3.mapPtr = caller.regs[1].mapPtr
	callee.regs[4] = caller.regs[3]
	v.markNotInit(&callee.regs[5])
	callee.inCallbackFn = true
	callee.callbackRetRange = tnum.Range(0, 1)
	return nil
}

// setLoopCallbackState: bpf_loop's callback gets the index and the
// context argument.
func (v *verifier) setLoopCallbackState(caller, callee *funcState, _ int) error {
	callee.regs[1].typ = scalarValue
	callee.regs[2] = caller.regs[3]
	v.markNotInit(&callee.regs[3])
	v.markNotInit(&callee.regs[4])
	v.markNotInit(&callee.regs[5])
	callee.inCallbackFn = true
	callee.callbackRetRange = tnum.Range(0, 1)
	return nil
}

func (v *verifier) setTimerCallbackState(caller, callee *funcState, _ int) error {
	m := caller.regs[1].mapPtr
	for i, t := range []regType{constPtrToMap, ptrToMapKey, ptrToMapValue} {
		r := &callee.regs[i+1]
		r.typ = t
		r.markKnownZero()
		r.mapPtr = m
	}
	v.markNotInit(&callee.regs[4])
	v.markNotInit(&callee.regs[5])
	callee.inAsyncCallback = true
	callee.callbackRetRange = tnum.Range(0, 1)
	return nil
}

func (v *verifier) setFindVMACallbackState(caller, callee *funcState, _ int) error {
	callee.regs[1] = caller.regs[1]
	r2 := &callee.regs[2]
	r2.typ = ptrToBTFID
	r2.markKnownZero()
	r2.btfID = btfIDOf("vm_area_struct")
	callee.regs[3] = caller.regs[4]
	v.markNotInit(&callee.regs[4])
	v.markNotInit(&callee.regs[5])
	callee.inCallbackFn = true
	callee.callbackRetRange = tnum.Range(0, 1)
	return nil
}

func (v *verifier) setUserRingbufCallbackState(caller, callee *funcState, _ int) error {
	v.markNotInit(&callee.regs[0])
	r1 := &callee.regs[1]
	r1.typ = ptrToDynptr | dynptrTypeLocal
	r1.markKnownZero()
	callee.regs[2] = caller.regs[3]
	v.markNotInit(&callee.regs[3])
	v.markNotInit(&callee.regs[4])
	v.markNotInit(&callee.regs[5])
	callee.inCallbackFn = true
	callee.callbackRetRange = tnum.Range(0, 1)
	return nil
}

// prepareFuncExit returns from a subprogram (or callback) to its caller.
func (v *verifier) prepareFuncExit(insnIdx *int) error {
	st := v.curState
	callee := st.frame[st.curframe]
	r0 := &callee.regs[0]
	if r0.typ == ptrToStack {
		v.verbose("cannot return stack pointer to the caller\n")
		return errEINVAL
	}
	caller := st.frame[st.curframe-1]
	if callee.inCallbackFn {
		rng := callee.callbackRetRange
		if r0.typ != scalarValue {
			v.verbose("R0 not a scalar value\n")
			return errEACCES
		}
		err := v.markRegRead(r0, r0.parent, liveRead64)
		if err == nil {
			err = v.markChainPrecision(0)
		}
		if err != nil {
			return err
		}
		if !tnum.In(rng, r0.varOff) {
			v.verboseInvalidScalar(r0, rng, "callback return", "R0")
			return errEINVAL
		}
	} else {
		caller.regs[0] = *r0
	}
	if !callee.inCallbackFn {
		caller.refs = append(caller.refs[:0], callee.refs...)
	}
	*insnIdx = callee.callsite + 1
	if v.log.level&(logLevel1|logLevel2) != 0 {
		v.verbose("returning from callee:\n")
		v.printState(callee, true)
		v.verbose("to caller at %d:\n", *insnIdx)
		v.printState(caller, true)
	}
	st.frame[st.curframe] = nil
	st.curframe--
	return nil
}
