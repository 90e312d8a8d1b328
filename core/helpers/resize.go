package helpers

import (
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/progtype"
)

// Helpers that change an skb's size.

func init() {
	reg("skb_change_tail", skbChangeTail)
	reg("skb_change_head", skbChangeHead)
}

// skbMaxLen is BPF_SKB_MAX_LEN (SKB_MAX_ALLOC on x86-64: four pages less
// the aligned skb_shared_info).
const skbMaxLen = 4*4096 - 320

// skbMinLen is __bpf_skb_min_len for the runtime's skbs: the network
// header's offset from data (no transport header is set, no checksum
// offload).
func skbMinLen(s *progtype.SKB) int { return max(s.NetHeader-s.Data, 0) }

// grow makes room in an skb's buffer for n more bytes at the end or the
// front, keeping offsets consistent.
func grow(s *progtype.SKB, front, back int) {
	if s.Data-front >= 0 && s.End+back <= len(s.Buf) {
		return
	}
	addF, addB := max(front-s.Meta, 0)+progtype.SKBHeadroom, back+progtype.Tailroom
	nb := make([]byte, addF+len(s.Buf)+addB)
	copy(nb[addF:], s.Buf)
	s.Buf = nb
	s.Meta += addF
	s.Data += addF
	s.End += addF
	s.MacHeader += addF
	s.NetHeader += addF
}

// skbChangeTail is bpf_skb_change_tail(skb, new_len, flags).
func skbChangeTail(m Machine, a *[5]uint64) (uint64, error) {
	s := skbOf(m)
	if s == nil {
		return 0, noSKB{}
	}
	n := uint32(a[1])
	if a[2] != 0 || n > skbMaxLen || int(n) < skbMinLen(s) {
		return neg(maps.EINVAL), nil
	}
	if d := int(n) - s.Len(); d > 0 {
		grow(s, 0, d)
		clear(s.Buf[s.End : s.End+d])
	}
	s.End = s.Data + int(n)
	m.PacketChanged()
	return 0, nil
}

// skbChangeHead is bpf_skb_change_head(skb, head_room, flags): head_room
// zero bytes in front of the data, which become the MAC header.
func skbChangeHead(m Machine, a *[5]uint64) (uint64, error) {
	s := skbOf(m)
	if s == nil {
		return 0, noSKB{}
	}
	room := uint32(a[1])
	newLen := uint32(s.Len()) + room
	if a[2] != 0 || newLen > skbMaxLen || newLen < uint32(s.Len()) {
		return neg(maps.EINVAL), nil
	}
	grow(s, int(room), 0)
	s.Data -= int(room)
	if s.Meta > s.Data {
		s.Meta = s.Data
	}
	clear(s.Buf[s.Data : s.Data+int(room)])
	s.MacHeader = s.Data
	m.PacketChanged()
	return 0, nil
}

func init() { reg("skb_adjust_room", skbAdjustRoom) }

// bpf_skb_adjust_room flags and modes.
const (
	adjRoomFixedGSO    = 1 << 0
	adjRoomEncapL3IPv4 = 1 << 1
	adjRoomEncapL3IPv6 = 1 << 2
	adjRoomEncapL4GRE  = 1 << 3
	adjRoomEncapL4UDP  = 1 << 4
	adjRoomNoCsumReset = 1 << 5
	adjRoomEncapL2Eth  = 1 << 6
	adjRoomEncapL2Mask = 0xff << 56
	adjRoomNet         = 0
	adjRoomMac         = 1
	protoIPv4          = 0x0008 // htons(ETH_P_IP)
	protoIPv6          = 0xdd86 // htons(ETH_P_IPV6)
)

// skbAdjustRoom is bpf_skb_adjust_room(skb, len_diff, mode, flags):
// len_diff zero bytes inserted (or bytes removed) after the MAC header
// (mode MAC) or after the base network header (mode NET).
func skbAdjustRoom(m Machine, a *[5]uint64) (uint64, error) {
	s := skbOf(m)
	if s == nil {
		return 0, noSKB{}
	}
	diff := int32(a[1])
	mode, flags := uint32(a[2]), a[3]
	const mask = adjRoomFixedGSO | adjRoomEncapL3IPv4 | adjRoomEncapL3IPv6 | adjRoomEncapL4GRE | adjRoomEncapL4UDP |
		adjRoomEncapL2Eth | adjRoomEncapL2Mask
	if flags&^(mask|adjRoomNoCsumReset) != 0 {
		return neg(maps.EINVAL), nil
	}
	abs := uint32(diff)
	shrink := diff < 0
	if shrink {
		abs = uint32(-diff)
	}
	if abs > 0xfff {
		return efault.Neg(), nil
	}
	var base int
	switch s.Protocol {
	case protoIPv4:
		base = 20
	case protoIPv6:
		base = 40
	default:
		return maps.ENOTSUPP.Neg(), nil
	}
	off := s.NetHeader - s.MacHeader
	switch mode {
	case adjRoomNet:
		off += base
	case adjRoomMac:
	default:
		return maps.ENOTSUPP.Neg(), nil
	}
	cur := s.Len() - (s.NetHeader - s.Data)
	if (shrink && (int(abs) >= cur || cur-int(abs) < base)) || (!shrink && s.Len()+int(abs) > skbMaxLen) {
		return maps.ENOTSUPP.Neg(), nil
	}
	encap := flags & (adjRoomEncapL3IPv4 | adjRoomEncapL3IPv6 | adjRoomEncapL4GRE | adjRoomEncapL4UDP | adjRoomEncapL2Eth | adjRoomEncapL2Mask)
	if shrink && encap != 0 {
		return neg(maps.EINVAL), nil
	}
	n := int(abs)
	if shrink {
		// bpf_skb_net_hdr_pop: the first off bytes move up over n.
		copy(s.Buf[s.Data+n:], s.Buf[s.Data:s.Data+off])
		s.Data += n
	} else {
		// bpf_skb_net_hdr_push: n zero bytes open at off.
		grow(s, n, 0)
		copy(s.Buf[s.Data-n:], s.Buf[s.Data:s.Data+off])
		s.Data -= n
		clear(s.Buf[s.Data+off : s.Data+off+n])
		if flags&adjRoomEncapL3IPv4 != 0 {
			s.Protocol = protoIPv4
		} else if flags&adjRoomEncapL3IPv6 != 0 {
			s.Protocol = protoIPv6
		}
	}
	if s.Meta > s.Data {
		s.Meta = s.Data
	}
	m.PacketChanged()
	return 0, nil
}
