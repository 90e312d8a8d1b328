package realworld

import "encoding/binary"

// Packet builders for the test runs: well-formed frames with correct
// IPv4 header and TCP/UDP checksums, so checksum rewrites in the
// programs start from valid values (as on a real wire).

var be = binary.BigEndian

// MAC addresses used by the frames. The destination of frames meant for
// "this host" is all zeros: BPF_PROG_TEST_RUN treats the frame as
// received on the loopback device, whose address is all zeros, so
// eth_type_trans classifies it as PACKET_HOST.
var (
	macHost   = []byte{0, 0, 0, 0, 0, 0}
	macRouter = []byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}
	macClient = []byte{0x02, 0x00, 0x5e, 0x10, 0x00, 0x01}
)

// Ethertypes.
const (
	ethIPv4  = 0x0800
	ethIPv6  = 0x86dd
	eth8021Q = 0x8100
)

// IP protocol numbers.
const (
	protoHopOpts = 0
	protoTCP     = 6
	protoUDP     = 17
)

// TCP flags.
const (
	tcpSYN = 0x02
	tcpPSH = 0x08
	tcpACK = 0x10
)

func ip4(a, b, c, d byte) []byte { return []byte{a, b, c, d} }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// ether returns an Ethernet header.
func ether(dst, src []byte, typ uint16) []byte {
	h := cat(dst, src, []byte{0, 0})
	be.PutUint16(h[12:], typ)
	return h
}

// vlan returns an 802.1Q tag (TCI, then the encapsulated ethertype).
func vlan(vid uint16, inner uint16) []byte {
	h := make([]byte, 4)
	be.PutUint16(h, vid)
	be.PutUint16(h[2:], inner)
	return h
}

// csum is the Internet checksum (RFC 1071) of b, starting from sum.
func csum(sum uint32, b []byte) uint16 {
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(be.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// ipv4 returns an IPv4 header (no options, DF set, TTL 64) followed by
// the payload, with the header checksum filled in.
func ipv4(src, dst []byte, proto byte, tos byte, payload []byte) []byte {
	h := make([]byte, 20)
	h[0] = 0x45
	h[1] = tos
	be.PutUint16(h[2:], uint16(20+len(payload)))
	be.PutUint16(h[4:], 0x1c46)
	be.PutUint16(h[6:], 0x4000)
	h[8] = 64
	h[9] = proto
	copy(h[12:], src)
	copy(h[16:], dst)
	be.PutUint16(h[10:], csum(0, h))
	return cat(h, payload)
}

// pseudo4 is the IPv4 pseudo-header sum for an L4 checksum.
func pseudo4(src, dst []byte, proto byte, n int) uint32 {
	return uint32(be.Uint16(src)) + uint32(be.Uint16(src[2:])) +
		uint32(be.Uint16(dst)) + uint32(be.Uint16(dst[2:])) + uint32(proto) + uint32(n)
}

// pseudo6 is the IPv6 pseudo-header sum for an L4 checksum.
func pseudo6(src, dst []byte, proto byte, n int) uint32 {
	var s uint32
	for i := 0; i < 16; i += 2 {
		s += uint32(be.Uint16(src[i:])) + uint32(be.Uint16(dst[i:]))
	}
	return s + uint32(n) + uint32(proto)
}

// tcp returns a TCP header (20 bytes, window 64240) and the payload,
// with the checksum computed over the given pseudo-header sum.
func tcp(sport, dport uint16, flags byte, payload []byte, pseudo func(n int) uint32) []byte {
	h := make([]byte, 20)
	be.PutUint16(h, sport)
	be.PutUint16(h[2:], dport)
	be.PutUint32(h[4:], 0x1a2b3c4d)
	if flags&tcpACK != 0 {
		be.PutUint32(h[8:], 0x00c0ffee)
	}
	h[12] = 5 << 4
	h[13] = flags
	be.PutUint16(h[14:], 64240)
	seg := cat(h, payload)
	be.PutUint16(seg[16:], csum(pseudo(len(seg)), seg))
	return seg
}

// udp returns a UDP header and the payload, with the checksum.
func udp(sport, dport uint16, payload []byte, pseudo func(n int) uint32) []byte {
	h := make([]byte, 8)
	be.PutUint16(h, sport)
	be.PutUint16(h[2:], dport)
	be.PutUint16(h[4:], uint16(8+len(payload)))
	seg := cat(h, payload)
	c := csum(pseudo(len(seg)), seg)
	if c == 0 {
		c = 0xffff
	}
	be.PutUint16(seg[6:], c)
	return seg
}

// tcp4 is an Ethernet/IPv4/TCP frame.
func tcp4(dstMAC []byte, src, dst []byte, sport, dport uint16, flags byte, tos byte, payload []byte) []byte {
	seg := tcp(sport, dport, flags, payload, func(n int) uint32 { return pseudo4(src, dst, protoTCP, n) })
	return cat(ether(dstMAC, macClient, ethIPv4), ipv4(src, dst, protoTCP, tos, seg))
}

// udp4 is an Ethernet/IPv4/UDP frame.
func udp4(dstMAC []byte, src, dst []byte, sport, dport uint16, payload []byte) []byte {
	seg := udp(sport, dport, payload, func(n int) uint32 { return pseudo4(src, dst, protoUDP, n) })
	return cat(ether(dstMAC, macClient, ethIPv4), ipv4(src, dst, protoUDP, 0, seg))
}

// ipv6 returns an IPv6 header (hop limit 64) followed by the payload;
// next is the first next-header value.
func ipv6(src, dst []byte, next byte, payload []byte) []byte {
	h := make([]byte, 40)
	be.PutUint32(h, 6<<28)
	be.PutUint16(h[4:], uint16(len(payload)))
	h[6] = next
	h[7] = 64
	copy(h[8:], src)
	copy(h[24:], dst)
	return cat(h, payload)
}

// hopByHop is an 8-byte hop-by-hop options header carrying only padding.
func hopByHop(next byte) []byte {
	return []byte{next, 0, 1, 4, 0, 0, 0, 0} // PadN of 4 bytes
}

// addr6 parses a few well-known documentation addresses.
func addr6(prefix uint16, last uint16) []byte {
	a := make([]byte, 16)
	be.PutUint16(a, 0x2001)
	be.PutUint16(a[2:], 0x0db8)
	be.PutUint16(a[4:], prefix)
	be.PutUint16(a[14:], last)
	return a
}
