//go:build linux && amd64 && cgo

package native

import (
	"encoding/binary"
	"fmt"
	"unsafe"

	"github.com/bpfplay/bpfplay/core/progtype"
)

// kernelCtx is a program's context as the kernel lays it out: the struct
// sk_buff or struct xdp_buff that an xlated program's converted context
// accesses read (offsets in core/progtype/access_kernel.go, taken from
// the reference kernel's BTF). It mirrors progtype's Go model of the
// same object, which the helpers use: the packet buffer is shared, and
// the scalar fields are copied across before and after every helper call.
type kernelCtx struct {
	run  *progtype.Run
	obj  []byte // sk_buff / xdp_buff
	dev  []byte // net_device (ifindex)
	dev2 []byte // the egress net_device of xdp
	rxq  []byte // xdp_rxq_info
	txq  []byte // xdp_txq_info
	sock []byte // struct sock of the skb's socket (skb->sk), if any
}

// Sizes of the objects (larger than the kernel's; only the fields the
// verifier's rewrites touch are filled).
const (
	skBuffSize = 256
	// struct bpf_flow_dissector: flow_keys, skb, data, data_end. A
	// flow dissector's test run has no skb (NULL).
	flowDissectorSize = 32
	xdpBuffSize       = 64
	netDeviceSize     = 512
	shinfoRoom        = 64 // room kept at the end of the skb's buffer for skb_shared_info
)

func newKernelCtx(run *progtype.Run) (*kernelCtx, error) {
	k := &kernelCtx{run: run, dev: make([]byte, netDeviceSize)}
	switch c := run.Ctx.(type) {
	case *progtype.SKB:
		if c.FlowKeys != nil {
			k.obj = make([]byte, flowDissectorSize)
			break
		}
		k.obj = make([]byte, skBuffSize)
		if c.Sock != nil {
			k.sock = kernelSock(c.Sock)
		}
	case *progtype.XDP:
		k.obj = make([]byte, xdpBuffSize)
		k.dev2 = make([]byte, netDeviceSize)
		k.rxq = make([]byte, 64)
		k.txq = make([]byte, 64)
	default:
		return nil, fmt.Errorf("program type %s has no kernel-layout context natively", run.Type.Name)
	}
	k.toKernel()
	return k, nil
}

func (k *kernelCtx) addr() uint64 { return addrOf(k.obj) }

func addrOf(b []byte) uint64 { return uint64(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) }

func put16(b []byte, off int, v uint32) { binary.LittleEndian.PutUint16(b[off:], uint16(v)) }
func put32(b []byte, off int, v uint32) { binary.LittleEndian.PutUint32(b[off:], v) }
func put64(b []byte, off int, v uint64) { binary.LittleEndian.PutUint64(b[off:], v) }
func get16(b []byte, off int) uint32    { return uint32(binary.LittleEndian.Uint16(b[off:])) }
func get32(b []byte, off int) uint32    { return binary.LittleEndian.Uint32(b[off:]) }
func get64(b []byte, off int) uint64    { return binary.LittleEndian.Uint64(b[off:]) }

// toKernel writes the model into the kernel objects.
func (k *kernelCtx) toKernel() {
	switch c := k.run.Ctx.(type) {
	case *progtype.SKB:
		o := k.obj
		if c.FlowKeys != nil {
			buf := addrOf(c.Buf)
			put64(o, progtype.BPFFlowDissKeys, addrOf(c.FlowKeys))
			put64(o, progtype.BPFFlowDissData, buf+uint64(c.Data))
			put64(o, progtype.BPFFlowDissDataEn, buf+uint64(c.End))
			return
		}
		buf := addrOf(c.Buf)
		put64(o, progtype.SkBuffDev, addrOf(k.dev))
		if k.sock != nil {
			put64(o, progtype.SkBuffSk, addrOf(k.sock))
		}
		put32(k.dev, progtype.NetDeviceIfindex, c.Ifindex)
		put64(o, progtype.SkBuffTstamp, c.Tstamp)
		cb := progtype.SkBuffCb
		put32(o, cb+progtype.QdiscCbPktLen, c.WireLen)
		put16(o, cb+progtype.QdiscCbTcClassid, c.TCClassid)
		copy(o[cb+progtype.QdiscCbData:cb+progtype.QdiscCbData+20], c.CB[:])
		put64(o, cb+progtype.SkbDataEndMeta, buf+uint64(c.Meta))
		if c.NoDataEnd {
			put64(o, cb+progtype.SkbDataEndEnd, 0)
		} else {
			put64(o, cb+progtype.SkbDataEndEnd, buf+uint64(c.End))
		}
		put32(o, progtype.SkBuffLen, uint32(c.End-c.Data))
		put32(o, progtype.SkBuffDataLen, 0)
		put16(o, progtype.SkBuffQueueMapping, c.QueueMapping)
		o[progtype.SkBuffPktTypeOffset] = o[progtype.SkBuffPktTypeOffset]&^progtype.SkBuffPktTypeMax | byte(c.PktType)&progtype.SkBuffPktTypeMax
		o[progtype.SkBuffVlanPresOffset] = o[progtype.SkBuffVlanPresOffset]&^1 | byte(c.VlanPresent&1)
		o[progtype.SkBuffVlanPresOffset] &^= progtype.SkBuffMonoDeliveryTimeMsk
		if c.TstampType != 0 {
			o[progtype.SkBuffVlanPresOffset] |= progtype.SkBuffMonoDeliveryTimeMsk
		}
		put16(o, progtype.SkBuffTcIndex, c.TCIndex)
		put32(o, progtype.SkBuffPriority, c.Priority)
		put32(o, progtype.SkBuffSkbIif, c.IngressIfindex)
		put32(o, progtype.SkBuffHash, c.Hash)
		put16(o, progtype.SkBuffVlanProto, c.VlanProto)
		put16(o, progtype.SkBuffVlanTCI, c.VlanTCI)
		put32(o, progtype.SkBuffNapiID, c.NapiID)
		put32(o, progtype.SkBuffMark, c.Mark)
		put16(o, progtype.SkBuffProtocol, c.Protocol)
		end := len(c.Buf) - shinfoRoom
		put32(o, progtype.SkBuffEnd, uint32(end))
		put64(o, progtype.SkBuffHead, buf)
		put64(o, progtype.SkBuffData, buf+uint64(c.Data))
		sh := c.Buf[end:]
		put16(sh, progtype.ShinfoGsoSize, c.GSOSize)
		put16(sh, progtype.ShinfoGsoSegs, c.GSOSegs)
		put64(sh, progtype.ShinfoHwtstamps, c.Hwtstamp)
	case *progtype.XDP:
		o := k.obj
		buf := addrOf(c.Buf)
		put64(o, progtype.XDPBuffData, buf+uint64(c.Data))
		put64(o, progtype.XDPBuffDataEnd, buf+uint64(c.End))
		put64(o, progtype.XDPBuffDataMeta, buf+uint64(c.Meta))
		put64(o, 24, buf) // data_hard_start
		put64(o, progtype.XDPBuffRxq, addrOf(k.rxq))
		put64(o, progtype.XDPBuffTxq, addrOf(k.txq))
		put64(k.rxq, progtype.XDPRxqDev, addrOf(k.dev))
		put32(k.rxq, progtype.XDPRxqQueueIndex, c.RxQueueIndex)
		put64(k.txq, progtype.XDPTxqDev, addrOf(k.dev2))
		put32(k.dev, progtype.NetDeviceIfindex, c.IngressIfindex)
		put32(k.dev2, progtype.NetDeviceIfindex, c.EgressIfindex)
	}
}

// fromKernel reads back what a program may have written.
func (k *kernelCtx) fromKernel() {
	if c, ok := k.run.Ctx.(*progtype.SKB); ok && c.FlowKeys == nil {
		o := k.obj
		c.Mark = get32(o, progtype.SkBuffMark)
		c.Priority = get32(o, progtype.SkBuffPriority)
		c.QueueMapping = get16(o, progtype.SkBuffQueueMapping)
		c.TCIndex = get16(o, progtype.SkBuffTcIndex)
		cb := progtype.SkBuffCb
		c.TCClassid = get16(o, cb+progtype.QdiscCbTcClassid)
		copy(c.CB[:], o[cb+progtype.QdiscCbData:cb+progtype.QdiscCbData+20])
		c.Tstamp = get64(o, progtype.SkBuffTstamp)
		c.Hash = get32(o, progtype.SkBuffHash)
	}
}

// sockSize is room for struct sock up to the last field the verifier's
// bpf_sock rewrites read (sk_protocol at 516).
const sockSize = 640

// kernelSock lays out the runtime's struct bpf_sock model (see
// progtype.testRunSock) as the kernel's struct sock, at the offsets the
// verifier's bpf_sock rewrites read.
func kernelSock(b []byte) []byte {
	sk := make([]byte, sockSize)
	field := func(name string) []byte { return progtype.SockField(b, name) }
	put16(sk, progtype.SkcFamily, get32(field("family"), 0))
	copy(sk[progtype.SkcRcvSaddr:], field("src_ip4"))
	copy(sk[progtype.SkcDaddr:], field("dst_ip4"))
	copy(sk[progtype.SkcV6RcvSaddr:], field("src_ip6"))
	copy(sk[progtype.SkcV6Daddr:], field("dst_ip6"))
	sk[progtype.SkcState] = field("state")[0]
	if int32(get32(field("rx_queue_mapping"), 0)) == -1 {
		put16(sk, progtype.SkRxQueueMapping, 0xffff) // no queue mapping
	}
	return sk
}
