package verifier

// States as data: the UI shows, per instruction, the abstract state the
// verifier saw there, and for a rejection the path that led to it.

// Bounds of the states kept for the UI: a state costs about 2 KB and
// programs the verifier walks a million times would need gigabytes.
const (
	defaultMaxStates = 10000
	maxStatesPerInsn = 8
)

// recordState keeps a snapshot of the current state before the
// instruction at v.insnIdx (bounded by Options.MaxStates), and extends
// the current path.
func (v *verifier) recordState() {
	v.path = append(v.path, v.insnIdx)
	if v.opts.NoStates {
		return
	}
	limit := v.opts.MaxStates
	if limit == 0 {
		limit = defaultMaxStates
	}
	if v.nStates >= limit {
		return
	}
	if v.states == nil {
		v.states = make([][]State, len(v.insns))
	}
	if len(v.states[v.insnIdx]) >= maxStatesPerInsn {
		return
	}
	v.nStates++
	v.states[v.insnIdx] = append(v.states[v.insnIdx], v.snapshot(v.curState))
}

// snapshot converts a verifier state into its public form.
func (v *verifier) snapshot(st *vstate) State {
	s := State{Speculative: st.speculative}
	for i := 0; i <= st.curframe; i++ {
		f := st.frame[i]
		var fs FrameState
		for r := range f.regs {
			reg := &f.regs[r]
			if reg.typ == notInit {
				continue
			}
			fs.Regs = append(fs.Regs, regValue(r, reg))
		}
		for j := range f.stack {
			slot := &f.stack[j]
			var types [regSize]byte
			valid := false
			for k := range regSize {
				if slot.slotType[k] != stackInvalid {
					valid = true
				}
				types[k] = slotTypeChar[slot.slotType[k]]
			}
			if !valid {
				continue
			}
			sv := SlotValue{Off: -(j + 1) * regSize, Types: string(types[:])}
			if slot.isSpilledReg() {
				rv := regValue(-1, &slot.spilledPtr)
				sv.Spill = &rv
			}
			fs.Stack = append(fs.Stack, sv)
		}
		s.Frames = append(s.Frames, fs)
	}
	return s
}

func regValue(regno int, reg *regState) RegValue {
	var b sbuf
	appendRegValue(&b, reg)
	return RegValue{
		Reg: regno, Type: reg.typ.String(), Text: string(b), Off: reg.off, ID: reg.id, Precise: reg.precise,
		Value: reg.varOff.Value, Mask: reg.varOff.Mask,
		SMin: reg.smin, SMax: reg.smax, UMin: reg.umin, UMax: reg.umax,
		S32Min: reg.s32min, S32Max: reg.s32max, U32Min: reg.u32min, U32Max: reg.u32max,
	}
}

// rejectionPath turns the instructions of the rejected path into steps,
// with the direction of each conditional jump.
func (v *verifier) rejectionPath() []PathStep {
	steps := make([]PathStep, len(v.path))
	for i, pc := range v.path {
		steps[i].PC = pc
		if i+1 < len(v.path) && pc < len(v.insns) {
			in := v.insns[pc]
			cls := in.class()
			if (cls == clsJMP || cls == clsJMP32) && in.op() != opJA && in.op() != opCALL && in.op() != opEXIT {
				taken := v.path[i+1] != pc+1
				steps[i].Taken = &taken
			}
		}
	}
	return steps
}
