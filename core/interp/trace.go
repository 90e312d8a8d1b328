package interp

// Step is one executed instruction in a trace: its pc (slot), the
// registers it changed (new values) and the memory it wrote.
type Step struct {
	PC   int        `json:"pc"`
	Regs []RegWrite `json:"regs,omitempty"`
	Mem  []MemWrite `json:"mem,omitempty"`
}

// RegWrite is a register's new value.
type RegWrite struct {
	Reg   int    `json:"reg"`
	Value uint64 `json:"value"`
}

// MemWrite is memory written by a store, an atomic or a helper.
type MemWrite struct {
	Addr   uint64 `json:"addr"`
	Region string `json:"region"`
	Off    int64  `json:"off"`
	Data   []byte `json:"data"`
}

type memRef struct{ addr, n uint64 }

type traceSnap struct {
	pending bool
	pc      int
	regs    [11]uint64
	writes  []memRef
}

// traceBegin starts a step for the instruction at pc, which is about to
// run.
func (v *vm) traceBegin(pc int) {
	if len(v.trace) >= v.traceMax {
		return
	}
	s := &v.tracePre
	s.pending = true
	s.pc = pc
	copy(s.regs[:], v.regs[:11])
	s.writes = s.writes[:0]
	if pc < len(v.prog.plain) {
		in := &v.prog.plain[pc]
		switch in.op {
		case opStxB, opStxH, opStxW, opStxDW, opAtomic32, opAtomic64:
			s.writes = append(s.writes, memRef{v.regs[in.dst&15] + in.imm, storeSize(in.op)})
		case opStB, opStH, opStW, opStDW:
			s.writes = append(s.writes, memRef{v.regs[in.dst&15] + uint64(int64(in.off)), storeSize(in.op)})
		}
	}
}

func storeSize(op uint8) uint64 {
	switch op {
	case opStxB, opStB:
		return 1
	case opStxH, opStH:
		return 2
	case opStxW, opStW, opAtomic32:
		return 4
	}
	return 8
}

// traceFinish records the pending step.
func (v *vm) traceFinish() {
	s := &v.tracePre
	if !s.pending {
		return
	}
	s.pending = false
	st := Step{PC: s.pc}
	for r := 0; r < 11; r++ {
		if v.regs[r] != s.regs[r] {
			st.Regs = append(st.Regs, RegWrite{Reg: r, Value: v.regs[r]})
		}
	}
	for _, w := range s.writes {
		b, err := v.sp.bytes(w.addr, w.n, false)
		if err != nil {
			continue // the store faulted
		}
		name, off := "", int64(w.addr&offMask)
		if r := v.sp.at(w.addr); r != nil {
			name = r.name
			if r.kind == kindStack {
				// Stack offsets read as the program writes them: fp-8.
				name, off = "fp", off-stackSize
				if r.frame > 0 {
					name = "fp#" + itoa(r.frame)
				}
			}
		}
		st.Mem = append(st.Mem, MemWrite{Addr: w.addr, Region: name, Off: off, Data: append([]byte(nil), b...)})
	}
	v.trace = append(v.trace, st)
}
