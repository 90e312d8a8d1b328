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
