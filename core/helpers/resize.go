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
