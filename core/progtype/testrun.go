package progtype

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Input is what a test run gets: packet bytes and optionally the
// context struct in its uapi layout (BPF_PROG_TEST_RUN's data_in and
// ctx_in).
type Input struct {
	Data []byte
	Ctx  []byte
}

// Run is a built runtime context: for skb and xdp types a Context model
// over a packet; for the others raw bytes that r1 points to.
type Run struct {
	Type *Type
	Ctx  Context // nil unless CtxKind is CtxSKB or CtxXDP
	// Raw is the raw context (CtxRaw, CtxPtRegs); nil means r1 = 0.
	Raw []byte
	// isL2 says the skb kept its Ethernet header (tc programs).
	isL2 bool
	// ctxIn says the run was given a context struct (ctx_out is then
	// returned).
	ctxIn bool
}

// ErrInvalid is BPF_PROG_TEST_RUN's EINVAL: the input does not fit the
// program type.
var ErrInvalid = errors.New("invalid argument")

// Loopback interface facts the kernel's test runs use: packets arrive on
// the network namespace's lo.
const (
	LoIfindex = 1
)

// NewRun builds the context a program of type t sees, as
// BPF_PROG_TEST_RUN in Linux 6.1 builds it:
//
//   - skb types: the packet is put in an skb with headroom, the Ethernet
//     header parsed (protocol, pkt_type) and, except for tc programs
//     (sched_cls, sched_act), pulled so that data starts at the network
//     header. The device is lo (ifindex 1). A packet shorter than an
//     Ethernet header is padded with zeros (the corpus shows the kernel
//     answering such runs as on 14 zero bytes). ctx_in may set mark,
//     priority, ingress_ifindex, ifindex, cb, tstamp, wire_len, gso_segs,
//     gso_size and hwtstamp; any other non-zero field is EINVAL.
//   - xdp: data at XDP_PACKET_HEADROOM, data_meta = data; an xdp_md
//     ctx_in's data field gives a metadata length taken from the front
//     of the packet.
//   - others: r1 points to a copy of ctx_in (or of the data when no ctx
//     is given), at least RawCtxSize bytes.
func NewRun(t *Type, in Input) (*Run, error) {
	r := &Run{Type: t, ctxIn: len(in.Ctx) > 0}
	switch t.CtxKind {
	case CtxSKB:
		return r, r.buildSKB(in)
	case CtxXDP:
		return r, r.buildXDP(in)
	case CtxPtRegs:
		raw := make([]byte, PtRegs.Size)
		copy(raw, in.Ctx)
		r.Raw = raw
		return r, nil
	}
	src := in.Ctx
	if src == nil {
		src = in.Data
	}
	n := len(src)
	if n < t.RawCtxSize && len(in.Ctx) == 0 && len(in.Data) == 0 {
		n = t.RawCtxSize
	}
	if n > 0 {
		r.Raw = make([]byte, n)
		copy(r.Raw, src)
	}
	return r, nil
}

func (r *Run) buildSKB(in Input) error {
	data := in.Data
	if len(data) < ETHHLen {
		d := make([]byte, ETHHLen)
		copy(d, data)
		data = d
	}
	s := &SKB{}
	s.Buf = make([]byte, SKBHeadroom+len(data)+Tailroom)
	copy(s.Buf[SKBHeadroom:], data)
	s.MacHeader = SKBHeadroom
	s.Data = SKBHeadroom
	s.End = SKBHeadroom + len(data)
	s.Ifindex = LoIfindex
	ethTypeTrans(s, data)
	// eth_type_trans pulled the header; the network header is there.
	s.Data += ETHHLen
	s.NetHeader = s.Data
	switch r.Type.Name {
	case "sched_cls", "sched_act", "flow_dissector":
		r.isL2 = true
		s.Data -= ETHHLen
	}
	s.Meta = s.Data
	s.WireLen = 0
	if r.Type.Name == "flow_dissector" {
		// bpf_flow_dissect runs without an skb (so without a socket or
		// a check of the network header) and starts the keys at the
		// network header with the Ethernet protocol (test runs dissect
		// from the Ethernet header, which data points to).
		s.FlowKeys = make([]byte, FlowKeys.Size)
		binary.LittleEndian.PutUint16(s.FlowKeys[0:], ETHHLen) // nhoff
		binary.LittleEndian.PutUint16(s.FlowKeys[2:], ETHHLen) // thoff
		copy(s.FlowKeys[10:12], data[12:14])                   // n_proto, big endian as on the wire
	} else {
		if err := checkL3(data); err != nil {
			return err
		}
		s.NoDataEnd = r.Type.Name == "cgroup_skb"
		testRunSock(s, data)
	}
	if len(in.Ctx) > 0 {
		if err := skbFromCtx(s, in.Ctx); err != nil {
			return err
		}
	}
	if s.WireLen == 0 && len(in.Ctx) > 0 {
		// The qdisc cb's pkt_len: the packet length when ctx_in leaves
		// wire_len 0; without ctx_in it is never set (0).
		s.WireLen = uint32(s.Len())
	}
	r.Ctx = s
	return nil
}

// checkL3 refuses, as an skb test run does, an IPv4 or IPv6 packet
// whose frame is too short for the network header its EtherType
// announces (20 and 40 bytes after the Ethernet header; the header's
// own fields are not checked).
func checkL3(frame []byte) error {
	l3 := len(frame) - ETHHLen
	switch binary.BigEndian.Uint16(frame[12:]) {
	case 0x0800:
		if l3 < 20 {
			return fmt.Errorf("%w: an IPv4 packet needs 20 bytes after the Ethernet header, it has %d", ErrInvalid, l3)
		}
	case 0x86dd:
		if l3 < 40 {
			return fmt.Errorf("%w: an IPv6 packet needs 40 bytes after the Ethernet header, it has %d", ErrInvalid, l3)
		}
	}
	return nil
}

// ethTypeTrans sets protocol and pkt_type as eth_type_trans does for a
// packet arriving on lo (whose address is all zeros).
func ethTypeTrans(s *SKB, data []byte) {
	dst := data[0:6]
	switch {
	case dst[0]&1 != 0:
		// lo's broadcast address is all zeros, so even ff:ff:ff:ff:ff:ff
		// is PACKET_MULTICAST there.
		s.PktType = 2
	case dst[0]|dst[1]|dst[2]|dst[3]|dst[4]|dst[5] != 0:
		s.PktType = 3 // PACKET_OTHERHOST
	}
	proto := binary.BigEndian.Uint16(data[12:])
	switch {
	case proto >= 0x600:
	case len(data) >= 16 && data[14] == 0xff && data[15] == 0xff:
		proto = 0x0001 // ETH_P_802_3
	default:
		proto = 0x0004 // ETH_P_802_2
	}
	// skb->protocol is __be16: keep the bytes as stored.
	s.Protocol = uint32(proto>>8) | uint32(proto&0xff)<<8
}

func skbFromCtx(s *SKB, ctx []byte) error {
	b := make([]byte, SkBuff.Size)
	if len(ctx) > len(b) {
		for _, c := range ctx[len(b):] {
			if c != 0 {
				return fmt.Errorf("%w: __sk_buff ctx_in has non-zero bytes past its end", ErrInvalid)
			}
		}
	}
	copy(b, ctx)
	allowed := map[string]bool{"mark": true, "priority": true, "ingress_ifindex": true, "ifindex": true,
		"cb": true, "tstamp": true, "wire_len": true, "gso_segs": true, "gso_size": true, "hwtstamp": true}
	for _, f := range SkBuff.Fields {
		if allowed[f.Name] {
			continue
		}
		for _, c := range b[f.Off:f.End()] {
			if c != 0 {
				return fmt.Errorf("%w: __sk_buff ctx_in field %s must be zero", ErrInvalid, f.Name)
			}
		}
	}
	s.Mark = le32(b[8:])
	s.Priority = le32(b[32:])
	s.IngressIfindex = le32(b[36:])
	if v := le32(b[40:]); v != 0 {
		s.Ifindex = v
	}
	copy(s.CB[:], b[48:68])
	s.Tstamp = binary.LittleEndian.Uint64(b[152:])
	s.WireLen = le32(b[160:])
	// convert___skb_to_skb: a wire length below the packet's or above
	// GSO_MAX_SIZE is refused.
	if s.WireLen != 0 && (int(s.WireLen) < s.Len() || s.WireLen > 65536) {
		return fmt.Errorf("%w: __sk_buff ctx_in wire_len %d", ErrInvalid, s.WireLen)
	}
	s.GSOSegs = le32(b[164:])
	s.GSOSize = le32(b[176:])
	s.Hwtstamp = binary.LittleEndian.Uint64(b[184:])
	return nil
}

func (r *Run) buildXDP(in Input) error {
	x := &XDP{IngressIfindex: LoIfindex}
	meta, end := 0, len(in.Data)
	if len(in.Ctx) > 0 {
		// xdp_md in ctx_in, as Linux 6.1.192 takes it (measured with the
		// oracle): data is the length of metadata at the front of the
		// input, data_end where the program's packet ends, data_meta
		// must be 0; ingress_ifindex 0 means lo, another interface than
		// lo does not exist (ENODEV); a queue needs an interface, and lo
		// has one; egress_ifindex must be 0.
		b := make([]byte, XDPMd.Size)
		copy(b, in.Ctx)
		dataOff, dataEnd, dataMeta := int(le32(b[0:])), int(le32(b[4:])), le32(b[8:])
		ingress, rxq, egress := le32(b[12:]), le32(b[16:]), le32(b[20:])
		switch {
		case dataMeta != 0 || dataOff > dataEnd || dataEnd > len(in.Data) || dataOff%4 != 0 || dataOff > 32 || egress != 0:
			return fmt.Errorf("%w: xdp_md ctx_in", ErrInvalid)
		case ingress == 0 && rxq != 0:
			return fmt.Errorf("%w: xdp_md ctx_in: rx_queue_index without ingress_ifindex", ErrInvalid)
		case ingress != 0 && ingress != LoIfindex:
			return fmt.Errorf("%w: ingress_ifindex %d: %w", ErrInvalid, ingress, ErrNoDev)
		case ingress == LoIfindex && rxq >= 1:
			return fmt.Errorf("%w: lo has one rx queue", ErrInvalid)
		}
		meta, end = dataOff, dataEnd
		x.ctxIngress, x.ctxRxQueue = ingress, rxq
		x.RxQueueIndex = rxq
	}
	x.Buf = make([]byte, max(4096, XDPHeadroom+len(in.Data)+Tailroom))
	copy(x.Buf[XDPHeadroom-meta:], in.Data)
	x.Meta = XDPHeadroom - meta
	x.Data = XDPHeadroom
	x.End = XDPHeadroom - meta + end
	x.Hidden = len(in.Data) - end
	r.Ctx = x
	return nil
}

// ErrNoDev is ENODEV: an interface that does not exist.
var ErrNoDev = errors.New("no such device")

// DataOut is the packet after the run as BPF_PROG_TEST_RUN returns it:
// skb types other than tc get their Ethernet header back, zeroed; xdp
// returns from data_meta; flow_dissector returns struct bpf_flow_keys.
func (r *Run) DataOut() []byte {
	switch c := r.Ctx.(type) {
	case *SKB:
		if c.FlowKeys != nil {
			// flow_dissector test runs return the keys.
			return append([]byte(nil), c.FlowKeys...)
		}
		start := c.Data
		if !r.isL2 {
			start = c.Data - ETHHLen
			if start < 0 {
				start = 0
			}
			out := append([]byte(nil), c.Buf[start:c.End]...)
			for i := 0; i < ETHHLen && i < len(out); i++ {
				out[i] = 0
			}
			return out
		}
		return append([]byte(nil), c.Buf[start:c.End]...)
	case *XDP:
		return append([]byte(nil), c.Buf[c.Meta:c.End+c.Hidden]...)
	}
	return nil
}

// CtxOut is the context struct after the run, as BPF_PROG_TEST_RUN
// returns it in ctx_out when ctx_in was given: for skbs the fields
// convert_skb_to___skb copies back (mark, priority, ingress_ifindex,
// ifindex, cb, tstamp, wire_len, gso_segs, gso_size, hwtstamp); raw
// contexts come back whole. nil when there is nothing to return.
func (r *Run) CtxOut() []byte {
	if !r.ctxIn {
		return nil
	}
	if r.Raw != nil {
		return append([]byte(nil), r.Raw...)
	}
	if x, ok := r.Ctx.(*XDP); ok {
		// xdp_convert_buff_to_md: offsets from data_meta, and the
		// interface and queue as given.
		b := make([]byte, XDPMd.Size)
		binary.LittleEndian.PutUint32(b[0:], uint32(x.Data-x.Meta))
		binary.LittleEndian.PutUint32(b[4:], uint32(x.End-x.Meta))
		binary.LittleEndian.PutUint32(b[12:], x.ctxIngress)
		binary.LittleEndian.PutUint32(b[16:], x.ctxRxQueue)
		return b
	}
	s, ok := r.Ctx.(*SKB)
	if !ok {
		return nil
	}
	b := make([]byte, SkBuff.Size)
	binary.LittleEndian.PutUint32(b[8:], s.Mark)
	binary.LittleEndian.PutUint32(b[32:], s.Priority)
	binary.LittleEndian.PutUint32(b[36:], s.IngressIfindex)
	binary.LittleEndian.PutUint32(b[40:], s.Ifindex)
	copy(b[48:68], s.CB[:])
	binary.LittleEndian.PutUint64(b[152:], s.Tstamp)
	binary.LittleEndian.PutUint32(b[160:], s.WireLen)
	binary.LittleEndian.PutUint32(b[164:], s.GSOSegs)
	binary.LittleEndian.PutUint32(b[176:], s.GSOSize)
	binary.LittleEndian.PutUint64(b[184:], s.Hwtstamp)
	return b
}
