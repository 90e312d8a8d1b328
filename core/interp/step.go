package interp

// Results of step.
const (
	stepNext = iota // go on at v.pc
	stepDone        // the frame the loop was started for exited; r0 is set
	stepStop        // a fault (v.fault) ended the run
)

// step runs the plain instruction at v.pc: everything the dispatch
// loop's fast paths do not do. It leaves the next pc in v.pc; v.left is
// the loop's unused chunk.
func (v *vm) step(base int) int {
	pc := v.pc
	in := &v.prog.plain[pc]
	regs := &v.regs
	next := pc + 1
	switch in.op {
	case opLdxB, opLdxH, opLdxW, opLdxDW, opLdxSB, opLdxSH, opLdxSW:
		n := loadSize(in.op)
		x, ok := v.loadSlow(pc, regs[in.src&15]+in.imm, n)
		if !ok {
			return stepStop
		}
		switch in.op {
		case opLdxSB:
			x = uint64(int64(int8(x)))
		case opLdxSH:
			x = uint64(int64(int16(x)))
		case opLdxSW:
			x = uint64(int64(int32(x)))
		}
		regs[in.dst&15] = x
	case opStxB, opStxH, opStxW, opStxDW:
		if !v.storeSlow(pc, regs[in.dst&15]+in.imm, storeSize(in.op), regs[in.src&15]) {
			return stepStop
		}
	case opStB, opStH, opStW, opStDW:
		if !v.storeSlow(pc, regs[in.dst&15]+uint64(int64(in.off)), storeSize(in.op), in.imm) {
			return stepStop
		}
	case opAtomic32, opAtomic64:
		if !v.atomic(pc, in) {
			return stepStop
		}
	case opLdMapValue, opLdFunc, opLdPseudo:
		x, ok := v.ldImmSlow(pc, in)
		if !ok {
			return stepStop
		}
		regs[in.dst&15] = x
		next = pc + 2
	case opLdAbs, opLdInd:
		x, st := v.ldAbs(pc, in)
		switch st {
		case ldAbsFault:
			return stepStop
		case ldAbsExit:
			// A load outside the packet ends the program with 0.
			regs[0] = 0
			return v.exit(base)
		}
		regs[0] = x
	case opCall:
		v.remaining += v.left
		v.left = 0
		switch v.callHelper(pc, uint32(in.imm)) {
		case actFault:
			return stepStop
		case actTailCall:
			next = 0
		}
	case opCallLocal:
		if !v.call(pc, int(in.off), pc+1) {
			return stepStop
		}
		next = int(in.off)
	case opCallX:
		t := regs[in.dst&15]
		if r := v.sp.at(t); r != nil && r.kind == kindFunc && t&offMask == 0 {
			if fr := r.obj.(funcRef); fr.prog == v.prog {
				if !v.call(pc, fr.pc, pc+1) {
					return stepStop
				}
				next = fr.pc
				break
			}
		}
		if t>>regionShift != 0 || t >= 1<<31 {
			v.setFault(pc, FaultCall, "callx: r"+itoa(int(in.dst))+" is not a function address", t)
			return stepStop
		}
		// A small number: call the helper of that number (the
		// conformance suite's callx convention).
		v.remaining += v.left
		v.left = 0
		switch v.callHelper(pc, uint32(t)) {
		case actFault:
			return stepStop
		case actTailCall:
			next = 0
		}
	case opCallKfunc:
		v.setFault(pc, FaultCall, "kfunc calls are not supported by the interpreter", 0)
		return stepStop
	case opExit:
		return v.exit(base)
	case opEnd:
		if int(in.imm) == v.prog.slots {
			v.setFault(int(in.off), FaultInsn, "fell off the end of the program (last instruction is not exit or jump)", 0)
		} else {
			v.setFault(int(in.off), FaultInsn, "jump out of range to pc "+itoa(int(int64(in.imm))), 0)
		}
		return stepStop
	case opInvalid:
		v.invalid(pc, in)
		return stepStop
	default:
		panic("BUG: step reached with a fast-path instruction")
	}
	v.pc = next
	return stepNext
}

// exit leaves the current frame.
func (v *vm) exit(base int) int {
	v.remaining += v.left
	v.left = 0
	next, done := v.ret(base)
	if done {
		return stepDone
	}
	v.pc = next
	return stepNext
}

func loadSize(op uint8) uint64 {
	switch op {
	case opLdxB, opLdxSB:
		return 1
	case opLdxH, opLdxSH:
		return 2
	case opLdxW, opLdxSW:
		return 4
	}
	return 8
}
