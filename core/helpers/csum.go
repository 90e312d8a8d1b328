package helpers

import "encoding/binary"

// Checksum arithmetic as x86-64 Linux computes it. Values are kept in
// the byte order they have in memory (loaded little-endian), so the
// result's representation of zero (0 or 0xffff) is the kernel's.

// csumAdd is csum_add: 32-bit one's complement add.
func csumAdd(a, b uint32) uint32 {
	r := a + b
	if r < b {
		r++
	}
	return r
}

func csumSub(a, b uint32) uint32 { return csumAdd(a, ^b) }

// csumFold is x86's csum_fold.
func csumFold(a uint32) uint16 {
	s := uint64(a&0xffff0000) + uint64(a<<16)
	carry := uint32(s >> 32)
	sum := uint32(s) + 0xffff + carry
	return uint16(^sum >> 16)
}

// csumPartial is x86-64's csum_partial on a 4-byte-aligned buffer: a
// 64-bit end-around-carry sum of little-endian u64 words (the tail
// zero-padded), folded to 32 bits.
func csumPartial(b []byte, seed uint32) uint32 {
	t := uint64(seed)
	add := func(x uint64) {
		t += x
		if t < x {
			t++
		}
	}
	for len(b) >= 8 {
		add(binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	if len(b) > 0 {
		var tail [8]byte
		copy(tail[:], b)
		add(binary.LittleEndian.Uint64(tail[:]))
	}
	hi, lo := uint32(t>>32), uint32(t)
	r := hi + lo
	if r < lo {
		r++
	}
	return r
}

func csum16Add(c, a uint16) uint16 {
	r := c + a
	if r < a {
		r++
	}
	return r
}

// csumReplace2 is csum_replace2 (l3).
func csumReplace2(sum, from, to uint16) uint16 {
	return ^csum16Add(csum16Add(^sum, ^from), to)
}

// csumReplace4 is csum_replace4 (l3).
func csumReplace4(sum uint16, from, to uint32) uint16 {
	tmp := csumSub(^uint32(sum), from)
	return csumFold(csumAdd(tmp, to))
}

// csumReplaceByDiff is csum_replace_by_diff (l3).
func csumReplaceByDiff(sum uint16, diff uint32) uint16 {
	return csumFold(csumAdd(diff, ^uint32(sum)))
}

// inetProtoReplace4 is inet_proto_csum_replace4 for an skb that is not
// CHECKSUM_PARTIAL (test runs build CHECKSUM_NONE skbs).
func inetProtoReplace4(sum uint16, from, to uint32) uint16 {
	var diff [8]byte
	binary.LittleEndian.PutUint32(diff[0:], ^from)
	binary.LittleEndian.PutUint32(diff[4:], to)
	return csumFold(csumPartial(diff[:], ^uint32(sum)))
}

// inetProtoReplaceByDiff is inet_proto_csum_replace_by_diff.
func inetProtoReplaceByDiff(sum uint16, diff uint32) uint16 {
	return csumFold(csumAdd(diff, ^uint32(sum)))
}
