package helpers

import (
	"encoding/binary"

	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/progtype"
)

// The network stack as a test run sees it. BPF_PROG_TEST_RUN runs the
// program in the caller's network namespace; the playground's namespace,
// like the kernel oracle's, holds only lo (ifindex 1, up, IPv4 and IPv6
// forwarding off) and no sockets. Route and socket lookups answer from
// that world exactly as Linux 6.1 answers there (core/helpers' oracle
// cases helpers/net/*), which is also what a packet-processing program
// meets on a host that does not forward.

func init() {
	reg("fib_lookup", fibLookup)
	reg("sk_lookup_tcp", noSocket)
	reg("sk_lookup_udp", noSocket)
	reg("skc_lookup_tcp", noSocket)
	// sk_release only ever receives a socket a lookup returned, and no
	// lookup returns one here.
	reg("sk_release", func(m Machine, a *[5]uint64) (uint64, error) { return 0, nil })
	reg("sk_fullsock", skFullsock)
	reg("sk_assign", skAssign)
	// The test run's socket is neither TCP nor listening.
	reg("tcp_sock", func(m Machine, a *[5]uint64) (uint64, error) { return 0, nil })
	reg("get_listener_sock", func(m Machine, a *[5]uint64) (uint64, error) { return 0, nil })
	reg("skb_ecn_set_ce", skbEcnSetCE)
	reg("csum_level", csumLevel)
	reg("check_mtu", checkMTU)
	reg("redirect_neigh", redirectNeigh)
	reg("redirect_peer", redirectPeer)
	reg("skb_change_type", skbChangeType)
	// The test run's socket lives in the root cgroup (id 1), which has
	// no ancestors, and no net_cls class id.
	reg("skb_cgroup_id", func(m Machine, a *[5]uint64) (uint64, error) { return rootCgroupID, nil })
	reg("skb_ancestor_cgroup_id", ancestorCgroupID)
	reg("skb_cgroup_classid", func(m Machine, a *[5]uint64) (uint64, error) { return 0, nil })
	// Casts of a socket to a protocol's: the test run's socket is none
	// of them (NULL).
	for _, h := range []string{"skc_to_tcp6_sock", "skc_to_tcp_sock", "skc_to_tcp_timewait_sock",
		"skc_to_tcp_request_sock", "skc_to_udp6_sock", "skc_to_unix_sock", "skc_to_mptcp_sock"} {
		reg(h, func(m Machine, a *[5]uint64) (uint64, error) { return 0, nil })
	}
	// The test run's packet came through no tunnel and no IPsec; the
	// helpers clear the caller's buffer when they fail.
	reg("skb_get_tunnel_key", clearingFailure(1, 2, maps.EINVAL))
	reg("skb_get_tunnel_opt", clearingFailure(1, 2, maps.ENOENT))
	reg("skb_get_xfrm_state", clearingFailure(2, 3, maps.EINVAL))
	// Syncookies need a TCP listener; the only socket is not one.
	reg("tcp_check_syncookie", func(m Machine, a *[5]uint64) (uint64, error) { return neg(maps.EINVAL), nil })
	reg("tcp_gen_syncookie", func(m Machine, a *[5]uint64) (uint64, error) { return neg(maps.EINVAL), nil })
	reg("clone_redirect", cloneRedirect)
	reg("sk_cgroup_id", func(m Machine, a *[5]uint64) (uint64, error) { return rootCgroupID, nil })
	reg("sk_ancestor_cgroup_id", ancestorCgroupID)
	reg("skb_set_tstamp", skbSetTstamp)
}

// skbSetTstamp is bpf_skb_set_tstamp(skb, tstamp, type): a delivery
// time (BPF_SKB_TSTAMP_DELIVERY_MONO, not 0), or no time at all
// (BPF_SKB_TSTAMP_UNSPEC with 0); anything else is EINVAL.
func skbSetTstamp(m Machine, a *[5]uint64) (uint64, error) {
	s := skbOf(m)
	if s == nil {
		return 0, noSKB{}
	}
	const unspec, deliveryMono = 0, 1
	switch {
	case a[2] == deliveryMono && a[1] != 0:
		s.Tstamp, s.TstampType = a[1], deliveryMono
	case a[2] == unspec && a[1] == 0:
		s.Tstamp, s.TstampType = 0, unspec
	default:
		return neg(maps.EINVAL), nil
	}
	return 0, nil
}

// clearingFailure is a helper that can only fail here: it zeroes the
// buffer given by arguments buf and size and returns -errno.
func clearingFailure(buf, size int, errno maps.Errno) Func {
	return func(m Machine, a *[5]uint64) (uint64, error) {
		if a[size] > 0 {
			b, err := m.Bytes(a[buf], a[size], true)
			if err != nil {
				return 0, err
			}
			clear(b)
		}
		return neg(errno), nil
	}
}

// cloneRedirect is bpf_clone_redirect(skb, ifindex, flags): a copy of
// the packet goes out of (or, with BPF_F_INGRESS, into) an interface;
// the program's packet is unchanged. Only lo exists (others, and flags
// beyond BPF_F_INGRESS, are EINVAL); the answers for lo are the ones
// Linux 6.1 gives in a test run (measured: 2 out, 1 in, whatever the
// packet), where the copy goes nowhere.
func cloneRedirect(m Machine, a *[5]uint64) (uint64, error) {
	if skbOf(m) == nil {
		return 0, noSKB{}
	}
	if a[2]&^fIngress != 0 || uint32(a[1]) != progtype.LoIfindex {
		return neg(maps.EINVAL), nil
	}
	if a[2]&fIngress != 0 {
		return 1, nil
	}
	return 2, nil
}

const rootCgroupID = 1

// ancestorCgroupID is bpf_skb_ancestor_cgroup_id(skb, level): level 0
// is the root; the root has no deeper levels (0).
func ancestorCgroupID(m Machine, a *[5]uint64) (uint64, error) {
	if int32(a[1]) == 0 {
		return rootCgroupID, nil
	}
	return 0, nil
}

// loMTU is lo's MTU, the device of every test run.
const loMTU = 65536

// checkMTU is bpf_check_mtu(ctx, ifindex, &mtu_len, len_diff, flags)
// (XDP and tc). The device is lo (ifindex 0: the context's, which is
// lo); others are ENODEV. XDP takes no flags, tc only
// BPF_MTU_CHK_SEGS, which changes nothing for the runtime's skbs (never
// GSO). The L3 length checked is *mtu_len when non-zero, else the
// packet's without its Ethernet header, plus len_diff (signed); above
// the MTU it is BPF_MTU_CHK_RET_FRAG_NEEDED (1). *mtu_len comes back as
// the MTU, or 0 on an error.
func checkMTU(m Machine, a *[5]uint64) (uint64, error) {
	mtuLen, err := m.Bytes(a[2], 4, true)
	if err != nil {
		return 0, err
	}
	in := binary.LittleEndian.Uint32(mtuLen)
	binary.LittleEndian.PutUint32(mtuLen, 0)
	var pktLen, l2 int
	allowed := uint64(0)
	if s := skbOf(m); s != nil {
		pktLen, l2, allowed = s.Len(), s.NetHeader-s.Data, 1
	} else if x := xdpOf(m); x != nil {
		pktLen, l2 = x.End-x.Data, progtype.ETHHLen
	} else {
		return 0, noSKB{}
	}
	if a[4]&^allowed != 0 {
		return neg(maps.EINVAL), nil
	}
	if ifindex := uint32(a[1]); ifindex != 0 && ifindex != progtype.LoIfindex {
		return neg(maps.ENODEV), nil
	}
	l3 := int64(pktLen - l2)
	if in != 0 {
		l3 = int64(in)
	}
	l3 += int64(int32(a[3]))
	binary.LittleEndian.PutUint32(mtuLen, loMTU)
	if l3 > loMTU {
		return 1, nil // BPF_MTU_CHK_RET_FRAG_NEEDED
	}
	return 0, nil
}

// redirectNeigh is bpf_redirect_neigh(ifindex, params, plen, flags):
// the redirect happens after the program (the test run only reports
// TC_ACT_REDIRECT); flags, or params whose size is not struct
// bpf_redir_neigh's (20 bytes; 0 without params), drop the packet.
func redirectNeigh(m Machine, a *[5]uint64) (uint64, error) {
	const redirNeighSize = 20
	if a[3] != 0 || (a[1] != 0 && a[2] != redirNeighSize) || (a[1] == 0 && a[2] != 0) {
		return tcActShot, nil
	}
	setRedirect(m, uint32(a[0]), 0)
	return tcActRedirect, nil
}

// redirectPeer is bpf_redirect_peer(ifindex, flags): no flags exist.
func redirectPeer(m Machine, a *[5]uint64) (uint64, error) {
	if a[1] != 0 {
		return tcActShot, nil
	}
	setRedirect(m, uint32(a[0]), 0)
	return tcActRedirect, nil
}

// skbChangeType is bpf_skb_change_type(skb, type): PACKET_HOST ..
// PACKET_OTHERHOST only.
func skbChangeType(m Machine, a *[5]uint64) (uint64, error) {
	s := skbOf(m)
	if s == nil {
		return 0, noSKB{}
	}
	const packetOtherhost = 3
	if a[1] > packetOtherhost || s.PktType > packetOtherhost {
		return neg(maps.EINVAL), nil
	}
	s.PktType = uint32(a[1])
	return 0, nil
}

// struct bpf_fib_lookup: 64 bytes; the fields read here.
const (
	fibSize      = 64
	fibFamily    = 0
	fibIfindex   = 8
	fibSrc       = 16
	fibDst       = 32
	fibRetFwdOff = 5 // BPF_FIB_LKUP_RET_FWD_DISABLED
	fibRetNotFwd = 4 // BPF_FIB_LKUP_RET_NOT_FWDED
)

// fibLookup is bpf_fib_lookup (XDP and tc alike). In order: a params
// size below the struct's is EINVAL; a family other than AF_INET and
// AF_INET6 is EAFNOSUPPORT (flags are not checked); IPv6 addresses that
// must not be forwarded (multicast, link-local, loopback, as source or
// destination) are NOT_FWDED; an interface other than lo is ENODEV; lo
// does not forward, so the rest is FWD_DISABLED. The params are left as
// they were.
func fibLookup(m Machine, a *[5]uint64) (uint64, error) {
	if a[2] < fibSize {
		return neg(maps.EINVAL), nil
	}
	p, err := m.Bytes(a[1], fibSize, false)
	if err != nil {
		return 0, err
	}
	ifindex := binary.LittleEndian.Uint32(p[fibIfindex:])
	switch p[fibFamily] {
	case 2: // AF_INET
	case 10: // AF_INET6
		if ipv6Strict(p[fibSrc:fibSrc+16]) || ipv6Strict(p[fibDst:fibDst+16]) {
			return fibRetNotFwd, nil
		}
	default:
		return neg(eafnosupport), nil
	}
	if ifindex != progtype.LoIfindex {
		return neg(maps.ENODEV), nil
	}
	return fibRetFwdOff, nil
}

// ipv6Strict reports addresses whose routes are bound to an interface:
// multicast (ff00::/8), link-local (fe80::/10) and loopback (::1).
func ipv6Strict(ip []byte) bool {
	if ip[0] == 0xff || (ip[0] == 0xfe && ip[1]&0xc0 == 0x80) {
		return true
	}
	for _, b := range ip[:15] {
		if b != 0 {
			return false
		}
	}
	return ip[15] == 1
}

// noSocket is bpf_sk_lookup_tcp, bpf_sk_lookup_udp and
// bpf_skc_lookup_tcp: whatever the tuple, netns and flags, the
// namespace has no socket to find (NULL).
func noSocket(m Machine, a *[5]uint64) (uint64, error) { return 0, nil }

// skFullsock is bpf_sk_fullsock: the only socket a program can hold is
// the test run's, a full socket, so it comes back as it went in.
func skFullsock(m Machine, a *[5]uint64) (uint64, error) { return a[0], nil }

// skAssign is bpf_sk_assign. For tc: flags must be 0 (EINVAL), and a
// test run's skb is not at tc ingress, where the helper works
// (EOPNOTSUPP). For sk_lookup (its own prototype): flags beyond
// BPF_SK_LOOKUP_F_REPLACE and _NO_REUSEPORT are EINVAL; the socket can
// only be NULL here (no lookup finds one), which selects nothing: 0.
func skAssign(m Machine, a *[5]uint64) (uint64, error) {
	if r := m.Run(); r != nil && r.Type.Name == "sk_lookup" {
		const lookupFlags = 1 | 2
		if a[2]&^lookupFlags != 0 {
			return neg(maps.EINVAL), nil
		}
		return 0, nil
	}
	if skbOf(m) == nil {
		return 0, noSKB{}
	}
	if a[2] != 0 {
		return neg(maps.EINVAL), nil
	}
	return neg(maps.EOPNOTSUPP), nil
}

// ECN codepoints (the low two bits of the IPv4 TOS / IPv6 traffic
// class).
const (
	ecnNotECT = 0
	ecnCE     = 3
)

// skbEcnSetCE is bpf_skb_ecn_set_ce: on an IPv4 or IPv6 packet whose
// header is all in the linear data and that is ECN-capable, mark
// Congestion Experienced (fixing the IPv4 header checksum) and return 1;
// already CE: 1; anything else: 0.
func skbEcnSetCE(m Machine, a *[5]uint64) (uint64, error) {
	s := skbOf(m)
	if s == nil {
		return 0, noSKB{}
	}
	ip := s.Buf[s.NetHeader:s.End]
	switch s.Protocol {
	case 0x0008: // ETH_P_IP, as skb->protocol stores it
		if len(ip) < 20 {
			return 0, nil
		}
		ecn := ip[1] & 3
		if ecn == ecnNotECT {
			return 0, nil
		}
		if ecn != ecnCE {
			old := uint16(ip[0])<<8 | uint16(ip[1])
			ip[1] |= ecnCE
			csumReplace16(ip[10:12], old, uint16(ip[0])<<8|uint16(ip[1]))
		}
		return 1, nil
	case 0xdd86: // ETH_P_IPV6
		if len(ip) < 40 {
			return 0, nil
		}
		ecn := ip[1] >> 4 & 3
		if ecn == ecnNotECT {
			return 0, nil
		}
		ip[1] |= ecnCE << 4
		return 1, nil
	}
	return 0, nil
}

// csumReplace16 updates the big-endian one's complement checksum at c
// for a 16-bit word of the summed data changing from old to new (RFC
// 1624, eqn. 3).
func csumReplace16(c []byte, old, new uint16) {
	sum := uint32(^(uint16(c[0])<<8 | uint16(c[1])))
	sum += uint32(^old) + uint32(new)
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	v := ^uint16(sum)
	c[0], c[1] = byte(v>>8), byte(v)
}

// bpf_csum_level's levels, and the most checksums an skb can carry as
// verified.
const (
	csumLevelQuery = 0
	csumLevelInc   = 1
	csumLevelDec   = 2
	csumLevelReset = 3
	maxCsumLevel   = 3
)

// csumLevel is bpf_csum_level(skb, level): query (the level when the
// checksum is marked unnecessary, else EACCES), increment, decrement or
// reset the skb's count of verified checksums.
func csumLevel(m Machine, a *[5]uint64) (uint64, error) {
	s := skbOf(m)
	if s == nil {
		return 0, noSKB{}
	}
	switch a[1] {
	case csumLevelQuery:
		if !s.CsumUnnecessary {
			return neg(eacces), nil
		}
		return uint64(s.CsumLevel), nil
	case csumLevelInc:
		if !s.CsumUnnecessary {
			s.CsumUnnecessary, s.CsumLevel = true, 0
		} else if s.CsumLevel < maxCsumLevel {
			s.CsumLevel++
		}
	case csumLevelDec:
		if s.CsumUnnecessary {
			if s.CsumLevel == 0 {
				s.CsumUnnecessary = false
			} else {
				s.CsumLevel--
			}
		}
	case csumLevelReset:
		s.CsumUnnecessary, s.CsumLevel = false, 0
	default:
		return neg(maps.EINVAL), nil
	}
	return 0, nil
}
