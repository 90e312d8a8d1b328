package helpers_test

import (
	"encoding/binary"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/interp/testrun"
	ot "github.com/bpfplay/bpfplay/core/interp/testrun/oracletest"
	"github.com/bpfplay/bpfplay/core/record"
)

// Helpers checked against Linux 6.1: each case calls helpers and records
// their results in the "res" array (see core/maps' oracle test for the
// harness); testdata/oracle.jsonl holds the kernel's answers. Refresh:
//
//	go test ./core/helpers -run TestOracle -oracle-in /tmp/h.jsonl
//	scripts/oracle.sh /tmp/h.jsonl /tmp/h.out
//	go test ./core/helpers -run TestOracle -oracle-trim /tmp/h.out
var (
	oracleIn   = flag.String("oracle-in", "", "write the cases as oracle input to this file and stop")
	oracleTrim = flag.String("oracle-trim", "", "trim this oracle output into testdata/oracle.jsonl and testdata/net-programs.jsonl.gz")
)

func TestOracle(t *testing.T) {
	if *oracleTrim != "" {
		writeNetPrograms(t, *oracleTrim)
	}
	ot.Run(t, append(append(append(helperCases(), moreHelperCases()...), newerHelperCases()...), append(append(append(flowDissectorCases(), ctxCases()...), resizeCases()...), append(append(xdpCtxCases(), skbCtxFieldCases()...), append(append(append(append(append(append(append(vlanCases(), adjustRoomCases()...), netCases()...), miscCases()...), tcCases()...), dynptrCases()...), tcSockCases()...), cgroupSkbCases()...)...)...)...), "testdata/oracle.jsonl", *oracleIn, *oracleTrim)
}

// str stores s (NUL-terminated, padded to 8) on the stack ending at fp-off
// and leaves its address in r1; returns the code and the padded size.
func str(s string, off int) (string, int) {
	b := []byte(s + "\x00")
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	var sb strings.Builder
	start := -off - len(b)
	for i := 0; i < len(b); i += 8 {
		fmt.Fprintf(&sb, "r1 = %#x ll\n*(u64 *)(r10 %d) = r1\n", binary.LittleEndian.Uint64(b[i:]), start+i)
	}
	fmt.Fprintf(&sb, "r1 = r10\nr1 += %d\n", start)
	return sb.String(), len(b)
}

// printk calls bpf_trace_printk(fmt, size, a1, a2, a3); size < 0 means
// "the string's length + 1".
func printk(format string, size int, a ...int64) string {
	code, _ := str(format, 64)
	if size < 0 {
		size = len(format) + 1
	}
	args := ""
	for i, v := range a {
		args += fmt.Sprintf("r%d = %d ll\n", i+3, v)
	}
	return code + fmt.Sprintf("r2 = %d\n", size) + args + "call bpf_trace_printk\n"
}

func call(name string, setup ...string) string {
	return strings.Join(setup, "\n") + "\ncall bpf_" + name + "\n"
}

func pkt(n int, f func(b []byte)) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + 1)
	}
	if f != nil {
		f(b)
	}
	return b
}

// ipv4UDP is an Ethernet + IPv4 + UDP packet with correct checksums.
func ipv4UDP() []byte {
	b := make([]byte, 14+20+8+8)
	copy(b[0:6], []byte{0, 0, 0, 0, 0, 0})
	copy(b[6:12], []byte{2, 0, 0, 0, 0, 1})
	b[12], b[13] = 0x08, 0x00
	ip := b[14:]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], 36)
	ip[8] = 64
	ip[9] = 17
	copy(ip[12:16], []byte{10, 0, 0, 1})
	copy(ip[16:20], []byte{10, 0, 0, 2})
	binary.BigEndian.PutUint16(ip[10:], ^sum16(ip[:20], 0))
	udp := ip[20:]
	binary.BigEndian.PutUint16(udp[0:], 1234)
	binary.BigEndian.PutUint16(udp[2:], 53)
	binary.BigEndian.PutUint16(udp[4:], 16)
	copy(udp[8:], "payload!")
	return b
}

func sum16(b []byte, s uint32) uint16 {
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	for s > 0xffff {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}

func helperCases() []testrun.Case {
	var cs []testrun.Case
	add := func(name, typ string, data []byte, asm string, maps ...testrun.NamedMap) *testrun.Case {
		cs = append(cs, testrun.Case{Name: "helpers/" + name, ProgType: typ, Data: data, Asm: asm,
			Maps: append([]testrun.NamedMap{ot.ResMap()}, maps...)})
		return &cs[len(cs)-1]
	}
	sf := "socket_filter"

	// Time, randomness, CPU.
	add("ktime/monotonic", sf, nil, `call bpf_ktime_get_ns
r6 = r0
call bpf_ktime_get_ns
r1 = r0
r0 = 0
if r1 <= r6 goto pc+1
r0 = 1
exit
`)
	add("ktime/boot-monotonic", sf, nil, `call bpf_ktime_get_ns
r6 = r0
call bpf_ktime_get_boot_ns
r1 = r0
r0 = 0
if r1 < r6 goto pc+1
r0 = 1
exit
`)
	add("jiffies64/nonzero", sf, nil, "call bpf_jiffies64\nr1 = r0\nr0 = 0\nif r1 == 0 goto pc+1\nr0 = 1\nexit\n")
	add("prandom/differs", sf, nil, `call bpf_get_prandom_u32
r6 = r0
call bpf_get_prandom_u32
r1 = r0
r0 = 0
if r1 == r6 goto pc+1
r0 = 1
exit
`)
	add("prandom/32-bit", sf, nil, "call bpf_get_prandom_u32\nr0 >>= 32\nexit\n")
	add("cpu-numa", sf, nil, ot.Steps(call("get_smp_processor_id"), call("get_numa_node_id")))

	// trace_printk: the return value is the length of the text.
	add("trace_printk/lengths", sf, nil, ot.Steps(
		printk("hello %d\n", -1, 42),
		printk("%d %u %x", -1, -5, -5, -5),
		printk("%ld %lu %lx", -1, -5, -5, -5),
		printk("%lld|%llx|%i", -1, -1, 255, -3),
		printk("[%5d][%-5d][%05d]", -1, 42, 42, 42),
		printk("%c%c", -1, 'o', 'k'),
		printk("100%%", -1),
		printk("%X", -1, 0xabcdef),
		printk("%px", -1, 0x1234),
		printk("no args", -1),
	))
	add("trace_printk/errors", sf, nil, ot.Steps(
		printk("%d %d %d %d", -1, 1, 2, 3),
		printk("%q", -1, 1),
		printk("no nul", len("no nul")),
		printk("%5.2d", -1, 1),
		printk("%", -1),
		printk("%hd", -1, 1),
		printk("%lf", -1, 1),
	))
	s1, _ := str("string!", 128)
	add("trace_printk/string", sf, nil, s1+"r6 = r1\n"+ot.Steps(printk("[%s]", -1, 0)[0:0]+func() string {
		code, _ := str("[%s]", 64)
		return code + "r2 = 5\nr3 = r6\ncall bpf_trace_printk\n"
	}()))

	// Probes.
	add("probe_read_kernel/stack", sf, nil, `r1 = 0x1122334455667788 ll
*(u64 *)(r10 -16) = r1
r1 = r10
r1 += -8
r2 = 8
r3 = r10
r3 += -16
call bpf_probe_read_kernel
r6 = r0
r0 = *(u64 *)(r10 -8)
r0 += r6
exit
`)
	add("probe_read/faults", sf, nil, ot.Steps(
		`*(u64 *)(r10 -8) = -1
r1 = r10
r1 += -8
r2 = 8
r3 = 0
call bpf_probe_read_kernel
*(u64 *)(r10 -40) = r0
r0 = *(u64 *)(r10 -8)
r1 = *(u64 *)(r10 -40)
r0 += r1
`,
		"r1 = r10\nr1 += -8\nr2 = 8\nr3 = 4096\ncall bpf_probe_read_kernel\n",
		"r1 = r10\nr1 += -8\nr2 = 8\nr3 = 4096\ncall bpf_probe_read_user\n",
		"r1 = r10\nr1 += -8\nr2 = 8\nr3 = 0\ncall bpf_probe_read_kernel_str\n",
		"r1 = r10\nr1 += -8\nr2 = 8\nr3 = 4096\ncall bpf_probe_read_user_str\n",
	))
	s2, _ := str("abcdefghij", 64)
	add("probe_read_kernel_str/copy", sf, nil, s2+`r6 = r1
r1 = r10
r1 += -16
r2 = 6
r3 = r6
call bpf_probe_read_kernel_str
r6 = r0
r0 = *(u64 *)(r10 -16)
r0 <<= 8
r0 += r6
exit
`)
	add("probe_read_kernel_str/short", sf, nil, s2+`r6 = r1
*(u64 *)(r10 -32) = 0
*(u64 *)(r10 -24) = 0
r1 = r10
r1 += -32
r2 = 16
r3 = r6
call bpf_probe_read_kernel_str
r6 = r0
r0 = *(u64 *)(r10 -24)
r0 += r6
exit
`)
	add("get_current_task/nonzero", sf, nil, "call bpf_get_current_task\nr1 = r0\nr0 = 0\nif r1 == 0 goto pc+1\nr0 = 1\nexit\n")

	// Socket filter packet access.
	p := pkt(64, func(b []byte) { b[12], b[13] = 0x08, 0x00 })
	add("skb_load_bytes/ok", sf, p, ot.Steps(
		"r1 = r6\nr2 = 0\nr3 = r10\nr3 += -8\nr4 = 4\ncall bpf_skb_load_bytes\nr0 = *(u32 *)(r10 -8)\n",
		"r1 = r6\nr2 = 46\nr3 = r10\nr3 += -8\nr4 = 4\ncall bpf_skb_load_bytes\n",
		"r1 = r6\nr2 = 47\nr3 = r10\nr3 += -8\nr4 = 4\ncall bpf_skb_load_bytes\n",
		"*(u64 *)(r10 -8) = -1\nr1 = r6\nr2 = 70000\nr3 = r10\nr3 += -8\nr4 = 4\ncall bpf_skb_load_bytes\nr1 = *(u64 *)(r10 -8)\nr0 += r1\n",
		"r1 = r6\nr2 = -1\nr3 = r10\nr3 += -8\nr4 = 1\ncall bpf_skb_load_bytes\n",
	)).Asm = "r6 = r1\n" + cs[len(cs)-1].Asm
	add("skb/fields", sf, p, ot.Steps(
		"r0 = *(u32 *)(r6 +0)\n", "r0 = *(u32 *)(r6 +4)\n", "r0 = *(u32 *)(r6 +8)\n", "r0 = *(u32 *)(r6 +16)\n",
		"r0 = *(u16 *)(r6 +16)\n", "r0 = *(u8 *)(r6 +17)\n", "r0 = *(u32 *)(r6 +36)\n", "r0 = *(u32 *)(r6 +40)\n",
		"r0 = *(u32 *)(r6 +48)\n", "r0 = *(u32 *)(r6 +68)\n", "r0 = *(u32 *)(r6 +12)\n", "r0 = *(u32 *)(r6 +32)\n",
	)).Asm = "r6 = r1\n" + cs[len(cs)-1].Asm
	for _, dst := range [][]byte{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, {0x01, 0, 0x5e, 0, 0, 1}, {2, 0, 0, 0, 0, 9}} {
		d := dst
		add(fmt.Sprintf("skb/pkt_type-%x", d[0]), sf, pkt(64, func(b []byte) { copy(b, d); b[12], b[13] = 0x86, 0xdd }),
			"r6 = r1\n"+ot.Steps("r0 = *(u32 *)(r6 +4)\n", "r0 = *(u32 *)(r6 +16)\n"))
	}
	add("skb/protocol-802.3", sf, pkt(64, func(b []byte) { b[12], b[13] = 0x00, 0x40; b[14], b[15] = 0xff, 0xff }),
		"r0 = *(u32 *)(r1 +16)\nexit\n")
	add("skb/protocol-802.2", sf, pkt(64, func(b []byte) { b[12], b[13] = 0x00, 0x40 }), "r0 = *(u32 *)(r1 +16)\nexit\n")
	add("skb/cb-write-read", sf, p, `r2 = 0x1234
*(u32 *)(r1 +52) = r2
r0 = *(u32 *)(r1 +52)
exit
`)
	add("ld_abs/socket_filter", sf, p, "r6 = r1\n"+ot.Steps(
		"r0 = *(u32 *)skb[0]\n", "r0 = *(u16 *)skb[48]\n", "r0 = *(u8 *)skb[49]\n",
		"r0 = *(u32 *)skb[-1048576]\n", "r0 = *(u16 *)skb[-2097152]\n", "r0 = *(u8 *)skb[-2097140]\n",
		"r7 = 2\nr0 = *(u16 *)skb[r7 + 4]\n",
	))
	add("ld_abs/out-of-packet", sf, p, "r6 = r1\nr0 = 7\nr0 = *(u32 *)skb[47]\nr0 = 9\nexit\n")
	add("ld_abs/neg-too-far", sf, p, "r6 = r1\nr0 = *(u8 *)skb[-2097153]\nr0 = 9\nexit\n")
	add("get_socket_cookie/nonzero", sf, p, "call bpf_get_socket_cookie\nr1 = r0\nr0 = 0\nif r1 == 0 goto pc+1\nr0 = 1\nexit\n")
	add("get_socket_uid", sf, p, "call bpf_get_socket_uid\nexit\n")

	// perf_event_output with nobody listening; ring buffers.
	perf := ot.M("perf", "perf_event_array", 4, 4, 4, 0)
	pout := func(flags string, size int) string {
		return fmt.Sprintf("*(u64 *)(r10 -8) = 7\nr1 = r6\nr2 = map[perf] ll\nr3 = %s ll\nr4 = r10\nr4 += -8\nr5 = %d\ncall bpf_perf_event_output\n", flags, size)
	}
	add("perf_event_output/no-reader", sf, p, "r6 = r1\n"+ot.Steps(pout("0", 8), pout("0xffffffff", 8), pout("5", 8), pout("0x100000000", 8),
		pout("0x1000000000000000", 8)), perf)
	rb := ot.M("rb", "ringbuf", 0, 0, 4096, 0)
	reserve := func(size, flags int) string {
		return fmt.Sprintf("r1 = map[rb] ll\nr2 = %d\nr3 = %d\ncall bpf_ringbuf_reserve\nr6 = r0\nr0 = 0\nif r6 == 0 goto pc+4\nr1 = r6\nr2 = 0\ncall bpf_ringbuf_discard\nr0 = 1\n", size, flags)
	}
	add("ringbuf/ops", sf, p, ot.Steps(
		"r1 = map[rb] ll\nr2 = 16\nr3 = 0\ncall bpf_ringbuf_reserve\nr6 = r0\nr0 = 0\nif r6 == 0 goto pc+5\nr1 = 7\n*(u64 *)(r6 +0) = r1\nr1 = r6\nr2 = 0\ncall bpf_ringbuf_submit\nr0 = 1\n",
		"r1 = map[rb] ll\nr2 = 0\ncall bpf_ringbuf_query\n",
		"*(u64 *)(r10 -8) = 5\nr1 = map[rb] ll\nr2 = r10\nr2 += -8\nr3 = 8\nr4 = 0\ncall bpf_ringbuf_output\n",
		"r1 = map[rb] ll\nr2 = 0\ncall bpf_ringbuf_query\n",
		"r1 = map[rb] ll\nr2 = 1\ncall bpf_ringbuf_query\n",
		"r1 = map[rb] ll\nr2 = 2\ncall bpf_ringbuf_query\n",
		"r1 = map[rb] ll\nr2 = 3\ncall bpf_ringbuf_query\n",
		reserve(5000, 0),
		reserve(8, 1),
		"*(u64 *)(r10 -8) = 5\nr1 = map[rb] ll\nr2 = r10\nr2 += -8\nr3 = 8\nr4 = 4\ncall bpf_ringbuf_output\n",
		reserve(100, 0),
		"r1 = map[rb] ll\nr2 = 0\ncall bpf_ringbuf_query\n",
		reserve(3936, 0),
		reserve(3928, 0),
		"r1 = map[rb] ll\nr2 = 3\ncall bpf_ringbuf_query\n",
	), rb)
	big := ot.M("rb", "ringbuf", 0, 0, 4096, 0)
	add("ringbuf/fill", sf, p, `r6 = 0
r7 = 0
loop:
*(u64 *)(r10 -8) = r6
r1 = map[rb] ll
r2 = r10
r2 += -8
r3 = 8
r4 = 0
call bpf_ringbuf_output
if r0 != 0 goto done
r6 += 1
if r6 < 1000 goto loop
done:
r0 <<= 32
r0 |= r6
exit
`, big)

	pa := ot.M("pa", "prog_array", 4, 4, 4, 0)
	add("tail_call/fallthrough", sf, p, `r6 = r1
r7 = 5
r1 = r6
r2 = map[pa] ll
r3 = 1
call bpf_tail_call
r7 += 1
r1 = r6
r2 = map[pa] ll
r3 = 100
call bpf_tail_call
r7 += 10
r0 = r7
exit
`, pa)

	// tc: packet writes and checksums.
	tc := "sched_cls"
	u := ipv4UDP()
	c := add("skb_store_bytes/tc", tc, u, ot.Steps(
		"r1 = 0xaabbccdd\n*(u32 *)(r10 -8) = r1\nr1 = r6\nr2 = 30\nr3 = r10\nr3 += -8\nr4 = 4\nr5 = 0\ncall bpf_skb_store_bytes\n",
		"r1 = r6\nr2 = 48\nr3 = r10\nr3 += -8\nr4 = 4\nr5 = 0\ncall bpf_skb_store_bytes\n",
		"r1 = r6\nr2 = 0\nr3 = r10\nr3 += -8\nr4 = 4\nr5 = 4\ncall bpf_skb_store_bytes\n",
		"r1 = r6\nr2 = 46\nr3 = r10\nr3 += -8\nr4 = 4\nr5 = 3\ncall bpf_skb_store_bytes\n",
	))
	c.Asm = "r6 = r1\n" + c.Asm
	c.CheckData = true
	// l3: rewrite the IPv4 source address and fix the header checksum.
	c = add("l3_csum_replace/ipv4-saddr", tc, u, ot.Steps(
		"r7 = *(u32 *)(r6 +76)\nr8 = *(u32 *)(r6 +80)\nr0 = r7\nr0 += 34\nif r0 > r8 goto bad\nr9 = *(u32 *)(r7 +26)\nr1 = 0x0b00000a\n*(u32 *)(r7 +26) = r1\nr1 = r6\nr2 = 24\nr3 = r9\nr4 = 0x0b00000a\nr5 = 4\ncall bpf_l3_csum_replace\n",
		"r1 = r6\nr2 = 24\nr3 = 0x4000\nr4 = 0x3f00\nr5 = 2\ncall bpf_l3_csum_replace\n",
		"r1 = r6\nr2 = 24\nr3 = 0\nr4 = 0x12345\nr5 = 0\ncall bpf_l3_csum_replace\n",
		"r1 = r6\nr2 = 24\nr3 = 1\nr4 = 2\nr5 = 0\ncall bpf_l3_csum_replace\n",
		"r1 = r6\nr2 = 24\nr3 = 1\nr4 = 2\nr5 = 3\ncall bpf_l3_csum_replace\n",
		"r1 = r6\nr2 = 49\nr3 = 1\nr4 = 2\nr5 = 2\ncall bpf_l3_csum_replace\n",
		"r1 = r6\nr2 = 24\nr3 = 1\nr4 = 2\nr5 = 0x12\ncall bpf_l3_csum_replace\n",
	)+"bad:\nr0 = 99\nexit\n")
	c.Asm = "r6 = r1\n" + c.Asm
	c.CheckData = true
	c = add("l4_csum_replace/udp", tc, u, ot.Steps(
		"r1 = r6\nr2 = 40\nr3 = 0x0100000a\nr4 = 0x0b00000a\nr5 = 0x14\ncall bpf_l4_csum_replace\n",
		"r1 = r6\nr2 = 40\nr3 = 0xd204\nr4 = 0x2e16\nr5 = 2\ncall bpf_l4_csum_replace\n",
		"r1 = r6\nr2 = 40\nr3 = 0\nr4 = 0x777\nr5 = 0x10\ncall bpf_l4_csum_replace\n",
		"r1 = r6\nr2 = 40\nr3 = 0\nr4 = 1\nr5 = 0x80\ncall bpf_l4_csum_replace\n",
		"r1 = r6\nr2 = 49\nr3 = 0\nr4 = 1\nr5 = 0\ncall bpf_l4_csum_replace\n",
	))
	c.Asm = "r6 = r1\n" + c.Asm
	c.CheckData = true
	// UDP without checksum (0) and BPF_F_MARK_MANGLED_0.
	u0 := ipv4UDP()
	c = add("l4_csum_replace/mangled0", tc, u0, ot.Steps(
		"r1 = r6\nr2 = 40\nr3 = 0x0100000a\nr4 = 0x0b00000a\nr5 = 0x34\ncall bpf_l4_csum_replace\n",
		"r1 = r6\nr2 = 40\nr3 = 0\nr4 = 0xffff\nr5 = 0x70\ncall bpf_l4_csum_replace\n",
	))
	c.Asm = "r6 = r1\n" + c.Asm
	c.CheckData = true
	c = add("csum_diff", tc, u, ot.Steps(
		"r1 = 0x0100000a\n*(u32 *)(r10 -8) = r1\nr1 = 0x0b00000a\n*(u32 *)(r10 -16) = r1\nr1 = r10\nr1 += -8\nr2 = 4\nr3 = r10\nr3 += -16\nr4 = 4\nr5 = 0\ncall bpf_csum_diff\n",
		"r1 = 0\nr2 = 0\nr3 = r10\nr3 += -16\nr4 = 4\nr5 = 0xffff\ncall bpf_csum_diff\n",
		"r1 = r10\nr1 += -8\nr2 = 4\nr3 = 0\nr4 = 0\nr5 = 7\ncall bpf_csum_diff\n",
		"r1 = -1 ll\n*(u64 *)(r10 -24) = r1\n*(u64 *)(r10 -32) = r1\nr1 = 0\nr2 = 0\nr3 = r10\nr3 += -32\nr4 = 16\nr5 = -1\ncall bpf_csum_diff\n",
		"r1 = r10\nr1 += -8\nr2 = 3\nr3 = 0\nr4 = 0\nr5 = 0\ncall bpf_csum_diff\n",
		"r1 = r10\nr1 += -8\nr2 = 4\nr3 = r10\nr3 += -16\nr4 = 6\nr5 = 0\ncall bpf_csum_diff\n",
	))
	c.Asm = "r6 = r1\n" + c.Asm
	add("get_hash_recalc/nonzero", tc, u, "call bpf_get_hash_recalc\nr1 = r0\nr0 = 0\nif r1 == 0 goto pc+1\nr0 = 1\nexit\n")
	add("redirect/tc", tc, u, ot.Steps("r1 = 1\nr2 = 0\ncall bpf_redirect\n", "r1 = 1\nr2 = 1\ncall bpf_redirect\n", "r1 = 1\nr2 = 2\ncall bpf_redirect\n"))
	c = add("skb/tc-fields", tc, u, ot.Steps(
		"r0 = *(u32 *)(r6 +0)\n", "r0 = *(u32 *)(r6 +16)\n", "r2 = *(u32 *)(r6 +76)\nr0 = *(u32 *)(r6 +80)\nr0 -= r2\n",
		"r2 = *(u32 *)(r6 +140)\nr0 = *(u32 *)(r6 +76)\nr0 -= r2\n",
		"r2 = 77\n*(u32 *)(r6 +8) = r2\nr0 = *(u32 *)(r6 +8)\n", "r2 = 9\n*(u32 *)(r6 +32) = r2\nr0 = *(u32 *)(r6 +32)\n",
		"r2 = *(u32 *)(r6 +76)\nr3 = *(u32 *)(r6 +80)\nr4 = r2\nr4 += 13\nr0 = 0\nif r4 > r3 goto pc+1\nr0 = *(u8 *)(r2 +12)\n",
	))
	c.Asm = "r6 = r1\n" + c.Asm

	// XDP.
	xdp := "xdp"
	xd := pkt(60, nil)
	xcase := func(name, asm string, maps ...testrun.NamedMap) {
		c := add(name, xdp, xd, "r6 = r1\n"+asm, maps...)
		c.CheckData = true
	}
	plen := "r2 = *(u32 *)(r6 +0)\nr0 = *(u32 *)(r6 +4)\nr0 -= r2\n"
	xcase("xdp_adjust_head/ops", ot.Steps(
		"r1 = r6\nr2 = 14\ncall bpf_xdp_adjust_head\n", plen,
		"r1 = r6\nr2 = -20\ncall bpf_xdp_adjust_head\n", plen,
		"r1 = r6\nr2 = 50\ncall bpf_xdp_adjust_head\n",
		"r1 = r6\nr2 = -300\ncall bpf_xdp_adjust_head\n",
		"r1 = r6\nr2 = -216\ncall bpf_xdp_adjust_head\n",
		"r1 = r6\nr2 = -1\ncall bpf_xdp_adjust_head\n", plen,
	))
	xcase("xdp_adjust_tail/ops", ot.Steps(
		"r1 = r6\nr2 = -10\ncall bpf_xdp_adjust_tail\n", plen,
		"r1 = r6\nr2 = 30\ncall bpf_xdp_adjust_tail\n", plen,
		"r1 = r6\nr2 = -67\ncall bpf_xdp_adjust_tail\n",
		"r1 = r6\nr2 = 4000\ncall bpf_xdp_adjust_tail\n",
		"r1 = r6\nr2 = 3440\ncall bpf_xdp_adjust_tail\n",
		"r1 = r6\nr2 = 1\ncall bpf_xdp_adjust_tail\n", plen,
	))
	meta := "r2 = *(u32 *)(r6 +8)\nr0 = *(u32 *)(r6 +0)\nr0 -= r2\n"
	xcase("xdp_adjust_meta/ops", ot.Steps(
		meta, "r1 = r6\nr2 = -8\ncall bpf_xdp_adjust_meta\n", meta,
		"r1 = r6\nr2 = -3\ncall bpf_xdp_adjust_meta\n",
		"r1 = r6\nr2 = -28\ncall bpf_xdp_adjust_meta\n",
		"r1 = r6\nr2 = 12\ncall bpf_xdp_adjust_meta\n",
		"r1 = r6\nr2 = 4\ncall bpf_xdp_adjust_meta\n", meta,
		"r2 = *(u32 *)(r6 +8)\nr3 = *(u32 *)(r6 +0)\nr4 = r2\nr4 += 4\nr0 = 0\nif r4 > r3 goto pc+2\nr1 = 0x01020304\n*(u32 *)(r2 +0) = r1\n",
	))
	xcase("xdp/fields", ot.Steps("r0 = *(u32 *)(r6 +12)\n", "r0 = *(u32 *)(r6 +16)\n", plen,
		"r2 = *(u32 *)(r6 +0)\nr3 = *(u32 *)(r6 +4)\nr4 = r2\nr4 += 4\nr0 = 0\nif r4 > r3 goto pc+2\nr1 = 0x55\n*(u8 *)(r2 +3) = r1\n"))
	xcase("redirect/xdp", ot.Steps("r1 = 1\nr2 = 0\ncall bpf_redirect\n", "r1 = 1\nr2 = 1\ncall bpf_redirect\n"))
	dev := ot.WithInit(ot.M("dev", "devmap", 4, 4, 4, 0), "01000000", "01000000")
	xcase("redirect_map/devmap", ot.Steps(
		"r1 = map[dev] ll\nr2 = 1\nr3 = 0\ncall bpf_redirect_map\n",
		"r1 = map[dev] ll\nr2 = 2\nr3 = 2\ncall bpf_redirect_map\n",
		"r1 = map[dev] ll\nr2 = 2\nr3 = 0\ncall bpf_redirect_map\n",
		"r1 = map[dev] ll\nr2 = 1\nr3 = 0x40\ncall bpf_redirect_map\n",
		"r1 = map[dev] ll\nr2 = 9\nr3 = 1\ncall bpf_redirect_map\n",
	), dev)

	// cgroup_skb with cgroup storage, run three times.
	cgs := ot.M("cg", "cgroup_storage", 16, 8, 0, 0)
	cc := add("get_local_storage/counter", "cgroup_skb", ipv4UDP(), `r1 = map[cg] ll
r2 = 0
call bpf_get_local_storage
r1 = *(u64 *)(r0 +0)
r1 += 1
*(u64 *)(r0 +0) = r1
r0 = r1
`+ot.Rec(0)+"r0 = 1\nexit\n", cgs)
	cc.Repeat = 3
	return cs
}

var _ = record.Hex{}

// callbackCases use bpf_loop and bpf_for_each_map_elem: Linux needs BTF
// func info for callbacks, which the oracle cannot give, so their
// expected values come from the helpers' documented semantics instead
// (see TestCallbacks).
func callbackCases() []testrun.Case {
	var cs []testrun.Case
	add := func(name, typ string, data []byte, asm string, maps ...testrun.NamedMap) *testrun.Case {
		cs = append(cs, testrun.Case{Name: "helpers/" + name, ProgType: typ, Data: data, Asm: asm,
			Maps: append([]testrun.NamedMap{ot.ResMap()}, maps...)})
		return &cs[len(cs)-1]
	}
	sf := "socket_filter"
	p := pkt(64, nil)
	// bpf_loop and for_each_map_elem.
	add("loop/sum", sf, p, `*(u64 *)(r10 -8) = 0
r1 = 10
r2 = func[cb] ll
r3 = r10
r3 += -8
r4 = 0
call bpf_loop
r6 = r0
r0 = *(u64 *)(r10 -8)
r6 <<= 32
r0 |= r6
exit
cb:
r3 = *(u64 *)(r2 +0)
r3 += r1
*(u64 *)(r2 +0) = r3
r0 = 0
exit
`)
	add("loop/stop-and-errors", sf, p, ot.Steps(
		"r1 = 10\nr2 = func[cb] ll\nr3 = 0\nr4 = 0\ncall bpf_loop\n",
		"r1 = 10\nr2 = func[cb] ll\nr3 = 0\nr4 = 1\ncall bpf_loop\n",
		"r1 = 0x800001\nr2 = func[cb] ll\nr3 = 0\nr4 = 0\ncall bpf_loop\n",
		"r1 = 0\nr2 = func[cb] ll\nr3 = 0\nr4 = 0\ncall bpf_loop\n",
	)+"cb:\nr0 = 0\nif r1 != 3 goto pc+1\nr0 = 1\nexit\n")
	arr := ot.WithInit(ot.M("a", "array", 4, 8, 4, 0), "00000000", "0100000000000000", "02000000", "0500000000000000")
	hsh := ot.WithInit(ot.M("h", "hash", 4, 8, 8, 0), "01000000", "0a00000000000000", "07000000", "1400000000000000", "09000000", "1e00000000000000")
	feach := func(m string, stopAt int) string {
		return fmt.Sprintf(`*(u64 *)(r10 -8) = 0
*(u64 *)(r10 -16) = %d
r1 = map[%s] ll
r2 = func[cb] ll
r3 = r10
r3 += -16
r4 = 0
call bpf_for_each_map_elem
r6 = r0
r0 = *(u64 *)(r10 -8)
r6 <<= 32
r0 |= r6
exit
cb:
r0 = *(u64 *)(r4 +8)
r5 = *(u64 *)(r4 +0)
r1 = *(u32 *)(r2 +0)
r0 += r1
r1 = *(u64 *)(r3 +0)
r0 += r1
*(u64 *)(r4 +8) = r0
r0 = 0
if r1 != r5 goto pc+1
r0 = 1
exit
`, stopAt, m)
	}
	add("for_each/array", sf, p, feach("a", -1), arr)
	add("for_each/array-stop", sf, p, feach("a", 5), arr)
	add("for_each/hash", sf, p, feach("h", -1), hsh)
	add("for_each/flags", sf, p, "r1 = map[a] ll\nr2 = func[cb] ll\nr3 = 0\nr4 = 1\ncall bpf_for_each_map_elem\nexit\ncb:\nr0 = 0\nexit\n", arr)
	return cs
}
