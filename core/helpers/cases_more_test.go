package helpers_test

import (
	"fmt"

	"github.com/bpfplay/bpfplay/core/interp/testrun"
	ot "github.com/bpfplay/bpfplay/core/interp/testrun/oracletest"
)

// moreHelperCases sweeps helpers' parameters, one case each, so that a
// difference names the exact input.
func moreHelperCases() []testrun.Case {
	var cs []testrun.Case
	add := func(name, typ string, data []byte, asm string, check bool, maps ...testrun.NamedMap) {
		cs = append(cs, testrun.Case{Name: "helpers/more/" + name, ProgType: typ, Data: data, Asm: asm, CheckData: check,
			Maps: append([]testrun.NamedMap{ot.ResMap()}, maps...)})
	}
	sf, tc, xdp := "socket_filter", "sched_cls", "xdp"
	p := pkt(64, func(b []byte) { b[12], b[13] = 0x08, 0x00 })

	formats := []struct {
		f    string
		args []int64
	}{
		{"%d", []int64{-2147483648}}, {"%u", []int64{-1}}, {"%x", []int64{-1}}, {"%ld", []int64{-1}},
		{"%lld", []int64{-9223372036854775808}}, {"%llu", []int64{-1}}, {"%llx", []int64{-1}},
		{"% d", []int64{5}}, {"%+d", []int64{5}}, {"%010d", []int64{-5}}, {"%-10d|", []int64{5}},
		{"%3d", []int64{12345}}, {"%i", []int64{-7}}, {"%lu", []int64{1 << 40}}, {"%%d", nil},
		{"%d%%", []int64{1}}, {"%c", []int64{0x41}}, {"%5c|", []int64{0x42}}, {"%-5c|", []int64{0x43}},
		{"%pK", []int64{0}}, {"%p", []int64{1}}, {"%pB", []int64{0}}, {"%d\n", []int64{1}}, {"tab\t%d", []int64{2}},
		{"%s", []int64{0}}, {"%lx %lx %lx", []int64{1, 2, 3}}, {"%ld%ld%ld", []int64{-1, -2, -3}},
		{"%ll", []int64{1}}, {"%lll", []int64{1}}, {"%Ld", []int64{1}}, {"%z", []int64{1}}, {"%zu", []int64{1}},
		{"%08X", []int64{0xab}}, {"%-08x|", []int64{0xab}}, {"%00d", []int64{3}}, {"%1234567890d", []int64{1}},
	}
	for i, f := range formats {
		add(fmt.Sprintf("trace_printk/%02d", i), sf, p, ot.Steps(printk(f.f, -1, f.args...)), false)
	}
	// bpf_csum_diff over every pair of small sizes.
	for from := 0; from <= 16; from += 4 {
		var ops []string
		for to := 0; to <= 16; to += 4 {
			ops = append(ops, fmt.Sprintf("r1 = r10\nr1 += -32\nr2 = %d\nr3 = r10\nr3 += -64\nr4 = %d\nr5 = 0x%x\ncall bpf_csum_diff\n", from, to, 0x1234*(from+1)))
		}
		setup := "r1 = 0x0123456789abcdef ll\n*(u64 *)(r10 -32) = r1\nr1 = 0xfedcba9876543210 ll\n*(u64 *)(r10 -24) = r1\n*(u64 *)(r10 -64) = r1\nr1 = 0x1111222233334444 ll\n*(u64 *)(r10 -56) = r1\n*(u64 *)(r10 -16) = r1\n*(u64 *)(r10 -48) = r1\n"
		add(fmt.Sprintf("csum_diff/from-%d", from), tc, ipv4UDP(), setup+ot.Steps(ops...), false)
	}
	// LD_ABS / LD_IND, one load per case: the program's r0 is the value,
	// or 0 when the load is outside the packet.
	sizes := map[int]string{1: "u8", 2: "u16", 4: "u32"}
	for _, sz := range []int{1, 2, 4} {
		for _, off := range []int64{0, 1, 45, 46, 47, 48, 49, 50, -1, -1048576, -1048575, -1048528, -2097152, -2097139, -2097106, -2097105} {
			add(fmt.Sprintf("ld_abs/%d/%d", sz, off), sf, p, fmt.Sprintf("r6 = r1\nr0 = 77\nr0 = *(%s *)skb[%d]\nexit\n", sizes[sz], off), false)
		}
		for _, base := range []int64{0, 40, -1, 0x7fffffff} {
			add(fmt.Sprintf("ld_ind/%d/%d", sz, base), sf, p, fmt.Sprintf("r6 = r1\nr7 = %d ll\nr0 = 77\nr0 = *(%s *)skb[r7 + 8]\nexit\n", base, sizes[sz]), false)
		}
	}
	// bpf_skb_load_bytes offsets and lengths.
	for _, ol := range [][2]int64{{0, 1}, {0, 50}, {1, 50}, {49, 1}, {50, 1}, {10, 16}, {65535, 1}, {65536, 1}, {0, 8}, {42, 8}} {
		add(fmt.Sprintf("skb_load_bytes/%d-%d", ol[0], ol[1]), sf, p, "r6 = r1\n"+ot.Steps(
			fmt.Sprintf("*(u64 *)(r10 -64) = -1\nr1 = r6\nr2 = %d\nr3 = r10\nr3 += -64\nr4 = %d\ncall bpf_skb_load_bytes\n", ol[0], ol[1]),
			"r0 = *(u64 *)(r10 -64)\n"), false)
	}
	// XDP adjust_head / tail / meta deltas, with data_out.
	xd := pkt(60, nil)
	for _, d := range []int64{-300, -257, -256, -216, -215, -100, -1, 0, 1, 45, 46, 47} {
		add(fmt.Sprintf("xdp_adjust_head/%d", d), xdp, xd, fmt.Sprintf("r6 = r1\n"+ot.Steps("r1 = r6\nr2 = %d\ncall bpf_xdp_adjust_head\n", "r2 = *(u32 *)(r6 +0)\nr0 = *(u32 *)(r6 +4)\nr0 -= r2\n"), d), true)
	}
	for _, d := range []int64{-47, -46, -45, -1, 0, 1, 3459, 3460, 3461, 4000} {
		add(fmt.Sprintf("xdp_adjust_tail/%d", d), xdp, xd, fmt.Sprintf("r6 = r1\n"+ot.Steps("r1 = r6\nr2 = %d\ncall bpf_xdp_adjust_tail\n", "r2 = *(u32 *)(r6 +0)\nr0 = *(u32 *)(r6 +4)\nr0 -= r2\n"), d), true)
	}
	for _, d := range []int64{-40, -36, -32, -8, -4, -2, 0, 4} {
		add(fmt.Sprintf("xdp_adjust_meta/%d", d), xdp, xd, fmt.Sprintf("r6 = r1\n"+ot.Steps("r1 = r6\nr2 = %d\ncall bpf_xdp_adjust_meta\n", "r2 = *(u32 *)(r6 +8)\nr0 = *(u32 *)(r6 +0)\nr0 -= r2\n"), d), true)
	}
	// Redirect flags.
	for f := 0; f < 4; f++ {
		add(fmt.Sprintf("redirect/tc-flags-%d", f), tc, ipv4UDP(), fmt.Sprintf("r1 = 1\nr2 = %d\ncall bpf_redirect\nexit\n", f), false)
		add(fmt.Sprintf("redirect/xdp-flags-%d", f), xdp, xd, fmt.Sprintf("r1 = 7\nr2 = %d\ncall bpf_redirect\nexit\n", f), false)
	}
	// skb_store_bytes offsets, lengths and flags.
	for _, v := range [][3]int64{{0, 1, 0}, {0, 14, 0}, {49, 1, 0}, {50, 1, 0}, {20, 8, 1}, {20, 8, 2}, {20, 8, 3}, {20, 8, 8}, {65535, 1, 0}} {
		add(fmt.Sprintf("skb_store_bytes/%d-%d-%d", v[0], v[1], v[2]), tc, ipv4UDP(), "r6 = r1\n"+ot.Steps(
			fmt.Sprintf("r1 = 0x5a5a5a5a5a5a5a5a ll\n*(u64 *)(r10 -64) = r1\n*(u64 *)(r10 -56) = r1\nr1 = r6\nr2 = %d\nr3 = r10\nr3 += -64\nr4 = %d\nr5 = %d\ncall bpf_skb_store_bytes\n", v[0], v[1], v[2])), true)
	}
	// l3/l4 checksum replacement on the IPv4/UDP packet's fields.
	for _, v := range []struct {
		helper        string
		off, from, to int64
		flags         int64
	}{
		{"l3", 24, 0x4011, 0x3f11, 2}, {"l3", 24, 0x0100000a, 0x0200000a, 4}, {"l3", 24, 0, 0xffff, 0}, {"l3", 24, 0, 0x10000, 0},
		{"l3", 48, 0, 1, 2}, {"l3", 49, 0, 1, 2}, {"l3", 24, 0, 1, 1},
		{"l4", 40, 0x0100000a, 0x0200000a, 0x14}, {"l4", 40, 0xd204, 0x3930, 2}, {"l4", 40, 0, 5, 0}, {"l4", 40, 0, 5, 0x10},
		{"l4", 40, 0xd204, 0x3930, 0x22}, {"l4", 40, 0xd204, 0x3930, 0x62}, {"l4", 40, 1, 2, 0x100},
	} {
		add(fmt.Sprintf("%s_csum_replace/%d-%x-%x-%x", v.helper, v.off, v.from, v.to, v.flags), tc, ipv4UDP(), "r6 = r1\n"+ot.Steps(
			fmt.Sprintf("r1 = r6\nr2 = %d\nr3 = %d ll\nr4 = %d ll\nr5 = %d\ncall bpf_%s_csum_replace\n", v.off, v.from, v.to, v.flags, v.helper)), true)
	}
	// probe_read_kernel of n bytes from the stack.
	for _, n := range []int{1, 3, 8, 13, 16} {
		add(fmt.Sprintf("probe_read_kernel/%d", n), sf, p, ot.Steps(fmt.Sprintf(`r1 = 0x0807060504030201 ll
*(u64 *)(r10 -48) = r1
r1 = 0x100f0e0d0c0b0a09 ll
*(u64 *)(r10 -40) = r1
*(u64 *)(r10 -24) = 0
*(u64 *)(r10 -16) = 0
r1 = r10
r1 += -24
r2 = %d
r3 = r10
r3 += -48
call bpf_probe_read_kernel
r1 = *(u64 *)(r10 -24)
r2 = *(u64 *)(r10 -16)
r1 ^= r2
r0 += r1
`, n)), false)
	}
	return cs
}

// newerHelperCases: xdp byte access, relative skb loads, per-CPU lookups.
func newerHelperCases() []testrun.Case {
	var cs []testrun.Case
	add := func(name, typ string, data []byte, asm string, check bool, maps ...testrun.NamedMap) {
		cs = append(cs, testrun.Case{Name: "helpers/more/" + name, ProgType: typ, Data: data, Asm: asm, CheckData: check,
			Maps: append([]testrun.NamedMap{ot.ResMap()}, maps...)})
	}
	xd := pkt(60, nil)
	for _, v := range [][2]int64{{0, 1}, {0, 60}, {59, 1}, {60, 1}, {10, 8}, {65535, 1}, {65536, 1}, {0, 65536}} {
		add(fmt.Sprintf("xdp_load_bytes/%d-%d", v[0], v[1]), "xdp", xd, "r6 = r1\n"+ot.Steps(
			fmt.Sprintf("*(u64 *)(r10 -8) = -1\nr1 = r6\nr2 = %d\nr3 = r10\nr3 += -8\nr4 = %d\ncall bpf_xdp_load_bytes\n", v[0], min(v[1], 8)),
			"r0 = *(u64 *)(r10 -8)\n",
			fmt.Sprintf("r1 = 0x7777777777777777 ll\n*(u64 *)(r10 -8) = r1\nr1 = r6\nr2 = %d\nr3 = r10\nr3 += -8\nr4 = %d\ncall bpf_xdp_store_bytes\n", v[0], min(v[1], 8)),
			"r1 = r6\ncall bpf_xdp_get_buff_len\n"), true)
	}
	p := pkt(64, func(b []byte) { b[12], b[13] = 0x08, 0x00 })
	for _, v := range [][3]int64{{0, 4, 0}, {0, 4, 1}, {60, 4, 0}, {61, 4, 0}, {46, 4, 1}, {47, 4, 1}, {0, 4, 2}, {65536, 1, 0}} {
		add(fmt.Sprintf("skb_load_bytes_relative/%d-%d-%d", v[0], v[1], v[2]), "socket_filter", p, "r6 = r1\n"+ot.Steps(
			fmt.Sprintf("*(u64 *)(r10 -8) = -1\nr1 = r6\nr2 = %d\nr3 = r10\nr3 += -8\nr4 = %d\nr5 = %d\ncall bpf_skb_load_bytes_relative\n", v[0], v[1], v[2]),
			"r0 = *(u64 *)(r10 -8)\n"), false)
	}
	pc := ot.WithInit(ot.M("pc", "percpu_array", 4, 8, 2, 0), "01000000", "0500000000000000")
	add("map_lookup_percpu_elem", "socket_filter", p, ot.Steps(
		"*(u32 *)(r10 -4) = 1\nr1 = map[pc] ll\nr2 = r10\nr2 += -4\nr3 = 0\ncall bpf_map_lookup_percpu_elem\nif r0 == 0 goto pc+1\nr0 = *(u64 *)(r0 +0)\n",
		"*(u32 *)(r10 -4) = 1\nr1 = map[pc] ll\nr2 = r10\nr2 += -4\nr3 = 1\ncall bpf_map_lookup_percpu_elem\n",
		"*(u32 *)(r10 -4) = 7\nr1 = map[pc] ll\nr2 = r10\nr2 += -4\nr3 = 0\ncall bpf_map_lookup_percpu_elem\n",
	), false, pc)
	return cs
}

// flowDissectorCases: the context and output of flow_dissector runs.
func flowDissectorCases() []testrun.Case {
	var cs []testrun.Case
	u := ipv4UDP()
	for i, asm := range []string{
		// keys as the kernel hands them over, returned through a map
		"r6 = r1\n" + ot.Steps("r2 = *(u64 *)(r6 +144)\nr0 = *(u16 *)(r2 +0)\n", "r2 = *(u64 *)(r6 +144)\nr0 = *(u16 *)(r2 +2)\n",
			"r2 = *(u64 *)(r6 +144)\nr0 = *(u16 *)(r2 +10)\n", "r2 = *(u32 *)(r6 +76)\nr0 = *(u32 *)(r6 +80)\nr0 -= r2\n"),
		// a minimal IPv4 dissector writing the keys (the output)
		`r2 = *(u32 *)(r1 +76)
r3 = *(u32 *)(r1 +80)
r4 = *(u64 *)(r1 +144)
r5 = r2
r5 += 34
if r5 > r3 goto drop
r0 = *(u8 *)(r2 +23)
*(u8 *)(r4 +9) = r0
r0 = *(u32 *)(r2 +26)
*(u32 *)(r4 +16) = r0
r0 = *(u32 *)(r2 +30)
*(u32 *)(r4 +20) = r0
r0 = 34
*(u16 *)(r4 +2) = r0
r0 = 8
*(u16 *)(r4 +4) = r0
r0 = 0
exit
drop:
r0 = 2
exit
`,
	} {
		cs = append(cs, testrun.Case{Name: fmt.Sprintf("helpers/more/flow_dissector/%d", i), ProgType: "flow_dissector", Data: u,
			Asm: asm, CheckData: true, Maps: []testrun.NamedMap{ot.ResMap()}})
	}
	return cs
}

// ctxCases: __sk_buff given in ctx_in and returned in ctx_out.
func ctxCases() []testrun.Case {
	var cs []testrun.Case
	ctx := make([]byte, 192)
	ctx[8] = 5   // mark
	ctx[32] = 3  // priority
	ctx[48] = 9  // cb[0]
	ctx[160] = 0 // wire_len
	for i, c := range []struct {
		typ, asm string
	}{
		{"sched_cls", "r2 = *(u32 *)(r1 +8)\nr2 += 1\n*(u32 *)(r1 +8) = r2\nr2 = 77\n*(u32 *)(r1 +52) = r2\nr2 = 4\n*(u32 *)(r1 +32) = r2\nr0 = *(u32 *)(r1 +48)\nexit\n"},
		{"socket_filter", "r2 = 66\n*(u32 *)(r1 +56) = r2\nr0 = *(u32 *)(r1 +8)\nr1 = *(u32 *)(r1 +32)\nr0 <<= 8\nr0 |= r1\nexit\n"},
		{"cgroup_skb", "r2 = 3\n*(u32 *)(r1 +8) = r2\nr0 = 1\nexit\n"},
		{"sched_cls", "r0 = *(u32 *)(r1 +36)\nr1 = *(u32 *)(r1 +40)\nr0 <<= 8\nr0 |= r1\nexit\n"},
	} {
		cs = append(cs, testrun.Case{Name: fmt.Sprintf("helpers/more/ctx/%d-%s", i, c.typ), ProgType: c.typ, Data: ipv4UDP(), Ctx: ctx,
			Asm: c.asm, CheckData: true, Maps: []testrun.NamedMap{ot.ResMap()}})
	}
	return cs
}

// resizeCases: bpf_skb_change_tail and bpf_skb_change_head on tc skbs.
func resizeCases() []testrun.Case {
	var cs []testrun.Case
	plen := "r2 = *(u32 *)(r6 +76)\nr0 = *(u32 *)(r6 +80)\nr0 -= r2\n"
	for _, n := range []int64{0, 13, 14, 15, 49, 50, 51, 100, 1500, 16063, 16064, 16065, -1} {
		cs = append(cs, testrun.Case{Name: fmt.Sprintf("helpers/more/skb_change_tail/%d", n), ProgType: "sched_cls", Data: ipv4UDP(),
			Asm:       "r6 = r1\n" + ot.Steps(fmt.Sprintf("r1 = r6\nr2 = %d ll\nr3 = 0\ncall bpf_skb_change_tail\n", n), plen, "r0 = *(u32 *)(r6 +0)\n"),
			CheckData: true, Maps: []testrun.NamedMap{ot.ResMap()}})
	}
	cs = append(cs, testrun.Case{Name: "helpers/more/skb_change_tail/flags", ProgType: "sched_cls", Data: ipv4UDP(),
		Asm: "r6 = r1\n" + ot.Steps("r1 = r6\nr2 = 60\nr3 = 1\ncall bpf_skb_change_tail\n"), CheckData: true, Maps: []testrun.NamedMap{ot.ResMap()}})
	for _, n := range []int64{0, 1, 4, 14, 64, 100, 200, 16000, 16014, 16015, -1} {
		cs = append(cs, testrun.Case{Name: fmt.Sprintf("helpers/more/skb_change_head/%d", n), ProgType: "sched_cls", Data: ipv4UDP(),
			Asm:       "r6 = r1\n" + ot.Steps(fmt.Sprintf("r1 = r6\nr2 = %d ll\nr3 = 0\ncall bpf_skb_change_head\n", n), plen, "r0 = *(u32 *)(r6 +0)\n", "r0 = *(u32 *)(r6 +16)\n"),
			CheckData: true, Maps: []testrun.NamedMap{ot.ResMap()}})
	}
	return cs
}

// xdpCtxCases: xdp_md given in ctx_in (metadata in front of the data).
func xdpCtxCases() []testrun.Case {
	var cs []testrun.Case
	data := pkt(60, nil)
	md := func(dataOff, dataEnd, meta, ingress, rxq, egress uint32) []byte {
		b := make([]byte, 24)
		for i, v := range []uint32{dataOff, dataEnd, meta, ingress, rxq, egress} {
			b[4*i], b[4*i+1], b[4*i+2], b[4*i+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		}
		return b
	}
	prog := "r6 = r1\n" + ot.Steps("r2 = *(u32 *)(r6 +8)\nr0 = *(u32 *)(r6 +0)\nr0 -= r2\n", "r2 = *(u32 *)(r6 +0)\nr0 = *(u32 *)(r6 +4)\nr0 -= r2\n",
		"r0 = *(u32 *)(r6 +12)\n", "r0 = *(u32 *)(r6 +16)\n", "r1 = r6\nr2 = -4\ncall bpf_xdp_adjust_meta\n")
	for i, ctx := range [][]byte{
		md(8, 60, 0, 0, 0, 0), md(0, 60, 0, 1, 0, 0), md(4, 60, 0, 1, 0, 0), md(32, 60, 0, 0, 0, 0), md(36, 60, 0, 0, 0, 0),
		md(3, 60, 0, 0, 0, 0), md(8, 59, 0, 0, 0, 0), md(8, 60, 4, 0, 0, 0), md(8, 60, 0, 0, 0, 1), md(8, 60, 0, 0, 1, 0),
		md(8, 60, 0, 7, 0, 0), md(0, 0, 0, 0, 0, 0), md(61, 60, 0, 0, 0, 0),
	} {
		cs = append(cs, testrun.Case{Name: fmt.Sprintf("helpers/more/xdp-ctx/%d", i), ProgType: "xdp", Data: data, Ctx: ctx,
			Asm: prog, CheckData: true, Maps: []testrun.NamedMap{ot.ResMap()}})
	}
	return cs
}

// skbCtxFieldCases: which __sk_buff fields ctx_in may set (one field
// non-zero per case) for a tc program.
func skbCtxFieldCases() []testrun.Case {
	var cs []testrun.Case
	for _, off := range []int{0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 64, 68, 72, 76, 80, 84, 88, 92, 96, 100, 116, 132, 136, 140, 144, 152, 160, 164, 168, 176, 180, 184} {
		ctx := make([]byte, 192)
		ctx[off] = 1
		cs = append(cs, testrun.Case{Name: fmt.Sprintf("helpers/more/skb-ctx-field/%d", off), ProgType: "sched_cls", Data: ipv4UDP(), Ctx: ctx,
			Asm: "r0 = *(u32 *)(r1 +8)\nexit\n", CheckData: true, Maps: []testrun.NamedMap{ot.ResMap()}})
	}
	return cs
}

// vlanCases: bpf_skb_vlan_push/pop, out-of-band and in-packet tags.
func vlanCases() []testrun.Case {
	var cs []testrun.Case
	fields := []string{"r0 = *(u32 *)(r6 +20)\n", "r0 = *(u32 *)(r6 +24)\n", "r0 = *(u32 *)(r6 +28)\n", "r0 = *(u32 *)(r6 +16)\n",
		"r2 = *(u32 *)(r6 +76)\nr0 = *(u32 *)(r6 +80)\nr0 -= r2\n"}
	push := func(proto, tci int) string {
		return fmt.Sprintf("r1 = r6\nr2 = %d\nr3 = %d\ncall bpf_skb_vlan_push\n", proto, tci)
	}
	pop := "r1 = r6\ncall bpf_skb_vlan_pop\n"
	tagged := ipv4UDP()
	tagged = append(tagged[:12], append([]byte{0x81, 0x00, 0x00, 0x07}, tagged[12:]...)...)
	qinq := append(append([]byte(nil), tagged[:12]...), append([]byte{0x88, 0xa8, 0x00, 0x05}, tagged[12:]...)...)
	for i, c := range []struct {
		data []byte
		ops  []string
	}{
		{ipv4UDP(), []string{push(0x81, 7)}},
		{ipv4UDP(), []string{push(0xa888, 9), push(0x81, 7)}},
		{ipv4UDP(), []string{push(0x1234, 3)}},
		{ipv4UDP(), []string{push(0x81, 7), push(0x81, 8), pop}},
		{ipv4UDP(), []string{push(0x81, 7), pop, pop}},
		{ipv4UDP(), []string{pop}},
		{tagged, []string{pop}},
		{tagged, []string{pop, pop}},
		{qinq, []string{pop, pop, pop}},
		{tagged, []string{push(0x81, 1), pop}},
	} {
		ops := append(append([]string(nil), c.ops...), fields...)
		cs = append(cs, testrun.Case{Name: fmt.Sprintf("helpers/more/vlan/%d", i), ProgType: "sched_cls", Data: c.data,
			Asm: "r6 = r1\n" + ot.Steps(ops...), CheckData: true, Maps: []testrun.NamedMap{ot.ResMap()}})
	}
	// cb as 8-byte words, wire_len without ctx_in, csum_update.
	cs = append(cs, testrun.Case{Name: "helpers/more/skb/cb-u64", ProgType: "sched_cls", Data: ipv4UDP(), CheckData: true,
		Asm: "r6 = r1\n" + ot.Steps("r2 = 0x1122334455667788 ll\n*(u64 *)(r6 +48) = r2\nr0 = *(u64 *)(r6 +48)\n", "r0 = *(u32 *)(r6 +52)\n",
			"r2 = -1\n*(u64 *)(r6 +56) = r2\nr0 = *(u32 *)(r6 +64)\n", "r0 = *(u32 *)(r6 +160)\n",
			"r1 = r6\nr2 = 5\ncall bpf_csum_update\n"), Maps: []testrun.NamedMap{ot.ResMap()}})
	return cs
}

// adjustRoomCases: bpf_skb_adjust_room on an IPv4 tc packet.
func adjustRoomCases() []testrun.Case {
	var cs []testrun.Case
	plen := "r2 = *(u32 *)(r6 +76)\nr0 = *(u32 *)(r6 +80)\nr0 -= r2\n"
	for _, v := range [][3]int64{{8, 0, 0}, {8, 1, 0}, {-8, 0, 0}, {-8, 1, 0}, {-16, 1, 0}, {-17, 1, 0}, {-20, 0, 0}, {4095, 0, 0},
		{4096, 0, 0}, {8, 2, 0}, {8, 0, 1}, {8, 0, 32}, {8, 0, 128}, {-8, 0, 2}, {20, 1, 2}, {40, 1, 4}, {0, 0, 0}} {
		cs = append(cs, testrun.Case{Name: fmt.Sprintf("helpers/more/skb_adjust_room/%d-%d-%d", v[0], v[1], v[2]), ProgType: "sched_cls",
			Data: ipv4UDP(), CheckData: true, Maps: []testrun.NamedMap{ot.ResMap()},
			Asm: "r6 = r1\n" + ot.Steps(fmt.Sprintf("r1 = r6\nr2 = %d\nr3 = %d\nr4 = %d ll\ncall bpf_skb_adjust_room\n", v[0], v[1], v[2]), plen, "r0 = *(u32 *)(r6 +16)\n")})
	}
	v6 := ipv4UDP()
	v6[12], v6[13] = 0x86, 0xdd
	v6 = append(v6, make([]byte, 40)...)
	cs = append(cs, testrun.Case{Name: "helpers/more/skb_adjust_room/ipv6", ProgType: "sched_cls", Data: v6, CheckData: true,
		Maps: []testrun.NamedMap{ot.ResMap()}, Asm: "r6 = r1\n" + ot.Steps("r1 = r6\nr2 = -8\nr3 = 0\nr4 = 0\ncall bpf_skb_adjust_room\n", plen)})
	arp := ipv4UDP()
	arp[12], arp[13] = 0x08, 0x06
	cs = append(cs, testrun.Case{Name: "helpers/more/skb_adjust_room/arp", ProgType: "sched_cls", Data: arp, CheckData: true,
		Maps: []testrun.NamedMap{ot.ResMap()}, Asm: "r6 = r1\n" + ot.Steps("r1 = r6\nr2 = 8\nr3 = 0\nr4 = 0\ncall bpf_skb_adjust_room\n", plen)})
	return cs
}
