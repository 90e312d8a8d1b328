package helpers_test

import (
	"fmt"
	"strings"

	"github.com/bpfplay/bpfplay/core/interp/testrun"
	ot "github.com/bpfplay/bpfplay/core/interp/testrun/oracletest"
)

// The network-stack helpers a test run reaches: the kernel runs the
// program in a network namespace with only lo (ifindex 1, up, forwarding
// off) and no sockets. These cases pin down what route and socket
// lookups answer there, and the skb-less flow dissector and the
// cgroup_skb packet pointers of the test run.

// fibParams writes a struct bpf_fib_lookup (64 bytes) at fp-64..fp-1:
// family, ifindex, destination (IPv4 in the first word of ipv4_dst,
// IPv6 as four words) and tot_len; the rest zero.
func fibParams(family, ifindex int, src, dst []uint32, totLen int) string {
	var sb strings.Builder
	for off := -64; off < 0; off += 8 {
		fmt.Fprintf(&sb, "*(u64 *)(r10 %d) = 0\n", off)
	}
	fmt.Fprintf(&sb, "*(u8 *)(r10 -64) = %d\n", family)
	fmt.Fprintf(&sb, "*(u16 *)(r10 -58) = %d\n", totLen)
	fmt.Fprintf(&sb, "*(u32 *)(r10 -56) = %d\n", ifindex)
	for i, w := range src {
		fmt.Fprintf(&sb, "*(u32 *)(r10 %d) = %d\n", -48+4*i, int32(w))
	}
	for i, w := range dst {
		fmt.Fprintf(&sb, "*(u32 *)(r10 %d) = %d\n", -32+4*i, int32(w))
	}
	return sb.String()
}

// fib calls bpf_fib_lookup(ctx, fp-64, size, flags) with the context in
// r6; r0 = the result.
func fib(size, flags int) string {
	return fmt.Sprintf("r1 = r6\nr2 = r10\nr2 += -64\nr3 = %d\nr4 = %d\ncall bpf_fib_lookup\n", size, flags)
}

// fibField loads a u16 or u32 of the params after a lookup into r0.
func fibField(size string, off int) string {
	return fmt.Sprintf("r0 = *(%s *)(r10 %d)\n", size, -64+off)
}

// be32 is an IPv4 address as the u32 the program stores (network order
// in memory on a little-endian CPU).
func be32(a, b, c, d byte) uint32 {
	return uint32(a) | uint32(b)<<8 | uint32(c)<<16 | uint32(d)<<24
}

func fibCases() []testrun.Case {
	v4 := func(a, b, c, d byte) []uint32 { return []uint32{be32(a, b, c, d)} }
	v6 := func(last uint32, first uint32) []uint32 { return []uint32{first, 0, 0, last} }
	const afInet, afInet6 = 2, 10
	type fc struct {
		name          string
		family, ifidx int
		dst           []uint32
		size, flags   int
		src           []uint32
	}
	rows := []fc{
		{"v4-lo-forward", afInet, 1, v4(10, 0, 0, 2), 64, 0, nil},
		{"v4-lo-direct", afInet, 1, v4(10, 0, 0, 2), 64, 1, nil},
		{"v4-lo-output-remote", afInet, 1, v4(10, 0, 0, 2), 64, 2, nil},
		{"v4-lo-output-local", afInet, 1, v4(127, 0, 0, 1), 64, 2, nil},
		{"v4-lo-output-direct", afInet, 1, v4(127, 0, 0, 1), 64, 3, nil},
		{"v4-short", afInet, 1, v4(10, 0, 0, 2), 63, 0, nil},
		{"v4-bad-flags", afInet, 1, v4(10, 0, 0, 2), 64, 4, nil},
		{"v4-no-dev", afInet, 77, v4(10, 0, 0, 2), 64, 0, nil},
		{"v4-ifindex-0", afInet, 0, v4(10, 0, 0, 2), 64, 2, nil},
		{"v6-lo-forward", afInet6, 1, v6(be32(0, 0, 0, 2), be32(0x20, 0x01, 0x0d, 0xb8)), 64, 0, nil},
		{"v6-lo-output-remote", afInet6, 1, v6(be32(0, 0, 0, 2), be32(0x20, 0x01, 0x0d, 0xb8)), 64, 2, nil},
		{"v6-lo-output-local", afInet6, 1, v6(be32(0, 0, 0, 1), 0), 64, 2, nil},
		{"v6-no-dev", afInet6, 77, v6(be32(0, 0, 0, 1), 0), 64, 0, nil},
		{"family-unix", 1, 1, v4(10, 0, 0, 2), 64, 0, nil},
		{"family-0", 0, 1, v4(10, 0, 0, 2), 64, 2, nil},
		{"flags-8", afInet, 1, v4(10, 0, 0, 2), 64, 8, nil},
		{"flags-16", afInet, 1, v4(10, 0, 0, 2), 64, 16, nil},
		{"family-unix-short", 1, 1, v4(10, 0, 0, 2), 63, 0, nil},
		{"family-unix-flags", 1, 1, v4(10, 0, 0, 2), 64, 8, nil},
		{"v4-multicast", afInet, 1, v4(224, 0, 0, 1), 64, 0, nil},
		{"v4-no-dev-output", afInet, 77, v4(127, 0, 0, 1), 64, 2, nil},
		{"v6-multicast", afInet6, 1, v6(be32(0, 0, 0, 1), be32(0xff, 0x02, 0, 0)), 64, 0, nil},
		{"v6-link-local", afInet6, 1, v6(be32(0, 0, 0, 1), be32(0xfe, 0x80, 0, 0)), 64, 0, nil},
		{"v6-no-dev-remote", afInet6, 77, v6(be32(0, 0, 0, 2), be32(0x20, 0x01, 0x0d, 0xb8)), 64, 2, nil},
		{"v6-short", afInet6, 1, v6(be32(0, 0, 0, 2), be32(0x20, 0x01, 0x0d, 0xb8)), 63, 0, nil},
		{name: "v6-src-loopback", family: afInet6, ifidx: 1, dst: v6(be32(0, 0, 0, 2), be32(0x20, 0x01, 0x0d, 0xb8)), size: 64, flags: 0, src: v6(be32(0, 0, 0, 1), 0)},
		{name: "v6-src-link-local", family: afInet6, ifidx: 77, dst: v6(be32(0, 0, 0, 2), be32(0x20, 0x01, 0x0d, 0xb8)), size: 64, flags: 0, src: v6(be32(0, 0, 0, 1), be32(0xfe, 0x80, 0, 0))},
		{name: "v4-src-loopback", family: afInet, ifidx: 1, dst: v4(10, 0, 0, 2), size: 64, flags: 0, src: v4(127, 0, 0, 1)},
	}
	var cs []testrun.Case
	for _, pt := range []string{"xdp", "sched_cls"} {
		for _, r := range rows {
			asm := "r6 = r1\n" + ot.Steps(
				fibParams(r.family, r.ifidx, r.src, r.dst, 100)+fib(r.size, r.flags),
				fibField("u16", 6), // mtu_result
				fibField("u32", 8), // ifindex
				fibField("u8", 1),  // l4_protocol (untouched)
			)
			cs = append(cs, testrun.Case{Name: "helpers/net/fib/" + pt + "/" + r.name, ProgType: pt, Data: ipv4UDP(),
				Asm: asm, Maps: []testrun.NamedMap{ot.ResMap()}})
		}
	}
	return cs
}

// sockLookup stores a bpf_sock_tuple (IPv4: 127.0.0.1:1234 -> 127.0.0.1:80,
// IPv6: ::1 -> ::1) at fp-40 and calls the lookup; r0 = 1 when it found
// a socket (released again), 0 when not.
func sockLookup(helper string, size int, netns int64, flags int) string {
	release := "r1 = r0\ncall bpf_sk_release\nr0 = 1\n"
	return fmt.Sprintf(`*(u64 *)(r10 -40) = 0
*(u64 *)(r10 -32) = 0
*(u64 *)(r10 -24) = 0
*(u64 *)(r10 -16) = 0
*(u64 *)(r10 -8) = 0
*(u32 *)(r10 -40) = %d
*(u32 *)(r10 -36) = %d
*(u16 *)(r10 -32) = 0xd204
*(u16 *)(r10 -30) = 0x5000
r1 = r6
r2 = r10
r2 += -40
r3 = %d
r4 = %d ll
r5 = %d
call bpf_%s
if r0 == 0 goto +%d
%sgoto +1
r0 = 0
`, int32(be32(127, 0, 0, 1)), int32(be32(127, 0, 0, 1)), size, netns, flags, helper, strings.Count(release, "\n")+1, release)
}

func sockCases() []testrun.Case {
	var cs []testrun.Case
	for _, pt := range []string{"xdp", "sched_cls"} {
		var ops []string
		for _, h := range []string{"sk_lookup_tcp", "sk_lookup_udp", "skc_lookup_tcp"} {
			ops = append(ops,
				sockLookup(h, 12, -1, 0),         // IPv4 tuple, current netns
				sockLookup(h, 36, -1, 0),         // IPv6 tuple
				sockLookup(h, 13, -1, 0),         // neither size
				sockLookup(h, 12, 0, 0),          // netns id 0
				sockLookup(h, 12, 0xffffffff, 0), // BPF_F_CURRENT_NETNS as u32
				sockLookup(h, 12, -1, 1),         // flags
			)
		}
		cs = append(cs, testrun.Case{Name: "helpers/net/sock_lookup/" + pt, ProgType: pt, Data: ipv4UDP(),
			Asm: "r6 = r1\n" + ot.Steps(ops...), Maps: []testrun.NamedMap{ot.ResMap()}})
	}
	// skb->sk in a tc test run, and bpf_sk_assign with it.
	cs = append(cs, testrun.Case{Name: "helpers/net/skb_sk/sched_cls", ProgType: "sched_cls", Data: ipv4UDP(),
		Asm: "r6 = r1\n" + ot.Steps(
			"r0 = *(u64 *)(r6 +168)\nif r0 == 0 goto +1\nr0 = 1\n",
			"r2 = *(u64 *)(r6 +168)\nr0 = -1\nif r2 == 0 goto +4\nr1 = r6\nr3 = 0\ncall bpf_sk_assign\n",
			"r2 = *(u64 *)(r6 +168)\nr0 = -1\nif r2 == 0 goto +4\nr1 = r6\nr3 = 1\ncall bpf_sk_assign\n",
		), Maps: []testrun.NamedMap{ot.ResMap()}})
	// The socket a test run's skb carries, seen as a full struct
	// bpf_sock (80 bytes), for an IPv4 and an IPv6 packet.
	var fields []string
	fields = append(fields, "r0 = *(u64 *)(r6 +168)\nif r0 == 0 goto +3\nr1 = r0\ncall bpf_sk_fullsock\nif r0 == 0 goto +1\nr0 = 1\n")
	for off := 0; off < 80; off += 4 {
		fields = append(fields, fmt.Sprintf("r0 = -1\nr1 = *(u64 *)(r6 +168)\nif r1 == 0 goto +4\ncall bpf_sk_fullsock\nif r0 == 0 goto +2\nr0 = *(u32 *)(r0 +%d)\ngoto +0\n", off))
	}
	for _, pt := range []string{"sched_cls", "cgroup_skb"} {
		for _, p := range []struct {
			name string
			data []byte
		}{{"ipv4", ipv4UDP()}, {"ipv6", ipv6UDP()}} {
			cs = append(cs, testrun.Case{Name: "helpers/net/skb_sk_fields/" + pt + "/" + p.name, ProgType: pt, Data: p.data,
				Asm: "r6 = r1\n" + ot.Steps(fields...), Maps: []testrun.NamedMap{ot.ResMap()}})
		}
	}
	// The same socket through __sk_buff's family .. local_port (cgroup_skb
	// may read them; tc may not).
	var words []string
	for off := 88; off < 140; off += 4 {
		words = append(words, fmt.Sprintf("r0 = *(u32 *)(r6 +%d)\n", off))
	}
	for _, p := range []struct {
		name string
		data []byte
	}{{"ipv4", ipv4UDP()}, {"ipv6", ipv6UDP()}, {"arp", pkt(42, func(b []byte) { b[12], b[13] = 0x08, 0x06 })}} {
		cs = append(cs, testrun.Case{Name: "helpers/net/skb_sock_words/cgroup_skb/" + p.name, ProgType: "cgroup_skb", Data: p.data,
			Asm: "r6 = r1\n" + ot.Steps(words...), Maps: []testrun.NamedMap{ot.ResMap()}})
	}
	return cs
}

// ipv6UDP is an Ethernet + IPv6 + UDP packet (2001:db8::1 -> 2001:db8::2,
// ports 1234 -> 53).
func ipv6UDP() []byte {
	b := make([]byte, 14+40+8+8)
	b[12], b[13] = 0x86, 0xdd
	ip := b[14:]
	ip[0] = 0x60
	ip[5] = 16 // payload length
	ip[6] = 17 // UDP
	ip[7] = 64
	copy(ip[8:], []byte{0x20, 0x01, 0x0d, 0xb8, 12: 0, 15: 1})
	copy(ip[24:], []byte{0x20, 0x01, 0x0d, 0xb8, 12: 0, 15: 2})
	udp := ip[40:]
	udp[0], udp[1], udp[2], udp[3], udp[5] = 0x04, 0xd2, 0, 53, 16
	copy(udp[8:], "payload!")
	return b
}

// packetPtrCases: the packet pointers a test run hands to program types
// whose test run does not compute them (cgroup_skb), and
// bpf_skb_load_bytes in the skb-less flow dissector run.
func packetPtrCases() []testrun.Case {
	cmp := ot.Steps(
		"r2 = *(u32 *)(r6 +80)\nr0 = 0\nif r2 != 0 goto +1\nr0 = 1\n",                                  // data_end == 0
		"r2 = *(u32 *)(r6 +76)\nr3 = *(u32 *)(r6 +80)\nr0 = 0\nif r3 <= r2 goto +1\nr0 = 1\n",          // data_end > data
		"r2 = *(u32 *)(r6 +76)\nr3 = *(u32 *)(r6 +80)\nr2 += 20\nr0 = 0\nif r2 > r3 goto +1\nr0 = 1\n", // 20 bytes readable
		"r0 = *(u32 *)(r6 +0)\n", // len
	)
	var cs []testrun.Case
	for _, pt := range []string{"cgroup_skb", "sched_cls"} {
		cs = append(cs, testrun.Case{Name: "helpers/net/pkt_ptrs/" + pt, ProgType: pt, Data: ipv4UDP(),
			Asm: "r6 = r1\n" + cmp, Maps: []testrun.NamedMap{ot.ResMap()}})
	}
	load := func(off, n int) string {
		return fmt.Sprintf("*(u64 *)(r10 -48) = -1\nr1 = r6\nr2 = %d\nr3 = r10\nr3 += -48\nr4 = %d\ncall bpf_skb_load_bytes\n", off, n)
	}
	cs = append(cs, testrun.Case{Name: "helpers/net/flow_dissector_load_bytes", ProgType: "flow_dissector", Data: ipv4UDP(),
		Asm: "r6 = r1\n" + ot.Steps(
			load(14, 8), "r0 = *(u64 *)(r10 -48)\n",
			load(0, 4), "r0 = *(u64 *)(r10 -48)\n",
			load(70000, 4), "r0 = *(u64 *)(r10 -48)\n",
		), Maps: []testrun.NamedMap{ot.ResMap()}})
	return cs
}

// cpumapCases: a cpumap's creation rules and bpf_redirect_map on an
// empty slot (the fallback action in the flags' low bits).
func cpumapCases() []testrun.Case {
	var cs []testrun.Case
	for _, m := range []struct {
		name             string
		key, val, max, f uint32
	}{
		{"ok-qsize", 4, 4, 4, 0},
		{"ok-val", 4, 8, 4, 0},
		{"bad-val", 4, 12, 4, 0},
		{"bad-key", 8, 4, 4, 0},
		{"zero-entries", 4, 4, 0, 0},
		{"flags", 4, 4, 4, 1},
		{"numa", 4, 4, 4, 4},
		{"above-nr-cpus", 4, 4, 9000, 0},
	} {
		cs = append(cs, testrun.Case{Name: "helpers/net/cpumap/create/" + m.name, MapCreate: true,
			Maps: []testrun.NamedMap{ot.M("cpus", "cpumap", m.key, m.val, m.max, m.f)}})
	}
	for _, e := range []struct{ name, key, val string }{
		{"cpu0", "00000000", "c0000000"},
		{"cpu1", "01000000", "c0000000"},
		{"cpu0-qsize-0", "00000000", "00000000"},
		{"cpu0-qsize-big", "00000000", "01410000"},
		{"cpu3-qsize-big", "03000000", "01410000"},
		{"index-past-end", "04000000", "c0000000"},
	} {
		cs = append(cs, testrun.Case{Name: "helpers/net/cpumap/init/" + e.name, ProgType: "xdp", Data: ipv4UDP(),
			Asm:  "r1 = map[cpus] ll\nr2 = 0\nr3 = 2\ncall bpf_redirect_map\nexit\n",
			Maps: []testrun.NamedMap{ot.WithInit(ot.M("cpus", "cpumap", 4, 4, 4, 0), e.key, e.val)}})
	}
	redirect := func(key, flags int) string {
		return fmt.Sprintf("r1 = map[cpus] ll\nr2 = %d\nr3 = %d\ncall bpf_redirect_map\n", key, flags)
	}
	cs = append(cs, testrun.Case{Name: "helpers/net/cpumap/redirect", ProgType: "xdp", Data: ipv4UDP(),
		Asm:  ot.Steps(redirect(0, 0), redirect(1, 2), redirect(3, 1), redirect(9, 3), redirect(0, 8), redirect(0, 16)),
		Maps: []testrun.NamedMap{ot.ResMap(), ot.M("cpus", "cpumap", 4, 4, 4, 0)}})
	return cs
}

func netCases() []testrun.Case {
	return append(append(append(fibCases(), sockCases()...), packetPtrCases()...), cpumapCases()...)
}
