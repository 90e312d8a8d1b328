package interp

import (
	"encoding/binary"
	"fmt"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/progtype"
)

// loadSlow handles what the fast path does not: the context model,
// and faults.
func (v *vm) loadSlow(pc int, a, n uint64) (uint64, bool) {
	if b, err := v.sp.bytes(a, n, false); err == nil {
		return getN(b, n), true
	}
	if r := v.sp.at(a); r != nil && r.kind == kindCtx && r.obj != nil {
		c := r.obj.(progtype.Context)
		val, kind, err := c.LoadField(int(a&offMask), int(n))
		if err != nil {
			v.setFault(pc, FaultMemory, fmt.Sprintf("ctx access: %v", err), a)
			return 0, false
		}
		return v.ctxPointer(c, int(a&offMask), kind, val), true
	}
	_, err := v.sp.bytes(a, n, false)
	v.setFault(pc, FaultMemory, "invalid "+err.Error(), a)
	return 0, false
}

// ctxPointer turns a pointer field of the context into an address.
func (v *vm) ctxPointer(c progtype.Context, off int, kind progtype.FieldKind, val uint64) uint64 {
	switch kind {
	case progtype.Scalar:
		return val
	case progtype.PtrMem:
		p, ok := c.(progtype.Pointees)
		if !ok {
			return 0
		}
		if a, ok := v.pointees[off]; ok {
			return a
		}
		name, b, w := p.Pointee(off)
		if b == nil {
			return 0
		}
		if v.pointees == nil {
			v.pointees = map[int]uint64{}
		}
		a := v.sp.add(kindCtx, name, b, w, nil)
		v.pointees[off] = a
		return a
	}
	_, meta, data, end := c.Packet()
	switch kind {
	case progtype.PtrPacket:
		return v.packetPtr(data)
	case progtype.PtrPacketEnd:
		if s, ok := c.(*progtype.SKB); ok && s.NoDataEnd {
			return 0
		}
		return v.packetPtr(end)
	case progtype.PtrPacketMeta:
		return v.packetPtr(meta)
	case progtype.PtrFlowKeys:
		if s, ok := c.(*progtype.SKB); ok && s.FlowKeys != nil {
			if v.flowKeys == 0 {
				v.flowKeys = v.sp.add(kindFlowKeys, "flow_keys", s.FlowKeys, true, nil)
			}
			return v.flowKeys
		}
	case progtype.PtrSock:
		if s, ok := c.(*progtype.SKB); ok && s.Sock != nil {
			if v.sock == 0 {
				v.sock = v.sp.add(kindSock, "sk", s.Sock, false, nil)
			}
			return v.sock
		}
	}
	return 0
}

func (v *vm) storeSlow(pc int, a, n, x uint64) bool {
	if b, err := v.sp.bytes(a, n, true); err == nil {
		putN(b, n, x)
		return true
	}
	if r := v.sp.at(a); r != nil && r.kind == kindCtx && r.obj != nil {
		c := r.obj.(progtype.Context)
		if err := c.StoreField(int(a&offMask), int(n), x); err != nil {
			v.setFault(pc, FaultMemory, fmt.Sprintf("ctx access: %v", err), a)
			return false
		}
		return true
	}
	_, err := v.sp.bytes(a, n, true)
	v.setFault(pc, FaultMemory, "invalid "+err.Error(), a)
	return false
}

func getN(b []byte, n uint64) uint64 {
	switch n {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(binary.LittleEndian.Uint16(b))
	case 4:
		return uint64(binary.LittleEndian.Uint32(b))
	}
	return binary.LittleEndian.Uint64(b)
}

func putN(b []byte, n, x uint64) {
	switch n {
	case 1:
		b[0] = byte(x)
	case 2:
		binary.LittleEndian.PutUint16(b, uint16(x))
	case 4:
		binary.LittleEndian.PutUint32(b, uint32(x))
	default:
		binary.LittleEndian.PutUint64(b, x)
	}
}

// atomic executes a BPF_ATOMIC instruction. The operation is in in.off.
func (v *vm) atomic(pc int, in *inst) bool {
	n := uint64(4)
	if in.op == opAtomic64 {
		n = 8
	}
	a := v.regs[in.dst&15] + in.imm
	b, err := v.sp.bytes(a, n, true)
	if err != nil {
		v.setFault(pc, FaultMemory, "invalid atomic "+err.Error(), a)
		return false
	}
	old := getN(b, n)
	src := v.regs[in.src&15]
	op := isa.AtomicOp(uint32(in.off))
	var nv uint64
	switch op &^ isa.AtomicFetch {
	case isa.AtomicAdd:
		nv = old + src
	case isa.AtomicOr:
		nv = old | src
	case isa.AtomicAnd:
		nv = old & src
	case isa.AtomicXor:
		nv = old ^ src
	case isa.AtomicXchg &^ isa.AtomicFetch:
		nv = src
	case isa.AtomicCmpXchg &^ isa.AtomicFetch:
		r0 := v.regs[0]
		if n == 4 {
			r0 = uint64(uint32(r0))
		}
		nv = old
		if old == r0 {
			nv = src
		}
		putN(b, n, nv)
		v.regs[0] = old // 32-bit: zero-extended
		return true
	}
	putN(b, n, nv)
	if op.Fetch() {
		v.regs[in.src&15] = old
	}
	return true
}

// funcRef is the target of a function pointer (ld_imm64 src 4).
type funcRef struct {
	prog *Program
	pc   int
}

func (v *vm) ldImmSlow(pc int, in *inst) (uint64, bool) {
	switch in.op {
	case opLdMapValue:
		m := v.prog.Maps[in.imm]
		val := m.Lookup([]byte{0, 0, 0, 0})
		if val == nil {
			v.setFault(pc, FaultInsn, fmt.Sprintf("map %s has no value to point to (ld_imm64 map value needs an array)", v.prog.mapNames[in.imm]), 0)
			return 0, false
		}
		return v.sp.valueAddr(val, v.prog.mapNames[in.imm]) + uint64(uint32(in.off)), true
	case opLdFunc:
		key := funcRef{prog: v.prog, pc: int(in.off)}
		if a, ok := v.funcs[key]; ok {
			return a, true
		}
		if v.funcs == nil {
			v.funcs = map[funcRef]uint64{}
		}
		a := v.sp.add(kindFunc, fmt.Sprintf("func@%d", in.off), nil, false, key)
		v.funcs[key] = a
		return a, true
	}
	v.setFault(pc, FaultInsn, fmt.Sprintf("ld_imm64 with pseudo source %d (BTF id) cannot run in the interpreter", in.imm), 0)
	return 0, false
}

// invalid reports an instruction that cannot execute.
func (v *vm) invalid(pc int, in *inst) {
	if in.imm == 1 && in.op == opInvalid {
		v.setFault(pc, FaultInsn, "jump into the middle of ld_imm64", 0)
		return
	}
	v.setFault(pc, FaultInsn, fmt.Sprintf("invalid instruction: unknown opcode %02x", uint8(in.imm>>8)), 0)
}
