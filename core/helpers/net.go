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

// skAssign is bpf_sk_assign for tc: flags must be 0 (EINVAL), and a test
// run's skb is not at tc ingress, where the helper works (EOPNOTSUPP).
func skAssign(m Machine, a *[5]uint64) (uint64, error) {
	if skbOf(m) == nil {
		return 0, noSKB{}
	}
	if a[2] != 0 {
		return neg(maps.EINVAL), nil
	}
	return neg(maps.EOPNOTSUPP), nil
}
