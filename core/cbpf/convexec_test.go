package cbpf

import (
	"encoding/binary"
	"fmt"

	"github.com/bpfplay/bpfplay/core/isa"
)

// execConverted runs a converted program on skb the way the kernel's
// eBPF interpreter would, with the sk_buff and net_device laid out as in
// Linux 6.1 (the offsets of kernel.go) and the kernel functions the
// conversion calls. It is a test oracle for Convert: for every program
// and packet it must agree with Run. It supports exactly the
// instructions Convert emits.
func execConverted(c *Converted, skb *Skb) (uint32, error) {
	const (
		ctxBase   = 0x10000000
		devBase   = 0x20000000
		dataBase  = 0x30000000
		stackBase = 0x40000000
		stackSize = 512
	)
	ctx := make([]byte, 232)
	le := binary.LittleEndian
	if !skb.NoDev {
		le.PutUint64(ctx[skbDev:], devBase)
	}
	le.PutUint32(ctx[skbLen:], skb.Len())
	le.PutUint16(ctx[skbQueueMapping:], skb.Queue)
	ctx[skbPktTypeOff] = skb.PktType & 7
	if skb.VlanPresent {
		ctx[skbVlanPresOff] = 1
	}
	le.PutUint32(ctx[skbHash:], skb.Hash)
	binary.BigEndian.PutUint16(ctx[skbVlanProto:], skb.VlanProto)
	le.PutUint16(ctx[skbVlanTCI:], skb.VlanTCI)
	le.PutUint32(ctx[skbMark:], skb.Mark)
	binary.BigEndian.PutUint16(ctx[skbProtocol:], skb.Protocol)
	le.PutUint64(ctx[skbData:], dataBase)
	dev := make([]byte, 2432)
	le.PutUint32(dev[devIfIndex:], skb.IfIndex)
	le.PutUint16(dev[devType:], skb.DevType)
	stack := make([]byte, stackSize)

	mem := func(addr uint64, n int) ([]byte, error) {
		for _, r := range []struct {
			base uint64
			b    []byte
		}{{ctxBase, ctx}, {devBase, dev}, {dataBase, skb.Data}, {stackBase, stack}} {
			if addr >= r.base && addr+uint64(n) <= r.base+uint64(len(r.b)) {
				return r.b[addr-r.base : addr-r.base+uint64(n)], nil
			}
		}
		return nil, fmt.Errorf("bad memory access %#x/%d", addr, n)
	}
	var r [11]uint64
	r[1] = ctxBase
	r[10] = stackBase + stackSize
	insns := c.Insns
	for pc, steps := 0, 0; pc < len(insns); pc, steps = pc+1, steps+1 {
		if steps > 1<<20 {
			return 0, fmt.Errorf("runaway")
		}
		in := insns[pc]
		op := in.OpCode
		switch op.Class() {
		case isa.ALUClass, isa.ALU64Class:
			src := uint64(in.Imm)
			if op.Source() == isa.RegSource && op.ALUOp() != isa.End {
				src = r[in.Src]
			}
			d := r[in.Dst]
			is32 := op.Class() == isa.ALUClass
			if is32 {
				d, src = uint64(uint32(d)), uint64(uint32(src))
			}
			switch op.ALUOp() {
			case isa.Add:
				d += src
			case isa.Sub:
				d -= src
			case isa.Mul:
				d *= src
			case isa.Div:
				d /= src // the conversion's zero check must have run
			case isa.Mod:
				d %= src
			case isa.And:
				d &= src
			case isa.Or:
				d |= src
			case isa.Xor:
				d ^= src
			case isa.LSh:
				if is32 {
					d <<= src & 31
				} else {
					d <<= src & 63
				}
			case isa.RSh:
				if is32 {
					d >>= src & 31
				} else {
					d >>= src & 63
				}
			case isa.Neg:
				d = -d
			case isa.Mov:
				d = src
			case isa.End:
				switch in.Imm {
				case 16:
					d = uint64(uint16(d)>>8 | uint16(d)<<8)
				case 32:
					var b [4]byte
					le.PutUint32(b[:], uint32(d))
					d = uint64(binary.BigEndian.Uint32(b[:]))
				}
			default:
				return 0, fmt.Errorf("pc %d: unsupported alu op %#x", pc, op)
			}
			if is32 {
				d = uint64(uint32(d))
			}
			r[in.Dst] = d
		case isa.LdXClass:
			n := map[isa.Size]int{isa.Byte: 1, isa.Half: 2, isa.Word: 4, isa.DWord: 8}[op.Size()]
			b, err := mem(r[in.Src]+uint64(int64(in.Off)), n)
			if err != nil {
				return 0, fmt.Errorf("pc %d: %v", pc, err)
			}
			var v uint64
			for j := n - 1; j >= 0; j-- {
				v = v<<8 | uint64(b[j])
			}
			r[in.Dst] = v
		case isa.StXClass:
			b, err := mem(r[in.Dst]+uint64(int64(in.Off)), 4)
			if err != nil {
				return 0, fmt.Errorf("pc %d: %v", pc, err)
			}
			le.PutUint32(b, uint32(r[in.Src]))
		case isa.JumpClass:
			switch {
			case op == isa.OpExit:
				return uint32(r[0]), nil
			case op == isa.OpJa:
				pc += int(in.Off)
				continue
			case op == isa.OpCall:
				f, ok := KernelFuncByImm(int32(in.Imm))
				if !ok {
					return 0, fmt.Errorf("pc %d: call of unknown function %d", pc, in.Imm)
				}
				r[0] = callKernelFunc(f, skb, r[1:6])
				for j := 1; j <= 5; j++ {
					r[j] = 0xdeadbeefdeadbeef // clobbered
				}
				continue
			}
			a := r[in.Dst]
			b := uint64(in.Imm)
			if op.Source() == isa.RegSource {
				b = r[in.Src]
			}
			var t bool
			switch op.JumpOp() {
			case isa.JEq:
				t = a == b
			case isa.JNE:
				t = a != b
			case isa.JGT:
				t = a > b
			case isa.JGE:
				t = a >= b
			case isa.JLT:
				t = a < b
			case isa.JLE:
				t = a <= b
			case isa.JSet:
				t = a&b != 0
			case isa.JSLT:
				t = int64(a) < int64(b)
			case isa.JSGE:
				t = int64(a) >= int64(b)
			default:
				return 0, fmt.Errorf("pc %d: unsupported jump %#x", pc, op)
			}
			if t {
				pc += int(in.Off)
			}
		default:
			return 0, fmt.Errorf("pc %d: unsupported class %#x", pc, op)
		}
	}
	return 0, fmt.Errorf("fell off the end")
}

// callKernelFunc is what the kernel functions the conversion calls
// return, in terms of the Skb model; -EFAULT (as u64) for a failed load.
func callKernelFunc(f KernelFunc, skb *Skb, args []uint64) uint64 {
	const efault = uint64(1<<64 - 14)
	switch f {
	case FuncLoadBytes8, FuncLoadBytes16, FuncLoadBytes32:
		size := map[KernelFunc]int{FuncLoadBytes8: 1, FuncLoadBytes16: 2, FuncLoadBytes32: 4}[f]
		v, ok := skb.load(int32(args[3]), size)
		if !ok {
			return efault
		}
		return uint64(v)
	case FuncPayOffset:
		return uint64(skb.payloadOffset())
	case FuncNlAttr:
		return uint64(skb.nlAttr(uint32(args[1]), uint32(args[2])))
	case FuncNlAttrNest:
		return uint64(skb.nlAttrNest(uint32(args[1]), uint32(args[2])))
	case FuncRawCPUID:
		return uint64(skb.CPU)
	case FuncUserRndU32:
		if skb.Random == nil {
			return 0
		}
		return uint64(skb.Random())
	}
	panic("BUG: unknown kernel function")
}
