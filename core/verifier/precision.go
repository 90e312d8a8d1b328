package verifier

import (
	"errors"
	"math/bits"
)

// Precision tracking. Scalars start imprecise: when two states are
// compared for pruning, an imprecise scalar matches any scalar. Once a
// scalar's exact value matters (pointer arithmetic, a branch decided by
// its bounds, a helper's size argument...), the verifier walks back
// through the instructions of the current path and marks every register
// and spilled stack slot that contributed to it as precise, in the
// checkpointed parent states too, so later pruning compares them by
// value.

// errBacktrackUnsupported stops backtracking at an instruction whose
// effect on precision cannot be followed (a call into a subprogram, a
// legacy packet load...): every scalar of the parents becomes precise.
var errBacktrackUnsupported = errors.New("backtracking not supported")

// markChainPrecision marks regno of the current frame precise, with its
// history.
func (v *verifier) markChainPrecision(regno int) error {
	return v.markChainPrecisionIn(v.curState.curframe, regno, -1)
}

// prevInsnIdx steps back one instruction within the state st using its
// jump history; -1 means the state's first instruction was passed.
func prevInsnIdx(st *vstate, i int, history *int) int {
	cnt := *history
	if i == st.firstInsnIdx {
		if cnt == 0 {
			return -1
		}
		if cnt == 1 && st.jmpHistory[0].idx == i {
			return -1
		}
	}
	if cnt > 0 && st.jmpHistory[cnt-1].idx == i {
		*history = cnt - 1
		return st.jmpHistory[cnt-1].prevIdx
	}
	return i - 1
}

// backtrackInsn updates the set of registers (regMask) and stack slots
// (stackMask) whose precision is wanted before instruction idx, given
// the set wanted after it.
func (v *verifier) backtrackInsn(idx int, regMask *uint32, stackMask *uint64) error {
	in := v.insns[idx]
	cls, op, mode := in.class(), in.op(), in.mode()
	dreg, sreg := uint32(1)<<in.dst, uint32(1)<<in.src
	if in.code == 0 {
		return nil
	}
	if v.log.level&logLevel2 != 0 {
		v.verbose("regs=%x stack=%x before ", *regMask, *stackMask)
		v.verbose("%d: %s", idx, v.insnText(idx))
	}
	switch cls {
	case clsALU, clsALU64:
		if *regMask&dreg == 0 {
			return nil
		}
		switch {
		case op == opEND || op == opNEG:
			// the value came from dst itself
		case op == opMOV:
			*regMask &^= dreg
			if in.srcBit() == srcX {
				*regMask |= sreg
			}
		default:
			if in.srcBit() == srcX {
				*regMask |= sreg
			}
		}
	case clsLDX, clsSTX, clsST:
		fetch := cls == clsSTX && mode == mdATOMIC && in.imm&atomicFetch != 0
		if cls == clsLDX || fetch {
			load, base := dreg, in.src
			if fetch {
				load, base = sreg, in.dst
				if in.imm == atomicCmpxchg {
					load = 1
				}
			}
			if *regMask&load == 0 {
				return nil
			}
			*regMask &^= load
			if base != regFP {
				return nil
			}
			spi := (-int(in.off) - 1) / regSize
			if spi >= 64 || spi < 0 {
				v.verbose("BUG spi %d\n", spi)
				return errEFAULT
			}
			*stackMask |= 1 << spi
			return nil
		}
		if *regMask&dreg != 0 {
			// a register used as a pointer to store through is a
			// pointer, never a scalar to be precise about
			return errBacktrackUnsupported
		}
		if in.dst != regFP {
			return nil
		}
		spi := (-int(in.off) - 1) / regSize
		if spi >= 64 || spi < 0 {
			v.verbose("BUG spi %d\n", spi)
			return errEFAULT
		}
		if *stackMask&(1<<spi) == 0 {
			return nil
		}
		*stackMask &^= 1 << spi
		if cls == clsSTX {
			*regMask |= sreg
		}
	case clsJMP, clsJMP32:
		switch {
		case op == opCALL:
			if in.src == pseudoCall || (in.src == pseudoKfuncCall && in.imm == 0) ||
				(in.src == 0 && isCallbackCallingFunction(in.imm)) {
				return errBacktrackUnsupported
			}
			*regMask &^= 1
			if *regMask&0x3f != 0 {
				v.verbose("BUG regs %x\n", *regMask)
				return errEFAULT
			}
		case op == opEXIT:
			return errBacktrackUnsupported
		case in.srcBit() == srcX:
			if *regMask&(dreg|sreg) == 0 {
				return nil
			}
			*regMask |= sreg | dreg
		}
	case clsLD:
		if *regMask&dreg == 0 {
			return nil
		}
		*regMask &^= dreg
		if mode == mdIND || mode == mdABS {
			return errBacktrackUnsupported
		}
	}
	return nil
}

// isCallbackCallingFunction reports helpers that call back into the
// program (bpf_for_each_map_elem, bpf_timer_set_callback, bpf_find_vma,
// bpf_loop, bpf_user_ringbuf_drain).
func isCallbackCallingFunction(id int32) bool {
	switch id {
	case 164, 170, 180, 181, 209:
		return true
	}
	return false
}

// markAllScalarsPrecise is the fallback when backtracking cannot follow
// a dependency: every scalar in every parent state becomes precise.
func markAllScalarsPrecise(st *vstate) {
	for st = st.parent; st != nil; st = st.parent {
		setScalarsPrecise(st, true)
	}
}

// setScalarsPrecise sets the precise flag of every scalar register and
// spilled scalar of st.
func setScalarsPrecise(st *vstate, precise bool) {
	for i := 0; i <= st.curframe; i++ {
		f := st.frame[i]
		for j := 0; j < regFP; j++ {
			if f.regs[j].typ == scalarValue {
				f.regs[j].precise = precise
			}
		}
		for j := range f.stack {
			if f.stack[j].isSpilledReg() && f.stack[j].spilledPtr.typ == scalarValue {
				f.stack[j].spilledPtr.precise = precise
			}
		}
	}
}

// markChainPrecisionIn marks register regno (or stack slot spi) of frame
// precise in the current state's parents, following the data flow of
// the path backwards.
func (v *verifier) markChainPrecisionIn(frame, regno, spi int) error {
	if !v.bpfCapable {
		return nil
	}
	st := v.curState
	firstIdx, lastIdx := st.firstInsnIdx, v.insnIdx
	var regMask uint32
	var stackMask uint64
	if regno >= 0 {
		regMask = 1 << regno
	}
	if spi >= 0 {
		stackMask = 1 << spi
	}
	newMarks := false
	f := st.frame[frame]
	if regno >= 0 {
		if f.regs[regno].typ != scalarValue {
			v.verbose("verifier internal error: backtracing misuse\n")
			return errEFAULT
		}
		newMarks = true
	}
	if spi >= 0 {
		if spi >= len(f.stack) || !f.stack[spi].isSpilledReg() || f.stack[spi].spilledPtr.typ != scalarValue {
			stackMask = 0
		} else {
			newMarks = true
		}
	}
	if !newMarks || (regMask == 0 && stackMask == 0) {
		return nil
	}
	skipFirst := true
	for {
		history := len(st.jmpHistory)
		if v.log.level&logLevel2 != 0 {
			v.verbose("last_idx %d first_idx %d\n", lastIdx, firstIdx)
		}
		if lastIdx < 0 {
			// The walk reached the entry of a subprogram verified on
			// its own; its arguments are precise by definition.
			if st.curframe == 0 && st.frame[0].subprogno > 0 && st.frame[0].callsite == mainFuncSite &&
				stackMask == 0 && regMask&^0x3e == 0 {
				for i := range 32 {
					if regMask&(1<<i) == 0 {
						continue
					}
					if r := &st.frame[0].regs[i]; r.typ == scalarValue {
						r.precise = true
					}
				}
				return nil
			}
			v.verbose("BUG backtracing func entry subprog %d reg_mask %x stack_mask %x\n",
				st.frame[0].subprogno, regMask, stackMask)
			return errEFAULT
		}
		for i := lastIdx; ; {
			var err error
			if skipFirst {
				skipFirst = false
			} else {
				err = v.backtrackInsn(i, &regMask, &stackMask)
			}
			if err == errBacktrackUnsupported {
				markAllScalarsPrecise(st)
				return nil
			} else if err != nil {
				return err
			}
			if regMask == 0 && stackMask == 0 {
				return nil
			}
			i = prevInsnIdx(st, i, &history)
			if i < 0 {
				break
			}
			if i >= len(v.insns) {
				v.verbose("BUG backtracking idx %d\n", i)
				return errEFAULT
			}
		}
		st = st.parent
		if st == nil {
			break
		}
		newMarks = false
		f = st.frame[frame]
		for m := regMask; m != 0; m &= m - 1 {
			i := bits.TrailingZeros32(m)
			r := &f.regs[i]
			if r.typ != scalarValue {
				regMask &^= 1 << i
				continue
			}
			if !r.precise {
				newMarks = true
			}
			r.precise = true
		}
		for m := stackMask; m != 0; m &= m - 1 {
			i := bits.TrailingZeros64(m)
			if i >= len(f.stack) {
				// The slot was written through a copy of the frame
				// pointer the walk did not recognise; be conservative.
				markAllScalarsPrecise(st)
				return nil
			}
			if !f.stack[i].isSpilledReg() || f.stack[i].spilledPtr.typ != scalarValue {
				stackMask &^= 1 << i
				continue
			}
			r := &f.stack[i].spilledPtr
			if !r.precise {
				newMarks = true
			}
			r.precise = true
		}
		if v.log.level&logLevel2 != 0 {
			had := "already had"
			if newMarks {
				had = "didn't have"
			}
			v.verbose("parent %s regs=%x stack=%x marks:", had, regMask, stackMask)
			v.printState(f, true)
		}
		if regMask == 0 && stackMask == 0 || !newMarks {
			break
		}
		lastIdx = st.lastInsnIdx
		firstIdx = st.firstInsnIdx
	}
	return nil
}

// insnText is the log text of instruction idx (without "idx: ").
func (v *verifier) insnText(idx int) string {
	var next insn
	if idx+1 < len(v.insns) {
		next = v.insns[idx+1]
	}
	return v.printInsn(idx, v.insns[idx], next)
}
