package verifier

import "strconv"

// Operand kinds for checkRegArg (enum reg_arg_type).
const (
	srcOp       = iota // register used as source operand
	dstOp              // register used as destination operand
	dstOpNoMark        // same as above, check only, don't mark
)

func (v *verifier) curFrame() *funcState { return v.curState.frame[v.curState.curframe] }
func (v *verifier) regs() *[maxBPFReg]regState {
	return &v.curState.frame[v.curState.curframe].regs
}

// funcOf is func(env, reg): the frame a stack pointer points into.
func (v *verifier) funcOf(reg *regState) *funcState {
	return v.curState.frame[reg.frameno]
}

// isReg64 is is_reg64: whether the instruction reads or writes all 64
// bits of the register (for liveness and zero-extension).
func (v *verifier) isReg64(in insn, regno int, reg *regState, t int) bool {
	cls, op := in.class(), in.op()
	if cls == clsJMP {
		if op == opEXIT {
			return true
		}
		if op == opCALL {
			if in.src == pseudoCall {
				return false
			}
			return t == srcOp
		}
	}
	if cls == clsALU64 || cls == clsJMP || (cls == clsALU && op == opEND && in.imm == 64) {
		return true
	}
	if cls == clsALU || cls == clsJMP32 {
		return false
	}
	if cls == clsLDX {
		if t != srcOp {
			return in.size() == szDW
		}
		return true
	}
	if cls == clsSTX {
		if t == srcOp && reg.typ != scalarValue {
			return true
		}
		return in.size() == szDW
	}
	if cls == clsLD {
		if in.mode() == mdIMM {
			return true
		}
		if t != srcOp {
			return false
		}
		return true
	}
	return true
}

func (v *verifier) markInsnZext(reg *regState) {
	d := reg.subregDef
	if d == defNotSubreg {
		return
	}
	v.aux[d-1].zextDst = true
	reg.subregDef = defNotSubreg
}

// markRegRead is mark_reg_read: propagate a read up the parentage chain
// until a write screens it.
func (v *verifier) markRegRead(state, parent *regState, flag liveness) error {
	writes := parent == state.parent
	cnt := 0
	for parent != nil {
		if writes && state.live&liveWritten != 0 {
			break
		}
		if parent.live&liveDone != 0 {
			v.verbose("verifier BUG type %s var_off %d off %d\n", parent.typ, int64(parent.varOff.Value), parent.off)
			return errEFAULT
		}
		if parent.live&liveRead == flag || parent.live&liveRead64 != 0 {
			break
		}
		parent.live |= flag
		if flag == liveRead64 {
			parent.live &^= liveRead32
		}
		state = parent
		parent = state.parent
		writes = true
		cnt++
	}
	if v.longestMarkReadWalk < cnt {
		v.longestMarkReadWalk = cnt
	}
	return nil
}

// checkRegArg is check_reg_arg.
func (v *verifier) checkRegArg(regno int, t int) error {
	if regno >= maxBPFReg {
		v.verbose("R%d is invalid\n", regno)
		return errEINVAL
	}
	v.markRegScratched(regno)
	regs := v.regs()
	reg := &regs[regno]
	rw64 := v.isReg64(v.insns[v.insnIdx], regno, reg, t)
	if t == srcOp {
		if reg.typ == notInit {
			v.verbose("R%d !read_ok\n", regno)
			return errEACCES
		}
		if regno == regFP {
			return nil
		}
		if rw64 {
			v.markInsnZext(reg)
		}
		fl := liveRead32
		if rw64 {
			fl = liveRead64
		}
		return v.markRegRead(reg, reg.parent, fl)
	}
	if regno == regFP {
		v.verbose("frame pointer is read only\n")
		return errEACCES
	}
	reg.live |= liveWritten
	if rw64 {
		reg.subregDef = defNotSubreg
	} else {
		reg.subregDef = int32(v.insnIdx + 1)
	}
	if t == dstOp {
		v.markUnknown(reg)
	}
	return nil
}

// pushStack saves the current state to be explored later from insnIdx.
func (v *verifier) pushStack(insnIdx, prevInsnIdx int, speculative bool) *vstate {
	var elem *stackElem
	if n := len(v.freeElems); n > 0 {
		// reuse a popped element's frames and stack slices
		elem = v.freeElems[n-1]
		v.freeElems = v.freeElems[:n-1]
	} else {
		elem = &stackElem{}
	}
	elem.insnIdx, elem.prevInsnIdx, elem.next = insnIdx, prevInsnIdx, v.head
	elem.logPos, elem.pathLen = v.log.n, len(v.path)
	v.head = elem
	v.stackSize++
	copyState(&elem.st, v.curState)
	elem.st.speculative = elem.st.speculative || speculative
	if v.stackSize > complexityLimitJmpSeq {
		v.verbose("The sequence of %d jumps is too complex.\n", v.stackSize)
		v.curState = nil
		for v.popStack(nil, nil, false) == nil {
		}
		return nil
	}
	if elem.st.parent != nil {
		elem.st.parent.branches++
	}
	return &elem.st
}

// popStack restores the next saved state (pop_stack).
func (v *verifier) popStack(prevInsnIdx, insnIdx *int, popLog bool) error {
	head := v.head
	if head == nil {
		return errENOENT
	}
	if v.curState != nil {
		copyState(v.curState, &head.st)
	}
	if popLog {
		v.log.reset(head.logPos)
	}
	v.path = v.path[:head.pathLen]
	if insnIdx != nil {
		*insnIdx = head.insnIdx
	}
	if prevInsnIdx != nil {
		*prevInsnIdx = head.prevInsnIdx
	}
	v.head = head.next
	v.stackSize--
	head.next = nil
	v.freeElems = append(v.freeElems, head)
	return nil
}

func updateBranchCounts(st *vstate) {
	for st != nil {
		st.branches--
		if st.branches != 0 {
			break
		}
		st = st.parent
	}
}

// initFuncState is init_func_state.
func (v *verifier) initFuncState(f *funcState, callsite, frameno, subprogno int) {
	f.callsite = callsite
	f.frameno = uint32(frameno)
	f.subprogno = subprogno
	f.callbackRetRange = tnumRange(0, 0)
	v.initRegState(f)
	v.markStateScratched()
}

func (v *verifier) initRegState(f *funcState) {
	for i := range f.regs {
		r := &f.regs[i]
		v.markNotInit(r)
		r.live = liveNone
		r.parent = nil
		r.subregDef = defNotSubreg
	}
	fp := &f.regs[regFP]
	fp.typ = ptrToStack
	fp.markKnownZero()
	fp.frameno = uint8(f.frameno)
}

// doCheckMain is do_check_common for the main program.
func (v *verifier) doCheckMain() error {
	v.explored = make([]*stateList, len(v.insns))
	popLog := v.log.level&logLevel2 == 0
	v.passCnt++
	st := &vstate{curframe: 0, branches: 1}
	st.frame[0] = &funcState{}
	v.curState = st
	v.initFuncState(st.frame[0], mainFuncSite, 0, 0)
	st.firstInsnIdx = v.subprogs[0].start
	st.lastInsnIdx = -1
	regs := &st.frame[0].regs
	regs[1].typ = ptrToCtx
	regs[1].markKnownZero()

	err := v.doCheck()
	v.curState = nil
	for v.popStack(nil, nil, false) == nil {
	}
	if err == nil && popLog {
		v.log.reset(0)
	}
	return err
}

// doCheck is do_check: walk every path of the program.
func (v *verifier) doCheck() error {
	popLog := v.log.level&logLevel2 == 0
	doPrintState := false
	prevInsnIdx := -1
	for {
		v.prevInsnIdx = prevInsnIdx
		if v.insnIdx >= len(v.insns) {
			v.verbose("invalid insn idx %d insn_cnt %d\n", v.insnIdx, len(v.insns))
			return errEFAULT
		}
		in := v.insns[v.insnIdx]
		cls := in.class()
		v.insnProcessed++
		if v.insnProcessed > complexityLimitInsns || (v.opts.InsnLimit > 0 && v.insnProcessed > v.opts.InsnLimit) {
			v.verbose("BPF program is too large. Processed %d insn\n", v.insnProcessed)
			return errE2BIG
		}
		seen, err := v.isStateVisited(v.insnIdx)
		if err != nil {
			return err
		}
		if seen {
			if v.log.level&(logLevel1|logLevel2) != 0 {
				if doPrintState {
					spec := ""
					if v.curState.speculative {
						spec = " (speculative execution)"
					}
					v.verbose("\nfrom %d to %d%s: safe\n", v.prevInsnIdx, v.insnIdx, spec)
				} else {
					v.verbose("%d: safe\n", v.insnIdx)
				}
			}
			goto processExit
		}
		if v.log.level&logLevel2 != 0 && doPrintState {
			spec := ""
			if v.curState.speculative {
				spec = " (speculative execution)"
			}
			v.verbose("\nfrom %d to %d%s:", v.prevInsnIdx, v.insnIdx, spec)
			v.printState(v.curFrame(), true)
			doPrintState = false
		}
		if v.log.level&(logLevel1|logLevel2) != 0 {
			if v.stateScratched() {
				v.printInsnState(v.curFrame())
				v.markStateClean()
			}
			v.prevLogLen = v.log.n
			var next insn
			if v.insnIdx+1 < len(v.insns) {
				next = v.insns[v.insnIdx+1]
			}
			if v.log.expand != nil && v.isLoaded(v.insnIdx, in, next) {
				v.log.writeInsn(v.insnIdx)
				v.log.write("\n")
				v.prevInsnPC, v.prevInsnPrintLen = v.insnIdx, -1
			} else {
				b := strconv.AppendInt(v.printBuf[:0], int64(v.insnIdx), 10)
				b = v.appendInsn(append(b, ':', ' '), v.insnIdx, in, next)
				v.log.writeBytes(b)
				v.printBuf = b
				v.prevInsnPrintLen = v.log.n - v.prevLogLen
			}
			v.prevLogLen = v.log.n
		}
		v.recordState()
		v.sanitizeMarkInsnSeen()
		prevInsnIdx = v.insnIdx

		switch cls {
		case clsALU, clsALU64:
			if err := v.checkALUOp(in); err != nil {
				return err
			}
		case clsLDX:
			if err := v.checkLdx(in); err != nil {
				return err
			}
		case clsSTX:
			if in.mode() == mdATOMIC {
				if err := v.checkAtomic(v.insnIdx, in); err != nil {
					return err
				}
				v.insnIdx++
				continue
			}
			if err := v.checkStx(in); err != nil {
				return err
			}
		case clsST:
			if err := v.checkSt(in); err != nil {
				return err
			}
		case clsJMP, clsJMP32:
			op := in.op()
			v.jmpsProcessed++
			switch op {
			case opCALL:
				if in.srcBit() != srcK || (in.src != pseudoKfuncCall && in.off != 0) ||
					(in.src != 0 && in.src != pseudoCall && in.src != pseudoKfuncCall) ||
					in.dst != 0 || cls == clsJMP32 {
					v.verbose("BPF_CALL uses reserved fields\n")
					return errEINVAL
				}
				if v.curState.activeSpinLock != 0 && (in.src == pseudoCall || in.imm != 94) {
					v.verbose("function calls are not allowed while holding a lock\n")
					return errEINVAL
				}
				var err error
				switch in.src {
				case pseudoCall:
					err = v.checkFuncCall(in, &v.insnIdx)
				case pseudoKfuncCall:
					// only id 0 got this far: checked after dead code
					// removal (doMiscFixups)
				default:
					err = v.checkHelperCall(in, &v.insnIdx)
				}
				if err != nil {
					return err
				}
			case opJA:
				if in.srcBit() != srcK || in.src != 0 || in.dst != 0 ||
					(cls == clsJMP && in.imm != 0) || (cls == clsJMP32 && in.off != 0) {
					v.verbose("BPF_JA uses reserved fields\n")
					return errEINVAL
				}
				if cls == clsJMP {
					v.insnIdx += int(in.off) + 1
				} else {
					v.insnIdx += int(in.imm) + 1
				}
				continue
			case opEXIT:
				if in.srcBit() != srcK || in.imm != 0 || in.src != 0 || in.dst != 0 || cls == clsJMP32 {
					v.verbose("BPF_EXIT uses reserved fields\n")
					return errEINVAL
				}
				if v.curState.activeSpinLock != 0 {
					v.verbose("bpf_spin_unlock is missing\n")
					return errEINVAL
				}
				if err := v.checkReferenceLeak(); err != nil {
					return err
				}
				if v.curState.curframe != 0 {
					if err := v.prepareFuncExit(&v.insnIdx); err != nil {
						return err
					}
					doPrintState = true
					continue
				}
				if err := v.checkReturnCode(); err != nil {
					return err
				}
				goto processExit
			default:
				if err := v.checkCondJmpOp(in, &v.insnIdx); err != nil {
					return err
				}
			}
		case clsLD:
			switch in.mode() {
			case mdABS, mdIND:
				if err := v.checkLdAbs(in); err != nil {
					return err
				}
			case mdIMM:
				if err := v.checkLdImm(in); err != nil {
					return err
				}
				v.insnIdx++
				v.sanitizeMarkInsnSeen()
			default:
				v.verbose("invalid BPF_LD mode\n")
				return errEINVAL
			}
		default:
			v.verbose("unknown insn class %d\n", cls)
			return errEINVAL
		}
		v.insnIdx++
		continue

	processExit:
		v.markStateScratched()
		updateBranchCounts(v.curState)
		if err := v.popStack(&prevInsnIdx, &v.insnIdx, popLog); err != nil {
			if err != errENOENT {
				return err
			}
			return nil
		}
		doPrintState = true
	}
}

func (v *verifier) sanitizeMarkInsnSeen() {
	if !v.curState.speculative {
		v.aux[v.insnIdx].seen = int32(v.passCnt)
	}
}

// regTypeMismatchOK reports pointer types a load/store instruction may
// see from different paths (their accesses are rewritten alike).
func regTypeMismatchOK(t regType) bool {
	switch t.base() {
	case ptrToCtx, ptrToSocket, ptrToSockCommon, ptrToTCPSock, ptrToXDPSock, ptrToBTFID:
		return false
	}
	return true
}

func regTypeMismatch(src, prev regType) bool {
	return src != prev && (!regTypeMismatchOK(src) || !regTypeMismatchOK(prev))
}

func (v *verifier) checkLdx(in insn) error {
	if err := v.checkRegArg(int(in.src), srcOp); err != nil {
		return err
	}
	if err := v.checkRegArg(int(in.dst), dstOpNoMark); err != nil {
		return err
	}
	srcType := v.regs()[in.src].typ
	if err := v.checkMemAccess(v.insnIdx, int(in.src), int(in.off), in.size(), bpfRead, int(in.dst), false); err != nil {
		return err
	}
	prev := &v.aux[v.insnIdx].ptrType
	if *prev == notInit {
		*prev = srcType
	} else if regTypeMismatch(srcType, *prev) {
		v.verbose("same insn cannot be used with different pointers\n")
		return errEINVAL
	}
	return nil
}

func (v *verifier) checkStx(in insn) error {
	if in.mode() != mdMEM || in.imm != 0 {
		v.verbose("BPF_STX uses reserved fields\n")
		return errEINVAL
	}
	if err := v.checkRegArg(int(in.src), srcOp); err != nil {
		return err
	}
	if err := v.checkRegArg(int(in.dst), srcOp); err != nil {
		return err
	}
	dstType := v.regs()[in.dst].typ
	if err := v.checkMemAccess(v.insnIdx, int(in.dst), int(in.off), in.size(), bpfWrite, int(in.src), false); err != nil {
		return err
	}
	prev := &v.aux[v.insnIdx].ptrType
	if *prev == notInit {
		*prev = dstType
	} else if regTypeMismatch(dstType, *prev) {
		v.verbose("same insn cannot be used with different pointers\n")
		return errEINVAL
	}
	return nil
}

func (v *verifier) checkSt(in insn) error {
	if in.mode() != mdMEM || in.src != 0 {
		v.verbose("BPF_ST uses reserved fields\n")
		return errEINVAL
	}
	if err := v.checkRegArg(int(in.dst), srcOp); err != nil {
		return err
	}
	if v.isCtxReg(int(in.dst)) {
		v.verbose("BPF_ST stores into R%d %s is not allowed\n", in.dst, v.regs()[in.dst].typ)
		return errEACCES
	}
	return v.checkMemAccess(v.insnIdx, int(in.dst), int(in.off), in.size(), bpfWrite, -1, false)
}
