package cbpf

import "encoding/binary"

// IP protocol numbers the payload-offset computation knows.
const (
	ipprotoHopOpts = 0
	ipprotoICMP    = 1
	ipprotoIGMP    = 2
	ipprotoTCP     = 6
	ipprotoUDP     = 17
	ipprotoRouting = 43
	ipprotoFrag    = 44
	ipprotoICMPv6  = 58
	ipprotoDstOpts = 60
	ipprotoDCCP    = 33
	ipprotoSCTP    = 132
	ipprotoUDPLite = 136
)

// payloadOffset is `ld #poff` (skb_get_poff): the offset from Data of
// the transport payload, found by dissecting the headers from the
// network header on, as Linux's flow dissector does for the basic keys;
// 0 when the headers cannot be read. Covered: 802.1Q/802.1ad tags,
// IPv4 (fragments: a non-first fragment stops at the IP header), IPv6
// with hop-by-hop, routing, destination-options and fragment headers;
// then the fixed header of TCP (with its data offset), UDP, UDP-Lite,
// ICMP, ICMPv6, IGMP, DCCP and SCTP.
func (s *Skb) payloadOffset() uint32 {
	d := s.Data
	hdr := func(off, n int) []byte {
		if off < 0 || off+n > len(d) {
			return nil
		}
		return d[off : off+n]
	}
	proto := s.Protocol
	nhoff := s.NetworkOffset
	for proto == ethP8021Q || proto == ethP8021AD {
		h := hdr(nhoff, 4)
		if h == nil {
			return 0
		}
		proto = binary.BigEndian.Uint16(h[2:])
		nhoff += 4
	}
	var ipProto byte
	laterFrag := false
	switch proto {
	case ethPIP:
		h := hdr(nhoff, 20)
		if h == nil || h[0]&0x0f < 5 {
			return 0
		}
		ipProto = h[9]
		frag := binary.BigEndian.Uint16(h[6:])
		laterFrag = frag&0x1fff != 0
		nhoff += int(h[0]&0x0f) * 4
	case ethPIPv6:
		h := hdr(nhoff, 40)
		if h == nil {
			return 0
		}
		ipProto = h[6]
		nhoff += 40
	ext:
		for {
			switch ipProto {
			case ipprotoHopOpts, ipprotoRouting, ipprotoDstOpts:
				e := hdr(nhoff, 2)
				if e == nil {
					return 0
				}
				ipProto = e[0]
				nhoff += (int(e[1]) + 1) * 8
			case ipprotoFrag:
				e := hdr(nhoff, 8)
				if e == nil {
					return 0
				}
				ipProto = e[0]
				nhoff += 8
				if binary.BigEndian.Uint16(e[2:])&0xfff8 != 0 {
					laterFrag = true
					break ext
				}
			default:
				break ext
			}
		}
	default:
		return 0
	}
	poff := uint32(nhoff)
	if laterFrag {
		return poff
	}
	switch ipProto {
	case ipprotoTCP:
		h := hdr(nhoff+12, 1)
		if h == nil {
			return poff
		}
		return poff + max(20, uint32(h[0]&0xf0)>>2)
	case ipprotoUDP, ipprotoUDPLite, ipprotoICMP, ipprotoICMPv6, ipprotoIGMP:
		return poff + 8
	case ipprotoDCCP:
		return poff + 16
	case ipprotoSCTP:
		return poff + 12
	}
	return poff
}
