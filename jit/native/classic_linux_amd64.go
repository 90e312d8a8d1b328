//go:build linux && amd64 && cgo

package native

import (
	"encoding/binary"
	"fmt"

	"github.com/bpfplay/bpfplay/core/cbpf"
	"github.com/bpfplay/bpfplay/core/helpers"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/jit"
	"github.com/bpfplay/bpfplay/jit/ksyms"
)

// Classic programs run as Linux runs them: converted to eBPF
// (core/cbpf.Convert, bpf_convert_filter's output), JIT-compiled without
// the tail-call patch site, on a kernel-layout struct sk_buff. The
// converted code reads the skb's fields at the kernel's offsets and calls
// kernel functions by address for the packet loads it cannot do inline
// and for some ancillary loads; those run here on core/cbpf's model of
// the same skb, through one-instruction classic programs, so that their
// semantics stay core/cbpf's.

// classicProgram converts the request's sock_filter program.
func (c *childState) classicProgram() (isa.Program, []int, error) {
	p, _, err := cbpf.Parse(c.req.Insns, cbpf.FormatRaw)
	if err != nil {
		return nil, nil, err
	}
	conv, err := cbpf.Convert(p)
	if err != nil {
		return nil, nil, err
	}
	newSkb := map[string]func([]byte) *cbpf.Skb{"test_bpf": cbpf.TestBPFSkb, "test_run": cbpf.TestRunSkb, "packet": cbpf.PacketSkb}[c.req.Classic]
	if newSkb == nil {
		return nil, nil, fmt.Errorf("unknown classic skb %q (want test_bpf, test_run or packet)", c.req.Classic)
	}
	c.cskb = newSkb(append([]byte(nil), c.req.Data...))
	c.cobj = classicSkbObject(c.cskb)
	return conv.Insns, []int{conv.StackDepth}, nil
}

// classicSkbObject lays the model out as struct sk_buff (with its
// net_device), as far as converted programs read it.
func classicSkbObject(s *cbpf.Skb) []byte {
	const headroom = 64
	buf := make([]byte, headroom+len(s.Data)+shinfoRoom)
	copy(buf[headroom-len(s.HeadRoom):], s.HeadRoom)
	copy(buf[headroom:], s.Data)
	o := make([]byte, skBuffSize)
	dev := make([]byte, netDeviceSize)
	if !s.NoDev {
		put64(o, skbDevOff, addrOf(dev))
		put32(dev, netDeviceIfindexOff, s.IfIndex)
		put16(dev, netDeviceTypeOff, uint32(s.DevType))
	}
	put32(o, skbLenOff, uint32(len(s.Data)))
	put64(o, skbHeadOff, addrOf(buf))
	put64(o, skbDataOff, addrOf(buf)+headroom)
	put32(o, skbEndOff, uint32(len(buf)-shinfoRoom))
	binary.BigEndian.PutUint16(o[skbProtocolOff:], s.Protocol) // __be16
	o[skbPktTypeOff] = s.PktType & 7
	if s.VlanPresent {
		o[skbVlanPresOff] |= 1
	}
	binary.BigEndian.PutUint16(o[skbVlanProtoOff:], s.VlanProto)
	put16(o, skbVlanTCIOff, uint32(s.VlanTCI))
	put16(o, skbQueueOff, uint32(s.Queue))
	put32(o, skbHashOff, s.Hash)
	put32(o, skbMarkOff, s.Mark)
	keepAlive = append(keepAlive, buf, dev)
	return o
}

// keepAlive holds memory only machine code refers to.
var keepAlive [][]byte

// Offsets into struct sk_buff and net_device on the reference kernel
// (core/progtype/access_kernel.go has the same; net_device.type is
// core/cbpf's).
const (
	skbDevOff           = 16
	skbLenOff           = 112
	skbQueueOff         = 124
	skbPktTypeOff       = 128
	skbVlanPresOff      = 130
	skbHashOff          = 148
	skbVlanProtoOff     = 152
	skbVlanTCIOff       = 154
	skbMarkOff          = 168
	skbProtocolOff      = 180
	skbEndOff           = 192
	skbHeadOff          = 200
	skbDataOff          = 208
	netDeviceIfindexOff = 216
	netDeviceTypeOff    = 296
)

// classicCall resolves the kernel functions converted programs call.
func (c *childState) classicCall(name string) *kernelCall {
	s := func() *cbpf.Skb { return c.cskb }
	load := func(size uint16) func(helpers.Machine, *[5]uint64) (uint64, error) {
		// bpf_skb_load_helper_N(skb, data, headlen, offset): the value,
		// or a negative errno when the bytes are not in the packet.
		return func(_ helpers.Machine, a *[5]uint64) (uint64, error) {
			ld := cbpf.Instruction{Code: cbpf.ClassLd | size | cbpf.ModeAbs, K: uint32(a[3])}
			ok := runClassic(cbpf.Program{ld, {Code: cbpf.ClassRet | cbpf.RetK, K: 1}}, s())
			if ok == 0 {
				return efault, nil
			}
			return uint64(runClassic(cbpf.Program{ld, {Code: cbpf.ClassRet | cbpf.RetA}}, s())), nil
		}
	}
	anc := func(a cbpf.Anc, args int) func(helpers.Machine, *[5]uint64) (uint64, error) {
		// An ancillary load with A = arg 2 and X = arg 3 (the netlink
		// searches), or without arguments.
		return func(_ helpers.Machine, r *[5]uint64) (uint64, error) {
			var p cbpf.Program
			if args > 0 {
				p = append(p, cbpf.Instruction{Code: cbpf.ClassLd | cbpf.ModeImm, K: uint32(r[1])},
					cbpf.Instruction{Code: cbpf.ClassLdx | cbpf.ModeImm, K: uint32(r[2])})
			}
			p = append(p, cbpf.Instruction{Code: cbpf.ClassLd | cbpf.SizeW | cbpf.ModeAbs, K: cbpf.AncOffset + uint32(a)},
				cbpf.Instruction{Code: cbpf.ClassRet | cbpf.RetA})
			return uint64(runClassic(p, s())), nil
		}
	}
	f := map[string]func(helpers.Machine, *[5]uint64) (uint64, error){
		cbpf.FuncLoadBytes8.Name:  load(cbpf.SizeB),
		cbpf.FuncLoadBytes16.Name: load(cbpf.SizeH),
		cbpf.FuncLoadBytes32.Name: load(cbpf.SizeW),
		cbpf.FuncPayOffset.Name:   anc(cbpf.AncPayOffset, 0),
		cbpf.FuncNlAttr.Name:      anc(cbpf.AncNlAttr, 2),
		cbpf.FuncNlAttrNest.Name:  anc(cbpf.AncNlAttrNest, 2),
		cbpf.FuncRawCPUID.Name:    anc(cbpf.AncCPU, 0),
		cbpf.FuncUserRndU32.Name:  anc(cbpf.AncRandom, 0),
	}[name]
	if f == nil {
		return nil
	}
	return &kernelCall{name, f}
}

// runClassic runs a helper program made here. A load the classic
// checker refuses (an offset no window covers) fails like a load outside
// the packet: 0.
func runClassic(p cbpf.Program, s *cbpf.Skb) uint32 {
	v, err := cbpf.Run(p, s)
	if err != nil {
		return 0
	}
	return v
}

// classicCallAddr names the kernel function at a converted program's
// call (imm = address - __bpf_call_base).
func classicCallAddr(imm int32) (string, bool) {
	return ksyms.Name(jit.DefaultCallBase + uint64(int64(imm)))
}
