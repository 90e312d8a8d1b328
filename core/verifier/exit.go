package verifier

import "github.com/bpfplay/bpfplay/core/verifier/tnum"

// sk_lookup verdicts.
const (
	skDrop = 0
	skPass = 1
)

// verboseInvalidScalar logs a return value outside its allowed range.
func (v *verifier) verboseInvalidScalar(reg *regState, rng tnum.T, ctx, name string) {
	v.verbose("At %s the register %s ", ctx, name)
	if !reg.varOff.IsUnknown() {
		v.verbose("has value %s", reg.varOff)
	} else {
		v.verbose("has unknown scalar value")
	}
	v.verbose(" should have been in %s\n", rng)
}

// checkReturnCode checks R0 at the program's final exit against what
// the program type may return.
func (v *verifier) checkReturnCode() error {
	frame := v.curState.frame[0]
	isSubprog := frame.subprogno != 0
	if !isSubprog {
		switch v.progType {
		case progLSM:
			if v.attachType != attachLSMCgroup {
				return nil // void hooks: no BTF, so treated as void
			}
		case progStructOps:
			return nil
		}
	}
	if err := v.checkRegArg(0, srcOp); err != nil {
		return err
	}
	if v.isPointerValue(0) {
		v.verbose("R0 leaks addr as return value\n")
		return errEACCES
	}
	reg := &v.regs()[0]
	if frame.inAsyncCallback {
		if reg.typ != scalarValue {
			v.verbose("In async callback the register R0 is not a known value (%s)\n", reg.typ)
			return errEINVAL
		}
		if zero := tnum.Const(0); !tnum.In(zero, reg.varOff) {
			v.verboseInvalidScalar(reg, zero, "async callback", "R0")
			return errEINVAL
		}
		return nil
	}
	if isSubprog {
		if reg.typ != scalarValue {
			v.verbose("At subprogram exit the register R0 is not a scalar value (%s)\n", reg.typ)
			return errEINVAL
		}
		return nil
	}
	rng := tnum.Range(0, 1)
	enforce := tnum.Unknown
	switch v.progType {
	case progCgroupSockAddr:
		switch v.attachType {
		case attachCgroupUDP4Recvmsg, attachCgroupUDP6Recvmsg, attachCgroupInet4Getpeername,
			attachCgroupInet6Getpeername, attachCgroupInet4Getsockname, attachCgroupInet6Getsockname:
			rng = tnum.Range(1, 1)
		case attachCgroupInet4Bind, attachCgroupInet6Bind:
			rng = tnum.Range(0, 3)
		}
	case progCgroupSkb:
		if v.attachType == attachCgroupInetEgress {
			rng = tnum.Range(0, 3)
			enforce = tnum.Range(2, 3)
		}
	case progCgroupSock, progSockOps, progCgroupDevice, progCgroupSysctl, progCgroupSockopt:
	case progRawTracepoint:
		return nil // no attach_btf_id
	case progTracing:
		switch v.attachType {
		case attachTraceFentry, attachTraceFexit:
			rng = tnum.Const(0)
		case attachTraceRawTp, attachModifyReturn:
			return nil
		case attachTraceIter:
		default:
			return errENOTSUPP
		}
	case progSkLookup:
		rng = tnum.Range(skDrop, skPass)
	case progLSM:
		// BPF_LSM_CGROUP: without BTF the hook is taken as void
		rng = tnum.Range(1, 1)
	default:
		return nil
	}
	if reg.typ != scalarValue {
		v.verbose("At program exit the register R0 is not a known value (%s)\n", reg.typ)
		return errEINVAL
	}
	if !tnum.In(rng, reg.varOff) {
		v.verboseInvalidScalar(reg, rng, "program exit", "R0")
		if v.progType == progLSM && v.attachType == attachLSMCgroup {
			v.verbose("Note, BPF_LSM_CGROUP that attach to void LSM hooks can't modify return value!\n")
		}
		return errEINVAL
	}
	if !enforce.IsUnknown() && tnum.In(enforce, reg.varOff) {
		v.enforceExpectedAttachType = true
	}
	return nil
}

// roundUp32 rounds a frame size up as the kernel lays frames out.
func roundUp32(n int) int { return (max(n, 1) + 31) &^ 31 }

// checkMaxStackDepth checks the combined stack of every call chain
// (512 bytes) and the depth of calls, and marks the subprograms from
// which a tail call is reachable.
func (v *verifier) checkMaxStackDepth() error {
	for i := range v.subprogs {
		if i == 0 || v.subprogs[i].isAsyncCb {
			if err := v.checkMaxStackDepthFrom(i); err != nil {
				return err
			}
		}
	}
	return nil
}

func (v *verifier) checkMaxStackDepthFrom(idx int) error {
	sp := v.subprogs
	var retInsn, retProg [maxCallFrames]int
	depth, frame := 0, 0
	tailCallReachable := false
	i := sp[idx].start
	enter := true
	for {
		if enter {
			if idx != 0 && sp[idx].hasTailCall && depth >= 256 {
				v.verbose("tail_calls are not allowed when call stack of previous frames is %d bytes. Too large\n", depth)
				return errEACCES
			}
			depth += roundUp32(sp[idx].stackDepth)
			if depth > maxBPFStack {
				v.verbose("combined stack size of %d calls is %d. Too large\n", frame+1, depth)
				return errEACCES
			}
		}
		enter = false
		end := v.subprogEnd(idx)
		called := false
		for ; i < end; i++ {
			in := v.insns[i]
			if !isPseudoCall(in) && !isPseudoFunc(in) {
				continue
			}
			retInsn[frame] = i + 1
			retProg[frame] = idx
			next := i + int(in.imm) + 1
			sidx := v.findSubprog(next)
			if sidx < 0 {
				v.verbose("verifier bug. No program starts at insn %d\n", next)
				return errEFAULT
			}
			if sp[sidx].isAsyncCb {
				if sp[sidx].hasTailCall {
					v.verbose("verifier bug. subprog has tail_call and async cb\n")
					return errEFAULT
				}
				if !isPseudoCall(in) {
					continue
				}
			}
			i = next
			idx = sidx
			if sp[idx].hasTailCall {
				tailCallReachable = true
			}
			frame++
			if frame >= maxCallFrames {
				v.verbose("the call stack of %d frames is too deep !\n", frame)
				return errE2BIG
			}
			called = true
			break
		}
		if called {
			enter = true
			continue
		}
		if tailCallReachable {
			for j := 0; j < frame; j++ {
				sp[retProg[j]].tailCallReachable = true
			}
		}
		if frame == 0 {
			return nil
		}
		depth -= roundUp32(sp[idx].stackDepth)
		frame--
		i = retInsn[frame]
		idx = retProg[frame]
	}
}
