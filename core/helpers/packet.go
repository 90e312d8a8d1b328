package helpers

import (
	"encoding/binary"
	"hash/fnv"

	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/progtype"
)

// Packet helpers for skb and xdp programs.

func init() {
	reg("skb_load_bytes", skbLoadBytes)
	reg("skb_store_bytes", skbStoreBytes)
	reg("l3_csum_replace", l3CsumReplace)
	reg("l4_csum_replace", l4CsumReplace)
	reg("csum_diff", csumDiff)
	reg("get_hash_recalc", getHashRecalc)
	reg("set_hash_invalid", func(m Machine, a *[5]uint64) (uint64, error) {
		if s := skbOf(m); s != nil {
			s.Hash, s.L4Hash = 0, false
		}
		return 0, nil
	})
	reg("set_hash", func(m Machine, a *[5]uint64) (uint64, error) {
		if s := skbOf(m); s != nil {
			s.Hash, s.L4Hash = uint32(a[1]), false
		}
		return 0, nil
	})
	reg("skb_pull_data", skbPullData)
	// Test-run skbs are CHECKSUM_NONE: no checksum to update.
	reg("csum_update", func(m Machine, a *[5]uint64) (uint64, error) { return maps.ENOTSUPP.Neg(), nil })
	reg("redirect", redirect)
	reg("redirect_map", redirectMap)
	reg("xdp_adjust_head", xdpAdjustHead)
	reg("xdp_adjust_meta", xdpAdjustMeta)
	reg("xdp_adjust_tail", xdpAdjustTail)
	reg("get_socket_cookie", func(m Machine, a *[5]uint64) (uint64, error) { return m.State().SocketCookie, nil })
	reg("get_socket_uid", func(m Machine, a *[5]uint64) (uint64, error) { return 0, nil })
	reg("get_cgroup_classid", func(m Machine, a *[5]uint64) (uint64, error) { return 0, nil })
	reg("get_route_realm", func(m Machine, a *[5]uint64) (uint64, error) { return 0, nil })
}

func skbOf(m Machine) *progtype.SKB {
	if r := m.Run(); r != nil {
		if s, ok := r.Ctx.(*progtype.SKB); ok {
			return s
		}
	}
	return nil
}

func xdpOf(m Machine) *progtype.XDP {
	if r := m.Run(); r != nil {
		if x, ok := r.Ctx.(*progtype.XDP); ok {
			return x
		}
	}
	return nil
}

type noSKB struct{}

func (noSKB) Error() string { return "the program's context is not an skb" }

type noXDP struct{}

func (noXDP) Error() string { return "the program's context is not an xdp_buff" }

// skbLoadBytes copies len bytes at offset of the packet; on failure the
// buffer is zeroed and the helper returns -EFAULT.
func skbLoadBytes(m Machine, a *[5]uint64) (uint64, error) {
	s := skbOf(m)
	if s == nil {
		return 0, noSKB{}
	}
	dst, err := m.Bytes(a[2], a[3], true)
	if err != nil {
		return 0, err
	}
	off := uint32(a[1])
	// A flow dissector's test run has no skb (bpf_flow_dissect works on
	// the bare packet), so its loads fail like loads past the end.
	flowDissector := m.Run() != nil && m.Run().Type.Name == "flow_dissector"
	if flowDissector || off > 0xffff || uint64(off)+a[3] > uint64(s.Len()) {
		clear(dst)
		return efault.Neg(), nil
	}
	copy(dst, s.Bytes()[off:])
	return 0, nil
}

const (
	fRecomputeCsum  = 1 << 0
	fInvalidateHash = 1 << 1
)

func skbStoreBytes(m Machine, a *[5]uint64) (uint64, error) {
	s := skbOf(m)
	if s == nil {
		return 0, noSKB{}
	}
	if a[4]&^(fRecomputeCsum|fInvalidateHash) != 0 {
		return neg(maps.EINVAL), nil
	}
	src, err := m.Bytes(a[2], a[3], false)
	if err != nil {
		return 0, err
	}
	off := uint32(a[1])
	if off > 0xffff || uint64(off)+a[3] > uint64(s.Len()) {
		return efault.Neg(), nil
	}
	copy(s.Bytes()[off:], src)
	if a[4]&fInvalidateHash != 0 {
		s.Hash, s.L4Hash = 0, false
	}
	return 0, nil
}

const (
	fHdrFieldMask = 0xf
	fPseudoHdr    = 1 << 4
	fMarkMangled0 = 1 << 5
	fMarkEnforce  = 1 << 6
	fIPv6         = 1 << 7 // BPF_F_IPV6 (in Debian's 6.1.192; only changes CHECKSUM_COMPLETE skbs)
)

func csumField(s *progtype.SKB, off uint64) []byte {
	if off > 0xffff || off+2 > uint64(s.Len()) {
		return nil
	}
	return s.Bytes()[off : off+2]
}

func l3CsumReplace(m Machine, a *[5]uint64) (uint64, error) {
	s := skbOf(m)
	if s == nil {
		return 0, noSKB{}
	}
	flags := a[4]
	if flags&^fHdrFieldMask != 0 {
		return neg(maps.EINVAL), nil
	}
	p := csumField(s, uint64(uint32(a[1])))
	if p == nil {
		return efault.Neg(), nil
	}
	sum := binary.LittleEndian.Uint16(p)
	switch flags & fHdrFieldMask {
	case 0:
		if a[2] != 0 {
			return neg(maps.EINVAL), nil
		}
		sum = csumReplaceByDiff(sum, uint32(a[3]))
	case 2:
		sum = csumReplace2(sum, uint16(a[2]), uint16(a[3]))
	case 4:
		sum = csumReplace4(sum, uint32(a[2]), uint32(a[3]))
	default:
		return neg(maps.EINVAL), nil
	}
	binary.LittleEndian.PutUint16(p, sum)
	return 0, nil
}

func l4CsumReplace(m Machine, a *[5]uint64) (uint64, error) {
	s := skbOf(m)
	if s == nil {
		return 0, noSKB{}
	}
	flags := a[4]
	if flags&^(fMarkMangled0|fMarkEnforce|fPseudoHdr|fIPv6|fHdrFieldMask) != 0 {
		return neg(maps.EINVAL), nil
	}
	p := csumField(s, uint64(uint32(a[1])))
	if p == nil {
		return efault.Neg(), nil
	}
	sum := binary.LittleEndian.Uint16(p)
	mangled0 := flags&fMarkMangled0 != 0
	if mangled0 && flags&fMarkEnforce == 0 && sum == 0 {
		return 0, nil
	}
	switch flags & fHdrFieldMask {
	case 0:
		if a[2] != 0 {
			return neg(maps.EINVAL), nil
		}
		sum = inetProtoReplaceByDiff(sum, uint32(a[3]))
	case 2:
		sum = inetProtoReplace4(sum, uint32(uint16(a[2])), uint32(uint16(a[3])))
	case 4:
		sum = inetProtoReplace4(sum, uint32(a[2]), uint32(a[3]))
	default:
		return neg(maps.EINVAL), nil
	}
	if mangled0 && sum == 0 {
		sum = 0xffff // CSUM_MANGLED_0
	}
	binary.LittleEndian.PutUint16(p, sum)
	return 0, nil
}

// csumDiff is bpf_csum_diff(from, from_size, to, to_size, seed).
func csumDiff(m Machine, a *[5]uint64) (uint64, error) {
	fromSize, toSize := a[1], a[3]
	if (fromSize|toSize)&3 != 0 || fromSize+toSize > 512 {
		return neg(maps.EINVAL), nil
	}
	diff := make([]byte, 0, fromSize+toSize)
	if fromSize > 0 {
		from, err := m.Bytes(a[0], fromSize, false)
		if err != nil {
			return 0, err
		}
		for i := 0; i < len(from); i++ {
			diff = append(diff, ^from[i])
		}
	}
	if toSize > 0 {
		to, err := m.Bytes(a[2], toSize, false)
		if err != nil {
			return 0, err
		}
		diff = append(diff, to...)
	}
	return uint64(csumPartial(diff, uint32(a[4]))), nil
}

// getHashRecalc returns skb->hash, computing it when unset. Linux hashes
// the flow keys with a boot-time random seed, so no value is "right";
// the runtime hashes the packet's network and transport headers with
// FNV-1a (never 0, as the kernel never returns 0 for a computed hash).
func getHashRecalc(m Machine, a *[5]uint64) (uint64, error) {
	s := skbOf(m)
	if s == nil {
		return 0, noSKB{}
	}
	if s.Hash == 0 {
		h := fnv.New32a()
		end := min(s.End, s.NetHeader+40)
		if s.NetHeader < end {
			h.Write(s.Buf[s.NetHeader:end])
		}
		s.Hash = h.Sum32()
		if s.Hash == 0 {
			s.Hash = 1
		}
		s.L4Hash = true
	}
	return uint64(s.Hash), nil
}

func skbPullData(m Machine, a *[5]uint64) (uint64, error) {
	s := skbOf(m)
	if s == nil {
		return 0, noSKB{}
	}
	if a[1] > uint64(s.Len()) {
		return neg(maps.ENOMEM), nil
	}
	m.PacketChanged()
	return 0, nil
}

// Return codes of redirects.
const (
	tcActShot     = 2
	tcActRedirect = 7
	xdpAborted    = 0
	xdpRedirect   = 4
	fIngress      = 1
)

func isXDP(m Machine) bool { return m.Run() != nil && m.Run().Type.Name == "xdp" }

func redirect(m Machine, a *[5]uint64) (uint64, error) {
	if isXDP(m) {
		if a[1] != 0 {
			return xdpAborted, nil
		}
		setRedirect(m, uint32(a[0]), 0)
		return xdpRedirect, nil
	}
	if a[1]&^fIngress != 0 {
		return tcActShot, nil
	}
	setRedirect(m, uint32(a[0]), a[1])
	return tcActRedirect, nil
}

// setRedirect records where a redirect to an interface goes, for the
// caller of the run (the program's verdict says whether it happens).
func setRedirect(m Machine, ifindex uint32, flags uint64) {
	st := m.State()
	st.Redirect.Ifindex, st.Redirect.Flags, st.Redirect.Map, st.Redirect.Set = ifindex, flags, nil, true
}

const (
	fActionMask     = 3 // XDP_ABORTED | XDP_DROP | XDP_PASS | XDP_TX
	fBroadcast      = 1 << 3
	fExcludeIngress = 1 << 4
)

func redirectMap(m Machine, a *[5]uint64) (uint64, error) {
	mp, err := m.Map(a[0])
	if err != nil {
		return 0, err
	}
	flags := a[2]
	allowed := uint64(fActionMask)
	if t := mp.Spec().Type; t == maps.DevMap || t == maps.DevMapHash {
		allowed |= fBroadcast | fExcludeIngress
	}
	if flags&^allowed != 0 {
		return xdpAborted, nil
	}
	k := uint32(a[1])
	kb := []byte{byte(k), byte(k >> 8), byte(k >> 16), byte(k >> 24)}
	if mp.Spec().KeySize != 4 || (flags&fBroadcast == 0 && mp.Lookup(kb) == nil) {
		return flags & fActionMask, nil
	}
	st := m.State()
	st.Redirect.Map, st.Redirect.Key, st.Redirect.Flags, st.Redirect.Set = mp, k, flags, true
	if !isXDP(m) {
		return tcActRedirect, nil
	}
	return xdpRedirect, nil
}

// sizeof(struct xdp_frame) on x86-64 in 6.1: the headroom XDP keeps.
const xdpFrameSize = 40

func xdpAdjustHead(m Machine, a *[5]uint64) (uint64, error) {
	x := xdpOf(m)
	if x == nil {
		return 0, noXDP{}
	}
	delta := int(int32(a[1]))
	metalen := x.Data - x.Meta
	data := x.Data + delta
	if data < xdpFrameSize+metalen || data > x.End-progtype.ETHHLen {
		return neg(maps.EINVAL), nil
	}
	if metalen > 0 {
		copy(x.Buf[x.Meta+delta:], x.Buf[x.Meta:x.Data])
	}
	x.Meta += delta
	x.Data = data
	m.PacketChanged()
	return 0, nil
}

func xdpAdjustMeta(m Machine, a *[5]uint64) (uint64, error) {
	x := xdpOf(m)
	if x == nil {
		return 0, noXDP{}
	}
	meta := x.Meta + int(int32(a[1]))
	if meta < xdpFrameSize || meta > x.Data {
		return neg(maps.EINVAL), nil
	}
	if l := x.Data - meta; l&3 != 0 || l > 32 {
		return neg(maps.Errno(13)), nil // EACCES
	}
	x.Meta = meta
	m.PacketChanged()
	return 0, nil
}

func xdpAdjustTail(m Machine, a *[5]uint64) (uint64, error) {
	x := xdpOf(m)
	if x == nil {
		return 0, noXDP{}
	}
	off := int(int32(a[1]))
	end := x.End + off
	if end > len(x.Buf)-progtype.Tailroom || end < x.Data+progtype.ETHHLen {
		return neg(maps.EINVAL), nil
	}
	if off > 0 {
		clear(x.Buf[x.End:end])
	}
	x.End = end
	m.PacketChanged()
	return 0, nil
}
