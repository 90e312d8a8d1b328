package verifier

import "github.com/bpfplay/bpfplay/core/verifier/tnum"

// State pruning. At prune points (jump targets, conditional jumps, the
// instruction after a call...) the verifier compares the current state
// with the states it already proved safe from the same instruction; if
// one of them is at least as general, the current path is safe and its
// exploration stops. Otherwise the current state may become a new
// checkpoint: the registers of the path continue from it, linked to it
// for liveness and precision.

// stateList is one checkpoint kept for pruning, in a bucket of states.
type stateList struct {
	state   *vstate
	next    *stateList
	missCnt int
	hitCnt  int
}

// idPair maps an id of the old state to the id of the current one.
type idPair struct{ old, cur uint32 }

// idMap checks that ids correspond one to one between two states.
type idMap []idPair

// check reports whether old and cur can be the same id: the first time
// an old id is seen it is bound to cur, afterwards it must match.
func (m *idMap) check(old, cur uint32) bool {
	for _, p := range *m {
		if p.old == old {
			return p.cur == cur
		}
	}
	*m = append(*m, idPair{old, cur})
	return true
}

// bucket is the list of checkpoints for instruction idx in the current
// frame: Linux hashes (idx ^ callsite) into as many buckets as the
// program has instructions, so states of different instructions can
// share one (which max_states_per_insn counts).
func (v *verifier) bucket(idx int) **stateList {
	f := v.curFrame()
	h := uint32(int32(idx)^int32(f.callsite)) % uint32(len(v.insns))
	return &v.explored[h]
}

// pushJmpHistory records the step prev -> idx in the current state when
// idx can be reached other than by falling through.
func (v *verifier) pushJmpHistory(st *vstate) {
	if !v.aux[v.insnIdx].jmpPoint {
		return
	}
	st.jmpHistory = append(st.jmpHistory, jmpHistEntry{prevIdx: v.prevInsnIdx, idx: v.insnIdx})
}

// cleanFuncState forgets what no later instruction reads: registers and
// stack slots without a read mark become uninitialised, so the state
// matches more future states. The state is marked done.
func (v *verifier) cleanFuncState(f *funcState) {
	for i := 0; i < regFP; i++ {
		live := f.regs[i].live
		f.regs[i].live |= liveDone
		if live&liveRead == 0 {
			v.markNotInit(&f.regs[i])
		}
	}
	for i := range f.stack {
		live := f.stack[i].spilledPtr.live
		f.stack[i].spilledPtr.live |= liveDone
		if live&liveRead == 0 {
			v.markNotInit(&f.stack[i].spilledPtr)
			f.stack[i].slotType = [regSize]uint8{}
		}
	}
}

// cleanLiveStates cleans the finished checkpoints at insn in the same
// call chain as cur.
func (v *verifier) cleanLiveStates(insn int, cur *vstate) {
	for sl := *v.bucket(insn); sl != nil; sl = sl.next {
		st := sl.state
		if st.branches != 0 || st.insnIdx != insn || st.curframe != cur.curframe {
			continue
		}
		same := true
		for i := 0; i <= cur.curframe; i++ {
			if st.frame[i].callsite != cur.frame[i].callsite {
				same = false
				break
			}
		}
		if !same || st.frame[0].regs[0].live&liveDone != 0 {
			continue
		}
		for i := 0; i <= st.curframe; i++ {
			v.cleanFuncState(st.frame[i])
		}
	}
}

// regsafe reports whether old (a checkpoint's register) covers cur: any
// value cur may hold was allowed by old.
func (v *verifier) regsafe(old, cur *regState, ids *idMap) bool {
	if old.live&liveRead == 0 {
		return true // never read afterwards: anything goes
	}
	equal := old.sameUpToParent(cur)
	if old.typ == ptrToStack {
		return equal && old.frameno == cur.frameno
	}
	if equal {
		return true
	}
	if old.typ == notInit {
		return true
	}
	if cur.typ == notInit {
		return false
	}
	switch old.typ.base() {
	case scalarValue:
		if v.exploreAluLimits {
			return false
		}
		if cur.typ != scalarValue {
			return false
		}
		if !old.precise {
			return true
		}
		return rangeWithin(old, cur) && tnumIn(old, cur)
	case ptrToMapKey, ptrToMapValue:
		if old.typ.mayBeNull() {
			if !cur.typ.mayBeNull() || !old.sameUpToID(cur) {
				return false
			}
			return ids.check(old.id, cur.id)
		}
		return old.sameUpToID(cur) && rangeWithin(old, cur) && tnumIn(old, cur)
	case ptrToPacketMeta, ptrToPacket:
		if cur.typ != old.typ {
			return false
		}
		if old.rng < 0 || cur.rng < 0 {
			if old.rng != cur.rng {
				return false
			}
		} else if old.rng > cur.rng {
			return false
		}
		if old.off != cur.off {
			return false
		}
		if old.id != 0 && !ids.check(old.id, cur.id) {
			return false
		}
		return rangeWithin(old, cur) && tnumIn(old, cur)
	}
	// ctx, map pointers, pkt_end, sockets...: only identical will do.
	return false
}

// stacksafe compares the stacks of two frames byte by byte, looking
// only at slots the old state's continuation reads.
func (v *verifier) stacksafe(old, cur *funcState, ids *idMap) bool {
	oldSize, curSize := old.allocatedStack(), cur.allocatedStack()
	for i := 0; i < oldSize; i++ {
		spi, b := i/regSize, i%regSize
		os := &old.stack[spi]
		if os.spilledPtr.live&liveRead == 0 {
			i += regSize - 1
			continue
		}
		ot := os.slotType[b]
		if ot == stackInvalid {
			continue
		}
		if v.allowUninitStack && ot == stackMisc {
			continue
		}
		if i >= curSize {
			return false
		}
		ct := cur.stack[spi].slotType[b]
		if ot == stackMisc && ct == stackZero {
			continue
		}
		if ot != ct {
			return false
		}
		if b != regSize-1 || !os.isSpilledReg() {
			continue
		}
		if !v.regsafe(&os.spilledPtr, &cur.stack[spi].spilledPtr, ids) {
			return false
		}
	}
	return true
}

// refsafe requires the same acquired references.
func refsafe(old, cur *funcState) bool {
	if len(old.refs) != len(cur.refs) {
		return false
	}
	for i := range old.refs {
		if old.refs[i] != cur.refs[i] {
			return false
		}
	}
	return true
}

func (v *verifier) funcStatesEqual(old, cur *funcState) bool {
	ids := v.idScratch[:0]
	defer func() { v.idScratch = ids[:0] }()
	for i := range old.regs {
		if !v.regsafe(&old.regs[i], &cur.regs[i], &ids) {
			return false
		}
	}
	return v.stacksafe(old, cur, &ids) && refsafe(old, cur)
}

// statesEqual reports whether the checkpoint old covers cur.
func (v *verifier) statesEqual(old, cur *vstate) bool {
	if old.curframe != cur.curframe {
		return false
	}
	if old.speculative && !cur.speculative {
		return false
	}
	if old.activeSpinLock != cur.activeSpinLock {
		return false
	}
	for i := 0; i <= old.curframe; i++ {
		if old.frame[i].callsite != cur.frame[i].callsite {
			return false
		}
		if !v.funcStatesEqual(old.frame[i], cur.frame[i]) {
			return false
		}
	}
	return true
}

// propagateLivenessReg copies a read mark found in a pruned path's
// register to the checkpoint's parentage chain.
func (v *verifier) propagateLivenessReg(reg, parent *regState) (liveness, error) {
	pflag := parent.live & liveRead
	flag := reg.live & liveRead
	if pflag == liveRead64 || flag == 0 || pflag == flag {
		return 0, nil
	}
	if err := v.markRegRead(reg, parent, flag); err != nil {
		return 0, err
	}
	return flag, nil
}

// propagateLiveness: the current path was pruned against the checkpoint
// vstate, so whatever vstate's continuation reads is read by the current
// path's parents too.
func (v *verifier) propagateLiveness(vst, vparent *vstate) error {
	if vparent.curframe != vst.curframe {
		v.verbose("verifier internal error: propagate_live: parent frame %d current frame %d\n", vparent.curframe, vst.curframe)
		return errEFAULT
	}
	for fr := 0; fr <= vst.curframe; fr++ {
		parent, st := vparent.frame[fr], vst.frame[fr]
		first := 0
		if fr < vst.curframe {
			first = 6
		}
		for i := first; i < regFP; i++ {
			flag, err := v.propagateLivenessReg(&st.regs[i], &parent.regs[i])
			if err != nil {
				return err
			}
			if flag == liveRead64 {
				v.markInsnZext(&parent.regs[i])
			}
		}
		for i := 0; i < len(st.stack) && i < len(parent.stack); i++ {
			if _, err := v.propagateLivenessReg(&st.stack[i].spilledPtr, &parent.stack[i].spilledPtr); err != nil {
				return err
			}
		}
	}
	return nil
}

// propagatePrecision: scalars precise in the matched checkpoint must be
// precise along the current path too.
func (v *verifier) propagatePrecision(old *vstate) error {
	for fr := old.curframe; fr >= 0; fr-- {
		f := old.frame[fr]
		for i := 0; i < regFP; i++ {
			r := &f.regs[i]
			if r.typ != scalarValue || !r.precise || r.live&liveRead == 0 {
				continue
			}
			if v.log.level&logLevel2 != 0 {
				v.verbose("frame %d: propagating r%d\n", fr, i)
			}
			if err := v.markChainPrecisionIn(fr, i, -1); err != nil {
				return err
			}
		}
		for i := range f.stack {
			if !f.stack[i].isSpilledReg() {
				continue
			}
			r := &f.stack[i].spilledPtr
			if r.typ != scalarValue || !r.precise || r.live&liveRead == 0 {
				continue
			}
			if v.log.level&logLevel2 != 0 {
				v.verbose("frame %d: propagating fp%d\n", fr, (-i-1)*regSize)
			}
			if err := v.markChainPrecisionIn(fr, -1, i); err != nil {
				return err
			}
		}
	}
	return nil
}

// statesMaybeLooping: the registers of the innermost frame are
// identical, a hint that a loop came back to where it started.
func statesMaybeLooping(old, cur *vstate) bool {
	fr := cur.curframe
	if old.curframe != fr {
		return false
	}
	fo, fc := old.frame[fr], cur.frame[fr]
	for i := range fo.regs {
		if !fo.regs[i].sameUpToParent(&fc.regs[i]) {
			return false
		}
	}
	return true
}

// isStateVisited decides, at instruction insnIdx, whether the current
// path can stop (an equivalent state was proved safe: true) and whether
// to checkpoint the current state.
func (v *verifier) isStateVisited(insnIdx int) (bool, error) {
	cur := v.curState
	addNew := v.testStateFreq
	cur.lastInsnIdx = v.prevInsnIdx
	if !v.aux[insnIdx].prunePoint {
		v.pushJmpHistory(cur)
		return false, nil
	}
	// Checkpoint only every few jumps and instructions: most prune
	// points never match, and states cost memory.
	if v.jmpsProcessed-v.prevJmpsProcessed >= 2 && v.insnProcessed-v.prevInsnProcessed >= 8 {
		addNew = true
	}
	pprev := v.bucket(insnIdx)
	v.cleanLiveStates(insnIdx, cur)
	statesCnt := 0
	for sl := *pprev; sl != nil; {
		statesCnt++
		if sl.state.insnIdx != insnIdx {
			pprev = &sl.next
			sl = *pprev
			continue
		}
		if sl.state.branches != 0 {
			fr := sl.state.frame[sl.state.curframe]
			if fr.inAsyncCallback && fr.asyncEntryCnt != cur.frame[cur.curframe].asyncEntryCnt {
				// a different async callback invocation: not a loop
			} else if statesMaybeLooping(sl.state, cur) && v.statesEqual(sl.state, cur) {
				v.verbose("infinite loop detected at insn %d\n", insnIdx)
				return false, errEINVAL
			}
			// A loop is being explored: checkpoint less often, so
			// that long loops do not flood the state lists.
			if v.jmpsProcessed-v.prevJmpsProcessed < 20 && v.insnProcessed-v.prevInsnProcessed < 100 {
				addNew = false
			}
		} else if v.statesEqual(sl.state, cur) {
			sl.hitCnt++
			err := v.propagateLiveness(sl.state, cur)
			if err == nil {
				v.pushJmpHistory(cur)
				err = v.propagatePrecision(sl.state)
			}
			if err != nil {
				return false, err
			}
			return true, nil
		}
		// a miss
		if addNew {
			sl.missCnt++
		}
		if sl.missCnt > sl.hitCnt*3+3 {
			// This checkpoint keeps failing to match: drop it.
			*pprev = sl.next
			if sl.state.frame[0].regs[0].live&liveDone != 0 {
				v.peakStates--
			}
			sl = *pprev
			continue
		}
		pprev = &sl.next
		sl = *pprev
	}
	if v.maxStatesPerInsn < statesCnt {
		v.maxStatesPerInsn = statesCnt
	}
	if !v.bpfCapable && statesCnt > complexityLimitStates {
		v.pushJmpHistory(cur)
		return false, nil
	}
	if !addNew {
		v.pushJmpHistory(cur)
		return false, nil
	}
	v.totalStates++
	v.peakStates++
	v.prevJmpsProcessed = v.jmpsProcessed
	v.prevInsnProcessed = v.insnProcessed
	if v.bpfCapable {
		// precision inherited from earlier checkpoints is re-derived
		// by backtracking from this one
		setScalarsPrecise(cur, false)
	}
	nst := cloneState(cur)
	nst.insnIdx = insnIdx
	cur.parent = nst
	cur.firstInsnIdx = insnIdx
	cur.jmpHistory = cur.jmpHistory[:0]
	b := v.bucket(insnIdx)
	*b = &stateList{state: nst, next: *b}
	// The current state's registers now descend from the checkpoint,
	// with fresh liveness.
	for j := 0; j <= cur.curframe; j++ {
		f, nf := cur.frame[j], nst.frame[j]
		first := 0
		if j < cur.curframe {
			first = 6
		}
		for i := first; i < regFP; i++ {
			f.regs[i].parent = &nf.regs[i]
		}
		for i := 0; i < regFP; i++ {
			f.regs[i].live = liveNone
		}
		for i := range f.stack {
			f.stack[i].spilledPtr.live = liveNone
			f.stack[i].spilledPtr.parent = &nf.stack[i].spilledPtr
		}
	}
	return false, nil
}

// tnumIn reports whether cur's var_off is within old's.
func tnumIn(old, cur *regState) bool { return tnum.In(old.varOff, cur.varOff) }
