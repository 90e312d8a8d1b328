package helpers_test

import (
	"fmt"

	"github.com/bpfplay/bpfplay/core/interp/testrun"
	ot "github.com/bpfplay/bpfplay/core/interp/testrun/oracletest"
)

// tcCases: helpers of tc (and XDP) datapaths that answer from the test
// run's device (lo, MTU 65536) and skb: MTU checks, redirects to a
// neighbour or a peer, packet type changes, cgroup ids.
func tcCases() []testrun.Case {
	var cs []testrun.Case
	// check_mtu(ctx, ifindex, &mtu_len, len_diff, flags): r0, then
	// mtu_len after the call.
	mtu := func(ifindex, mtuIn, lenDiff, flags int) []string {
		return []string{fmt.Sprintf("*(u32 *)(r10 -4) = %d\nr1 = r6\nr2 = %d\nr3 = r10\nr3 += -4\nr4 = %d\nr5 = %d\ncall bpf_check_mtu\n", mtuIn, ifindex, lenDiff, flags),
			"r0 = *(u32 *)(r10 -4)\n"}
	}
	rows := [][4]int{
		{0, 0, 0, 0}, {1, 0, 0, 0}, {77, 0, 0, 0}, {0, 0, 100, 0}, {0, 0, 65536, 0}, {0, 0, 65500, 0},
		{0, 0, -10, 0}, {0, 0, -100, 0}, {0, 1500, 0, 0}, {0, 70000, 0, 0}, {0, 65536, 0, 0}, {0, 0, 0, 1},
		{0, 0, 0, 2}, {0, 65537, 0, 0}, {77, 1234, 0, 0}, {0, 1234, 0, 2},
		{0, 65536, 1, 0}, {0, 65530, 6, 0}, {0, 65530, 7, 0}, {0, 100, -200, 0}, {0, 0, -60, 0},
		{2, 0, 0, 0},
	}
	for _, pt := range []string{"xdp", "sched_cls"} {
		for start := 0; start < len(rows); start += 16 {
			var ops []string
			for _, r := range rows[start:min(start+16, len(rows))] {
				ops = append(ops, mtu(r[0], r[1], r[2], r[3])...)
			}
			cs = append(cs, testrun.Case{Name: fmt.Sprintf("helpers/tc/check_mtu/%s/%d", pt, start/16), ProgType: pt, Data: ipv4UDP(),
				Asm: "r6 = r1\n" + ot.Steps(ops...), Maps: []testrun.NamedMap{ot.ResMap()}})
		}
	}
	neigh := func(ifindex, plen, flags int, withParams bool) string {
		p := "r2 = 0\n"
		if withParams {
			p = "*(u64 *)(r10 -24) = 0\n*(u64 *)(r10 -16) = 0\n*(u32 *)(r10 -8) = 0\n*(u32 *)(r10 -24) = 2\nr2 = r10\nr2 += -24\n"
		}
		return fmt.Sprintf("r1 = %d\n%sr3 = %d\nr4 = %d\ncall bpf_redirect_neigh\n", ifindex, p, plen, flags)
	}
	peer := func(ifindex, flags int) string {
		return fmt.Sprintf("r1 = %d\nr2 = %d\ncall bpf_redirect_peer\n", ifindex, flags)
	}
	changeType := func(t int) string { return fmt.Sprintf("r1 = r6\nr2 = %d\ncall bpf_skb_change_type\n", t) }
	cs = append(cs, testrun.Case{Name: "helpers/tc/redirects", ProgType: "sched_cls", Data: ipv4UDP(),
		Asm: "r6 = r1\n" + ot.Steps(neigh(1, 0, 0, false), neigh(77, 0, 0, false), neigh(1, 0, 1, false), neigh(1, 20, 0, true),
			neigh(1, 19, 0, true), peer(1, 0), peer(77, 0), peer(1, 1),
			changeType(0), "r0 = *(u32 *)(r6 +4)\n", changeType(3), "r0 = *(u32 *)(r6 +4)\n", changeType(4), changeType(7),
			"r0 = *(u32 *)(r6 +4)\n",
			"r1 = r6\ncall bpf_skb_cgroup_id\n", "r1 = r6\nr2 = 0\ncall bpf_skb_ancestor_cgroup_id\n",
			"r1 = r6\nr2 = 1\ncall bpf_skb_ancestor_cgroup_id\n", "r1 = r6\ncall bpf_skb_cgroup_classid\n",
			"r1 = r6\ncall bpf_get_socket_uid\n"),
		Maps: []testrun.NamedMap{ot.ResMap()}})
	// The packet after the last redirect, and the run's verdict.
	cs = append(cs, testrun.Case{Name: "helpers/tc/redirect_neigh_verdict", ProgType: "sched_cls", Data: ipv4UDP(),
		Asm: neigh(1, 0, 0, false) + "exit\n", CheckData: true})
	cs = append(cs, testrun.Case{Name: "helpers/tc/redirect_peer_verdict", ProgType: "sched_cls", Data: ipv4UDP(),
		Asm: peer(1, 0) + "exit\n", CheckData: true})
	return cs
}

// tcSockCases: what the test run's skb is not — a TCP, UDP, unix or
// MPTCP socket's, a tunnel's or an IPsec packet's — and clone_redirect
// to lo.
func tcSockCases() []testrun.Case {
	skc := func(h string) string {
		return fmt.Sprintf("r0 = -1\nr1 = *(u64 *)(r6 +168)\nif r1 == 0 goto +3\ncall bpf_%s\nif r0 == 0 goto +1\nr0 = 1\n", h)
	}
	fill := "r1 = -1\n*(u64 *)(r10 -64) = r1\n*(u64 *)(r10 -56) = r1\n*(u64 *)(r10 -48) = r1\n*(u64 *)(r10 -40) = r1\n*(u64 *)(r10 -32) = r1\n*(u64 *)(r10 -24) = r1\n"
	getKey := func(size, flags int) string {
		return fill + fmt.Sprintf("r1 = r6\nr2 = r10\nr2 += -64\nr3 = %d\nr4 = %d\ncall bpf_skb_get_tunnel_key\n", size, flags)
	}
	syncookie := func(h string) string {
		return fmt.Sprintf("r0 = -1\nr1 = *(u64 *)(r6 +168)\nif r1 == 0 goto +11\nr2 = *(u32 *)(r6 +76)\nr3 = *(u32 *)(r6 +80)\nr4 = r2\nr4 += 54\nif r4 > r3 goto +6\nr2 += 14\nr3 = 20\nr4 = r2\nr4 += 20\nr5 = 20\ncall bpf_%s\n", h)
	}
	var ops []string
	for _, h := range []string{"skc_to_tcp6_sock", "skc_to_tcp_sock", "skc_to_tcp_timewait_sock", "skc_to_tcp_request_sock",
		"skc_to_udp6_sock", "skc_to_unix_sock", "skc_to_mptcp_sock"} {
		ops = append(ops, skc(h))
	}
	ops = append(ops,
		getKey(44, 0), "r0 = *(u64 *)(r10 -64)\n", "r0 = *(u64 *)(r10 -40)\n", getKey(28, 0), getKey(44, 1), getKey(44, 4),
		getKey(24, 0), getKey(22, 0), getKey(20, 0), "r0 = *(u64 *)(r10 -48)\n", "r0 = *(u64 *)(r10 -40)\n",
		fill+"r1 = r6\nr2 = r10\nr2 += -64\nr3 = 16\ncall bpf_skb_get_tunnel_opt\n", "r0 = *(u64 *)(r10 -64)\n",
		fill+"r1 = r6\nr2 = 0\nr3 = r10\nr3 += -64\nr4 = 24\nr5 = 0\ncall bpf_skb_get_xfrm_state\n", "r0 = *(u64 *)(r10 -48)\n",
		syncookie("tcp_check_syncookie"), syncookie("tcp_gen_syncookie"),
	)
	clone := func(ifindex, flags int) string {
		return fmt.Sprintf("r1 = r6\nr2 = %d\nr3 = %d\ncall bpf_clone_redirect\n", ifindex, flags)
	}
	return []testrun.Case{
		{Name: "helpers/tc/not_a/sched_cls", ProgType: "sched_cls", Data: tcpSYN(), Asm: "r6 = r1\n" + ot.Steps(ops...),
			Maps: []testrun.NamedMap{ot.ResMap()}},
		{Name: "helpers/tc/clone_redirect", ProgType: "sched_cls", Data: ipv4UDP(), CheckData: true,
			Asm:  "r6 = r1\n" + ot.Steps(clone(1, 0), clone(77, 0), clone(1, 2), clone(1, 1), clone(0, 0)),
			Maps: []testrun.NamedMap{ot.ResMap()}},
		{Name: "helpers/tc/clone_redirect/syn", ProgType: "sched_cls", Data: tcpSYN(), CheckData: true,
			Asm:  "r6 = r1\n" + ot.Steps(clone(1, 0), clone(1, 1), clone(1, 0), clone(1, 1)),
			Maps: []testrun.NamedMap{ot.ResMap()}},
		{Name: "helpers/tc/clone_redirect/arp", ProgType: "sched_cls", Data: pkt(60, func(b []byte) { b[12], b[13] = 8, 6 }), CheckData: true,
			Asm:  "r6 = r1\n" + ot.Steps(clone(1, 0), clone(1, 1)),
			Maps: []testrun.NamedMap{ot.ResMap()}},
		{Name: "helpers/tc/clone_redirect/act", ProgType: "sched_act", Data: ipv4UDP(), CheckData: true,
			Asm:  "r6 = r1\n" + ot.Steps(clone(1, 0), clone(1, 1)),
			Maps: []testrun.NamedMap{ot.ResMap()}},
	}
}

// tcpSYN is an Ethernet + IPv4 + TCP SYN (20-byte TCP header).
func tcpSYN() []byte {
	b := make([]byte, 14+20+20)
	b[12], b[13] = 0x08, 0x00
	ip := b[14:]
	ip[0], ip[3], ip[8], ip[9] = 0x45, 40, 64, 6
	copy(ip[12:], []byte{10, 0, 0, 1, 10, 0, 0, 2})
	tcp := ip[20:]
	tcp[0], tcp[1], tcp[2], tcp[3] = 0x04, 0xd2, 0, 80
	tcp[12], tcp[13] = 0x50, 0x02 // 5 words, SYN
	tcp[14], tcp[15] = 0xff, 0xff
	return withTOS(b, 0)
}

// cgroupSkbCases: the socket's cgroup and skb timestamps.
func cgroupSkbCases() []testrun.Case {
	skCg := func(h string, arg int) string {
		return fmt.Sprintf("r0 = -1\nr1 = *(u64 *)(r6 +168)\nif r1 == 0 goto +5\ncall bpf_sk_fullsock\nif r0 == 0 goto +3\nr1 = r0\nr2 = %d\ncall bpf_%s\n", arg, h)
	}
	tstamp := func(ts int64, typ int) string {
		return fmt.Sprintf("r1 = r6\nr2 = %d ll\nr3 = %d\ncall bpf_skb_set_tstamp\n", ts, typ)
	}
	return []testrun.Case{
		{Name: "helpers/cgroup_skb/ids", ProgType: "cgroup_skb", Data: ipv4UDP(), Maps: []testrun.NamedMap{ot.ResMap()},
			Asm: "r6 = r1\n" + ot.Steps(skCg("sk_cgroup_id", 0), skCg("sk_ancestor_cgroup_id", 0),
				skCg("sk_ancestor_cgroup_id", 1), skCg("sk_ancestor_cgroup_id", -1))},
		{Name: "helpers/tc/set_tstamp", ProgType: "sched_cls", Data: ipv4UDP(), Maps: []testrun.NamedMap{ot.ResMap()},
			Asm: "r6 = r1\n" + ot.Steps(tstamp(1000, 1), "r0 = *(u64 *)(r6 +152)\n", "r0 = *(u8 *)(r6 +180)\n",
				tstamp(0, 1), tstamp(5, 0), tstamp(0, 0), "r0 = *(u64 *)(r6 +152)\n", "r0 = *(u8 *)(r6 +180)\n",
				tstamp(1, 2), tstamp(1, 3), tstamp(-1, 1), "r0 = *(u64 *)(r6 +152)\n")},
	}
}
