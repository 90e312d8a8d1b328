package verifier

// States as data: the UI shows, per instruction, the abstract state the
// verifier saw there, and for a rejection the path that led to it.

import "unsafe"

// Bounds of the states kept for the UI: a state costs 2 to 30 KB and
// programs the verifier walks a million times would need gigabytes.
const (
	defaultMaxStates     = 4096
	defaultMaxStateBytes = 16 << 20
	maxStatesPerInsn     = 8
)

// recordState keeps a snapshot of the current state before the
// instruction at v.insnIdx (bounded by Options.MaxStates), and extends
// the current path.
func (v *verifier) recordState() {
	v.path = append(v.path, int32(v.insnIdx))
	if v.opts.NoStates {
		return
	}
	limit := v.opts.MaxStates
	if limit == 0 {
		limit = defaultMaxStates
	}
	byteLimit := v.opts.MaxStateBytes
	if byteLimit == 0 {
		byteLimit = defaultMaxStateBytes
	}
	if v.nStates >= limit || v.stateBytes >= byteLimit {
		return
	}
	if v.states == nil {
		v.states = map[int][]State{}
		v.statesLen = len(v.insns)
	}
	if len(v.states[v.insnIdx]) >= maxStatesPerInsn {
		return
	}
	v.nStates++
	snap := v.snapshot(v.curState)
	v.stateBytes += snapshotSize(&snap)
	v.states[v.insnIdx] = append(v.states[v.insnIdx], snap)
}

// snapshotSize is about the memory a snapshot holds.
func snapshotSize(s *State) int {
	n := int(unsafe.Sizeof(*s))
	for i := range s.Frames {
		f := &s.Frames[i]
		n += int(unsafe.Sizeof(*f)) + len(f.Regs)*int(unsafe.Sizeof(RegValue{}))
		for j := range f.Regs {
			n += len(f.Regs[j].Text)
		}
		for j := range f.Stack {
			n += int(unsafe.Sizeof(SlotValue{})) + len(f.Stack[j].Types)
			if sp := f.Stack[j].Spill; sp != nil {
				n += int(unsafe.Sizeof(*sp)) + len(sp.Text)
			}
		}
	}
	return n
}

// snapshot converts a verifier state into its public form. The texts
// of all registers and slot types go into one string, which the fields
// slice, to keep a snapshot to a few allocations.
func (v *verifier) snapshot(st *vstate) State {
	s := State{Speculative: st.speculative, Frames: make([]FrameState, st.curframe+1)}
	buf := v.snapBuf[:0]
	type span struct{ start, end int }
	var regSpans, slotSpans, spillSpans []span
	nregs, nslots := 0, 0
	for i := 0; i <= st.curframe; i++ {
		f := st.frame[i]
		for r := range f.regs {
			if f.regs[r].typ == notInit {
				continue
			}
			start := len(buf)
			buf = appendRegText(buf, &f.regs[r])
			regSpans = append(regSpans, span{start, len(buf)})
			nregs++
		}
		for j := range f.stack {
			slot := &f.stack[j]
			if slot.slotType == [regSize]uint8{} {
				continue
			}
			start := len(buf)
			for k := range regSize {
				buf = append(buf, slotTypeChar[slot.slotType[k]])
			}
			slotSpans = append(slotSpans, span{start, len(buf)})
			start = len(buf)
			if slot.isSpilledReg() {
				buf = appendRegText(buf, &slot.spilledPtr)
			}
			spillSpans = append(spillSpans, span{start, len(buf)})
			nslots++
		}
	}
	text := string(buf)
	v.snapBuf = buf
	regs := make([]RegValue, 0, nregs)
	slots := make([]SlotValue, 0, nslots)
	ri, si := 0, 0
	for i := 0; i <= st.curframe; i++ {
		f := st.frame[i]
		var fs FrameState
		first := len(regs)
		for r := range f.regs {
			reg := &f.regs[r]
			if reg.typ == notInit {
				continue
			}
			regs = append(regs, regValue(r, reg, text[regSpans[ri].start:regSpans[ri].end]))
			ri++
		}
		fs.Regs = regs[first:len(regs):len(regs)]
		first = len(slots)
		for j := range f.stack {
			slot := &f.stack[j]
			if slot.slotType == [regSize]uint8{} {
				continue
			}
			sv := SlotValue{Off: -(j + 1) * regSize, Types: text[slotSpans[si].start:slotSpans[si].end]}
			if slot.isSpilledReg() {
				rv := regValue(-1, &slot.spilledPtr, text[spillSpans[si].start:spillSpans[si].end])
				sv.Spill = &rv
			}
			slots = append(slots, sv)
			si++
		}
		fs.Stack = slots[first:len(slots):len(slots)]
		s.Frames[i] = fs
	}
	return s
}

// appendRegText appends a register's value as the log prints it.
func appendRegText(b []byte, reg *regState) []byte {
	sb := sbuf(b)
	appendRegValue(&sb, reg)
	return sb
}

func regValue(regno int, reg *regState, text string) RegValue {
	return RegValue{
		Reg: regno, Type: reg.typ.String(), Text: text, Off: reg.off, ID: reg.id, Precise: reg.precise,
		Value: reg.varOff.Value, Mask: reg.varOff.Mask,
		SMin: reg.smin, SMax: reg.smax, UMin: reg.umin, UMax: reg.umax,
		S32Min: reg.s32min, S32Max: reg.s32max, U32Min: reg.u32min, U32Max: reg.u32max,
	}
}

// rejectionPath turns the instructions of the rejected path into steps,
// with the direction of each conditional jump.
func (v *verifier) rejectionPath() []PathStep {
	steps := make([]PathStep, len(v.path))
	for i, pc32 := range v.path {
		pc := int(pc32)
		steps[i].PC = pc
		if i+1 < len(v.path) && pc < len(v.insns) {
			in := v.insns[pc]
			cls := in.class()
			if (cls == clsJMP || cls == clsJMP32) && in.op() != opJA && in.op() != opCALL && in.op() != opEXIT {
				taken := int(v.path[i+1]) != pc+1
				steps[i].Taken = &taken
			}
		}
	}
	return steps
}
