package cbpf

import "encoding/binary"

// Skb is the part of a Linux socket buffer a classic filter can see: the
// packet bytes, where its link-layer and network headers start, and the
// fields the ancillary loads read. All packet bytes are linear (no page
// fragments): Linux's answers for a fragmented skb are the same as for
// its flattened bytes, except that netlink searches refuse it.
type Skb struct {
	// Data is the packet from skb->data to the tail.
	Data []byte
	// Head is the number of bytes in front of Data that are still in the
	// buffer (headroom holding, e.g., a pulled Ethernet header); Linux
	// lets SKF_LL_OFF/SKF_NET_OFF loads reach them. They are the last
	// Head bytes of HeadRoom.
	HeadRoom []byte
	// MACOffset and NetworkOffset are the link-layer and network headers'
	// positions relative to Data (negative: in the headroom). NoMAC means
	// the link-layer header was never set (SKF_LL_OFF loads fail).
	MACOffset, NetworkOffset int
	NoMAC                    bool

	// Ancillary fields, host byte order (Protocol 0x0800 is IPv4).
	Protocol    uint16
	PktType     uint8
	Mark        uint32
	Hash        uint32
	Queue       uint16
	VlanTCI     uint16
	VlanPresent bool
	VlanProto   uint16
	NoDev       bool // skb->dev is NULL: ifindex/hatype loads end the filter with 0
	IfIndex     uint32
	DevType     uint16
	// NonLinear marks an skb with page fragments: netlink attribute
	// searches return 0 on it.
	NonLinear bool
	CPU       uint32
	// Random is prandom_u32 for `ld #rand`; nil gives 0.
	Random func() uint32
}

// The skb fields lib/test_bpf.c puts in every test packet (its SKB_*
// constants), so that bpfplay gives the answers that module expects.
const (
	TestSkbType      = 3
	TestSkbMark      = 0x1234aaaa
	TestSkbHash      = 0x1234aaab
	TestSkbQueue     = 123
	TestSkbVlanTCI   = 0xffff
	TestSkbDevIndex  = 577
	TestSkbDevType   = 588
	ethPIP           = 0x0800
	ethPIPv6         = 0x86dd
	ethP8021Q        = 0x8100
	ethP8021AD       = 0x88a8
	ethHLen          = 14
	arphrdLoopback   = 772
	loopbackIfindex  = 1
	packetHost       = 0
	packetBroadcast  = 1
	packetMulticast  = 2
	packetOtherHost  = 3
	nlaHdrLen        = 4
	nlaTypeMask      = 0x3fff
	testBPFNetHeader = ethHLen
)

// TestBPFSkb is the socket buffer Linux's lib/test_bpf.c builds around a
// test's data: link-layer header at the start, network header 14 bytes
// in (or at the end of a shorter packet), protocol IPv4, and its fixed
// pkt_type, mark, hash, queue, VLAN and device values; CPU 0.
func TestBPFSkb(data []byte) *Skb {
	return &Skb{
		Data:          data,
		NetworkOffset: min(len(data), testBPFNetHeader),
		Protocol:      ethPIP,
		PktType:       TestSkbType,
		Mark:          TestSkbMark,
		Hash:          TestSkbHash,
		Queue:         TestSkbQueue,
		VlanTCI:       TestSkbVlanTCI,
		VlanPresent:   true,
		VlanProto:     ethPIP,
		IfIndex:       TestSkbDevIndex,
		DevType:       TestSkbDevType,
	}
}

// TestRunSkb is the socket buffer BPF_PROG_TEST_RUN builds for a socket
// filter from an Ethernet frame: eth_type_trans on the loopback device
// pulls the 14-byte Ethernet header (so Data starts at the network
// header and the link-layer header is reachable through SKF_LL_OFF),
// takes the protocol from the EtherType and the packet type from the
// destination address.
func TestRunSkb(frame []byte) *Skb {
	s := &Skb{Data: frame, IfIndex: loopbackIfindex, DevType: arphrdLoopback}
	if len(frame) < ethHLen {
		return s
	}
	s.HeadRoom, s.Data = frame[:ethHLen], frame[ethHLen:]
	s.MACOffset = -ethHLen
	s.Protocol = binary.BigEndian.Uint16(frame[12:14])
	dst := frame[:6]
	switch {
	case dst[0]&1 != 0 && string(dst) == "\xff\xff\xff\xff\xff\xff":
		s.PktType = packetBroadcast
	case dst[0]&1 != 0:
		s.PktType = packetMulticast
	case string(dst) != "\x00\x00\x00\x00\x00\x00": // loopback's address
		s.PktType = packetOtherHost
	default:
		s.PktType = packetHost
	}
	return s
}

// The windows as signed offsets, as the kernel's int arguments see them.
const (
	netOffS int32 = -0x100000
	llOffS  int32 = -0x200000
)

// Len is skb->len.
func (s *Skb) Len() uint32 { return uint32(len(s.Data)) }

// load reads size bytes big endian at a signed offset as the kernel's
// bpf_skb_load_helper_{8,16,32} do: non-negative offsets from Data,
// negative ones in the SKF_NET_OFF / SKF_LL_OFF windows relative to the
// network or link-layer header, which may reach into the headroom. ok is
// false where Linux fails the load (the filter then returns 0).
func (s *Skb) load(off int32, size int) (uint32, bool) {
	var start int // relative to Data
	switch {
	case off >= 0:
		start = int(off)
	case off >= netOffS:
		start = s.NetworkOffset + int(off-netOffS)
	case off >= llOffS:
		if s.NoMAC {
			return 0, false
		}
		start = s.MACOffset + int(off-llOffS)
	default:
		return 0, false
	}
	if start < -len(s.HeadRoom) || start+size > len(s.Data) {
		return 0, false
	}
	var v uint32
	for j := 0; j < size; j++ {
		v = v<<8 | uint32(s.byteAt(start+j))
	}
	return v, true
}

func (s *Skb) byteAt(i int) byte {
	if i < 0 {
		return s.HeadRoom[len(s.HeadRoom)+i]
	}
	return s.Data[i]
}

// nlAttr is the netlink attribute search of `ld #nla`: the offset of the
// first attribute of type x at or after offset a, or 0.
func (s *Skb) nlAttr(a, x uint32) uint32 {
	if s.NonLinear || s.Len() < nlaHdrLen || a > s.Len()-nlaHdrLen {
		return 0
	}
	return nlaFind(s.Data, int(a), len(s.Data)-int(a), x)
}

// nlAttrNest is `ld #nlan`: like nlAttr inside the attribute at a.
func (s *Skb) nlAttrNest(a, x uint32) uint32 {
	if s.NonLinear || s.Len() < nlaHdrLen || a > s.Len()-nlaHdrLen {
		return 0
	}
	l := uint32(binary.LittleEndian.Uint16(s.Data[a:]))
	if l > s.Len()-a {
		return 0
	}
	if l < nlaHdrLen { // nla_len(nla) would be negative: no attributes
		return 0
	}
	return nlaFind(s.Data, int(a)+nlaHdrLen, int(l)-nlaHdrLen, x)
}

// nlaFind walks the netlink attributes in data[at:at+rem] (host byte
// order headers: u16 length, u16 type; each padded to 4 bytes).
func nlaFind(data []byte, at, rem int, typ uint32) uint32 {
	for rem >= nlaHdrLen {
		l := int(binary.LittleEndian.Uint16(data[at:]))
		t := uint32(binary.LittleEndian.Uint16(data[at+2:])) & nlaTypeMask
		if l < nlaHdrLen || l > rem {
			return 0
		}
		if int32(typ) >= 0 && t == typ {
			return uint32(at)
		}
		step := (l + 3) &^ 3
		at += step
		rem -= step
	}
	return 0
}

// PacketSkb is the socket buffer a filter on a raw packet socket
// (AF_PACKET, SOCK_RAW: what tcpdump attaches to) sees for an Ethernet
// frame: the data starts at the Ethernet header, the network header 14
// bytes in, the protocol is the EtherType and the packet type follows
// the destination address, as received on the loopback device.
func PacketSkb(frame []byte) *Skb {
	s := TestRunSkb(frame)
	if len(frame) < ethHLen {
		return s
	}
	s.Data, s.HeadRoom = frame, nil
	s.MACOffset, s.NetworkOffset = 0, ethHLen
	return s
}
