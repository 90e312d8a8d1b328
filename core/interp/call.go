package interp

import (
	"errors"
	"fmt"

	"github.com/bpfplay/bpfplay/core/helpers"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/progtype"
)

type action uint8

const (
	actNext action = iota
	actFault
	actTailCall
)

// call enters a bpf-to-bpf function: a new frame with its own stack;
// the caller's r1-r10 are saved and come back on exit (the callee sees
// the arguments in r1-r5).
func (v *vm) call(pc, target, ret int) bool {
	d := v.depth + 1
	if d >= maxFrames {
		v.setFault(pc, FaultCall, fmt.Sprintf("the call stack of %d frames is too deep", d+1), 0)
		return false
	}
	f := &v.frames[d]
	f.prog = v.prog
	f.ret = ret
	f.callback = false
	copy(f.saved[:], v.regs[1:11])
	v.regs[10] = v.stacks[d]
	v.depth = d
	v.maxDepth = max(v.maxDepth, d)
	return true
}

// ret leaves the current frame. done reports the exit of the frame the
// loop was started for (base).
func (v *vm) ret(base int) (int, bool) {
	if v.depth == base {
		return 0, true
	}
	f := &v.frames[v.depth]
	copy(v.regs[1:11], f.saved[:])
	v.depth--
	if p := v.frames[v.depth].prog; p != v.prog {
		v.enter(p)
	}
	return f.ret, false
}

// callHelper runs helper id; bpf_tail_call is the interpreter's own.
func (v *vm) callHelper(pc int, id uint32) action {
	if isa.HelperID(id) == isa.HelperTailCall {
		return v.tailCall(pc)
	}
	f := v.prog.kfuncs[int32(id)]
	if f == nil {
		f = helpers.Lookup(isa.HelperID(id))
	}
	if f == nil {
		name := isa.HelperID(id).String()
		if isa.HelperID(id).Name() == "" {
			v.setFault(pc, FaultCall, fmt.Sprintf("invalid func unknown#%d", id), 0)
		} else {
			v.setFault(pc, FaultCall, fmt.Sprintf("helper %s#%d is not implemented by the interpreter", name, id), 0)
		}
		return actFault
	}
	args := [5]uint64{v.regs[1], v.regs[2], v.regs[3], v.regs[4], v.regs[5]}
	v.helperPC = pc
	r0, err := f(v, &args)
	if v.fault != nil {
		return actFault
	}
	if err != nil {
		v.setFault(pc, FaultHelper, fmt.Sprintf("%s: %v", isa.HelperID(id), err), 0)
		return actFault
	}
	v.regs[0] = r0
	return actNext
}

// tailCall is bpf_tail_call(ctx, prog_array, index): on success the
// target program replaces the running one in the same frame; on any
// failure execution falls through with r0 unchanged, as in Linux.
func (v *vm) tailCall(pc int) action {
	m, err := v.Map(v.regs[2])
	if err != nil {
		v.setFault(pc, FaultHelper, "bpf_tail_call: "+err.Error(), v.regs[2])
		return actFault
	}
	pa, ok := m.(*maps.ProgArrayMap)
	if !ok {
		v.setFault(pc, FaultHelper, fmt.Sprintf("bpf_tail_call: r2 is a %s, not a prog_array", m.Spec().Type), v.regs[2])
		return actFault
	}
	idx := uint32(v.regs[3])
	if idx >= pa.Spec().MaxEntries || v.tails >= MaxTailCalls {
		return actNext
	}
	v.tails++
	target, _ := pa.Prog(idx).(*Program)
	if target == nil {
		return actNext
	}
	v.enter(target)
	v.frames[v.depth].prog = target
	return actTailCall
}

var errFaulted = errors.New("the callback faulted")

// The Machine interface, for helpers.

// Bytes returns checked program memory.
func (v *vm) Bytes(addr, n uint64, write bool) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	b, err := v.sp.bytes(addr, n, write)
	if err == nil && write && v.traceOn {
		v.tracePre.writes = append(v.tracePre.writes, memRef{addr, n})
	}
	return b, err
}

// Map returns the map behind a map pointer.
func (v *vm) Map(addr uint64) (maps.Map, error) {
	if r := v.sp.at(addr); r != nil && r.kind == kindMap && addr&offMask == 0 {
		return r.obj.(maps.Map), nil
	}
	return nil, fmt.Errorf("%#x is not a map pointer", addr)
}

// MapAddr returns the pointer standing for m.
func (v *vm) MapAddr(m maps.Map) uint64 { return v.sp.mapAddr(m, "inner map") }

// ValueAddr maps a map value.
func (v *vm) ValueAddr(m maps.Map, val []byte) uint64 {
	name := "map value"
	for i, pm := range v.prog.Maps {
		if pm == m {
			name = v.prog.mapNames[i] + " value"
		}
	}
	return v.sp.valueAddr(val, name)
}

// RingSample maps a ring buffer reservation.
func (v *vm) RingSample(s *maps.RingSample) uint64 {
	return v.sp.add(kindRingSample, "ringbuf sample", s.Data, true, s)
}

// Sample finds the reservation at addr.
func (v *vm) Sample(addr uint64) (*maps.RingSample, error) {
	if r := v.sp.at(addr); r != nil && r.kind == kindRingSample && addr&offMask == 0 {
		return r.obj.(*maps.RingSample), nil
	}
	return nil, fmt.Errorf("%#x is not a ring buffer sample", addr)
}

// Run returns the runtime context.
func (v *vm) Run() *progtype.Run { return v.env.Ctx }

// CtxAddr is the context's address.
func (v *vm) CtxAddr() uint64 { return v.ctxAddr }

// PacketChanged remaps the packet after a helper moved it.
func (v *vm) PacketChanged() {
	if v.env.Ctx != nil && v.env.Ctx.Ctx != nil {
		v.mapPacket()
	}
}

// State returns the helpers' world.
func (v *vm) State() *helpers.State { return v.state }

// Call runs a callback (bpf_loop, bpf_for_each_map_elem) in a new frame.
func (v *vm) Call(fn uint64, args [5]uint64) (uint64, error) {
	r := v.sp.at(fn)
	if r == nil || r.kind != kindFunc || fn&offMask != 0 {
		return 0, fmt.Errorf("%#x is not a function pointer", fn)
	}
	fr := r.obj.(funcRef)
	pc := v.helperPC
	d := v.depth + 1
	if d >= maxFrames {
		v.setFault(pc, FaultCall, fmt.Sprintf("the call stack of %d frames is too deep", d+1), 0)
		return 0, errFaulted
	}
	f := &v.frames[d]
	f.prog = fr.prog
	f.callback = true
	copy(f.saved[:], v.regs[1:11])
	prev := v.prog
	if fr.prog != v.prog {
		v.enter(fr.prog)
	}
	copy(v.regs[1:6], args[:])
	v.regs[10] = v.stacks[d]
	v.depth = d
	v.maxDepth = max(v.maxDepth, d)
	r0 := v.loop(fr.pc, d)
	copy(v.regs[1:11], f.saved[:])
	v.depth = d - 1
	if v.prog != prev {
		v.enter(prev)
	}
	v.helperPC = pc
	if v.fault != nil {
		return 0, errFaulted
	}
	return r0, nil
}

const (
	skfNetOff = -0x100000
	skfLLOff  = -0x200000
)

type ldAbsStatus uint8

const (
	ldAbsOK ldAbsStatus = iota
	ldAbsExit
	ldAbsFault
)

// ldAbs is LD_ABS/LD_IND: a big-endian load from the skb's packet, with
// Linux's negative offsets (SKF_NET_OFF, SKF_LL_OFF). A load outside the
// packet ends the program with r0 = 0.
func (v *vm) ldAbs(pc int, in *inst) (uint64, ldAbsStatus) {
	var s *progtype.SKB
	if v.env.Ctx != nil {
		s, _ = v.env.Ctx.Ctx.(*progtype.SKB)
	}
	if s == nil {
		v.setFault(pc, FaultInsn, "BPF_LD_[ABS|IND] needs an skb context (socket_filter, sched_cls, ...)", 0)
		return 0, ldAbsFault
	}
	k := int64(int32(in.imm))
	if in.op == opLdInd {
		k = int64(int32(uint32(v.regs[in.src&15]) + uint32(in.imm)))
	}
	size := int64(in.off)
	var b []byte
	switch {
	case k >= 0:
		if k+size <= int64(s.Len()) {
			b = s.Bytes()[k : k+size]
		}
	case k >= skfNetOff || k >= skfLLOff:
		base := int64(s.NetHeader) + k - skfNetOff
		if k < skfNetOff {
			base = int64(s.MacHeader) + k - skfLLOff
		}
		if base >= 0 && base+size <= int64(s.End) {
			b = s.Buf[base : base+size]
		}
	}
	if b == nil {
		return 0, ldAbsExit
	}
	switch size {
	case 1:
		return uint64(b[0]), ldAbsOK
	case 2:
		return uint64(b[0])<<8 | uint64(b[1]), ldAbsOK
	}
	return uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3]), ldAbsOK
}

// Buffer maps a helper's buffer.
func (v *vm) Buffer(b []byte, writable bool) uint64 {
	return v.sp.add(kindHelper, "helper buffer", b, writable, nil)
}
