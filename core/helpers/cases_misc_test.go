package helpers_test

import (
	"fmt"
	"strings"

	"github.com/bpfplay/bpfplay/core/interp/testrun"
	ot "github.com/bpfplay/bpfplay/core/interp/testrun/oracletest"
)

// strto calls bpf_strtol or bpf_strtoul on s (stored on the stack, its
// buffer bufLen bytes long; -1: the string's length) with flags; the
// first op records r0, the second the result written to fp-8 (-7 when
// the helper left it alone).
func strto(helper, s string, bufLen, flags int) []string {
	code, _ := str(s, 16)
	if bufLen < 0 {
		bufLen = len(s)
	}
	call := code + fmt.Sprintf("*(u64 *)(r10 -8) = -7\nr2 = %d\nr3 = %d\nr4 = r10\nr4 += -8\ncall bpf_%s\n", bufLen, flags, helper)
	return []string{call, "r0 = *(u64 *)(r10 -8)\n"}
}

type strtoRow struct {
	s            string
	bufLen, base int
}

var strtoRows = []strtoRow{
	{"123", -1, 10}, {"  -42", -1, 10}, {"0x1f", -1, 0}, {"0X1F", -1, 0}, {"0755", -1, 0},
	{"0755", -1, 10}, {"ff", -1, 16}, {"0xff", -1, 16}, {"99999999999999999999", -1, 10},
	{"-9223372036854775808", -1, 10}, {"9223372036854775808", -1, 10}, {"-1", -1, 10},
	{"abc", -1, 10}, {"12abc", -1, 10}, {"\t\n 7", -1, 10}, {"-", -1, 10}, {"   ", -1, 10},
	{"101", -1, 2}, {"5", -1, 0x20 | 10}, {"12345", 3, 10}, {"0x", -1, 0}, {"+5", -1, 10},
	{"0x", -1, 16}, {"0xg", -1, 0}, {"08", -1, 0}, {"18446744073709551615", -1, 10},
	{"18446744073709551616", -1, 10}, {"-0", -1, 10}, {"7 8", -1, 10}, {"1", -1, 8},
	{strings.Repeat("0", 70) + "12", -1, 10}, {"  " + strings.Repeat("1", 62), -1, 10},
}

func strtoCases() []testrun.Case {
	var cs []testrun.Case
	for _, h := range []string{"strtol", "strtoul"} {
		for start := 0; start < len(strtoRows); start += 16 {
			var ops []string
			for _, r := range strtoRows[start:min(start+16, len(strtoRows))] {
				ops = append(ops, strto(h, r.s, r.bufLen, r.base)...)
			}
			cs = append(cs, testrun.Case{Name: fmt.Sprintf("helpers/misc/%s/%d", h, start/16), Asm: ot.Steps(ops...),
				Maps: []testrun.NamedMap{ot.ResMap()}})
		}
	}
	return cs
}

// vprintk calls bpf_trace_vprintk(fmt, size, fp-160, dataLen) with the
// u64 arguments stored at fp-160...; r0 = its result.
func vprintk(format string, dataLen int, args ...int64) string {
	var sb strings.Builder
	for i, a := range args {
		fmt.Fprintf(&sb, "r1 = %d ll\n*(u64 *)(r10 %d) = r1\n", a, -160+8*i)
	}
	code, _ := str(format, 64)
	sb.WriteString(code)
	fmt.Fprintf(&sb, "r2 = %d\nr3 = r10\nr3 += -160\nr4 = %d\ncall bpf_trace_vprintk\n", len(format)+1, dataLen)
	return sb.String()
}

func vprintkCases() []testrun.Case {
	return []testrun.Case{{Name: "helpers/misc/trace_vprintk", Asm: ot.Steps(
		vprintk("hello %d\n", 8, 42),
		vprintk("%d %d %d %d %d\n", 40, 1, 2, 3, 4, 5),
		vprintk("%lld %llx %u %c%c %d %d %d %d %d %d %d", 96, -1, 255, 7, 'o', 'k', 1, 2, 3, 4, 5, 6, 7),
		vprintk("%d %d", 8, 1, 2),
		vprintk("%d", 12, 1, 2),
		vprintk("no args\n", 0),
		vprintk("%d", 16, 1, 2),
		vprintk("%d %d %d %d %d %d %d %d %d %d %d %d %d", 104, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13),
		vprintk("%s", 8, 0),
		vprintk("%pK %px", 16, 0, 0x1234),
	), Maps: []testrun.NamedMap{ot.ResMap()}}}
}

// skbSockCases: what the test run's socket is not (a TCP socket, a
// listener), ECN marking and checksum levels on a test run's skb.
func skbMiscCases() []testrun.Case {
	sockHelper := func(h string) string {
		return fmt.Sprintf("r0 = -1\nr1 = *(u64 *)(r6 +168)\nif r1 == 0 goto +3\ncall bpf_%s\nif r0 == 0 goto +1\nr0 = 1\n", h)
	}
	var cs []testrun.Case
	for _, pt := range []string{"sched_cls", "cgroup_skb"} {
		cs = append(cs, testrun.Case{Name: "helpers/misc/sock_kind/" + pt, ProgType: pt, Data: ipv4UDP(),
			Asm:  "r6 = r1\n" + ot.Steps(sockHelper("tcp_sock"), sockHelper("get_listener_sock")),
			Maps: []testrun.NamedMap{ot.ResMap()}})
	}
	ecn := "r1 = r6\ncall bpf_skb_ecn_set_ce\n"
	for _, p := range []struct {
		name string
		data []byte
	}{
		{"ipv4-not-ecn-capable", ipv4UDP()},
		{"ipv4-ect0", withTOS(ipv4UDP(), 2)},
		{"ipv4-ect1", withTOS(ipv4UDP(), 1)},
		{"ipv4-ce", withTOS(ipv4UDP(), 3)},
		{"ipv6-not-ecn-capable", ipv6UDP()},
		{"ipv6-ect0", withTClass(ipv6UDP(), 2)},
		{"ipv6-ce", withTClass(ipv6UDP(), 3)},
		{"arp", pkt(42, func(b []byte) { b[12], b[13] = 0x08, 0x06 })},
		{"ipv4-short", withTOS(ipv4UDP(), 2)[:30]},
	} {
		for _, pt := range []string{"sched_cls", "cgroup_skb"} {
			cs = append(cs, testrun.Case{Name: "helpers/misc/ecn/" + pt + "/" + p.name, ProgType: pt, Data: p.data,
				Asm: "r6 = r1\n" + ot.Steps(ecn, ecn), CheckData: pt == "sched_cls", Maps: []testrun.NamedMap{ot.ResMap()}})
		}
	}
	level := func(l int) string { return fmt.Sprintf("r1 = r6\nr2 = %d\ncall bpf_csum_level\n", l) }
	cs = append(cs, testrun.Case{Name: "helpers/misc/csum_level", ProgType: "sched_cls", Data: ipv4UDP(),
		Asm: "r6 = r1\n" + ot.Steps(level(0), level(4), level(1), level(0), level(1), level(0),
			level(1), level(1), level(1), level(0), level(2), level(0), level(2), level(0), level(3), level(0), level(2), level(0)),
		Maps: []testrun.NamedMap{ot.ResMap()}})
	return cs
}

// withTOS sets an IPv4 packet's TOS byte and fixes its header checksum.
func withTOS(b []byte, tos byte) []byte {
	b[15] = tos
	b[24], b[25] = 0, 0
	var sum uint32
	for i := 14; i < 34; i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	c := ^uint16(sum)
	b[24], b[25] = byte(c>>8), byte(c)
	return b
}

// withTClass sets an IPv6 packet's traffic class.
func withTClass(b []byte, tc byte) []byte {
	b[14] = 0x60 | tc>>4
	b[15] = b[15]&0x0f | tc<<4
	return b
}

// shortL3Cases: skb test runs refuse IPv4 and IPv6 packets too short
// for their network header.
func shortL3Cases() []testrun.Case {
	frame := func(n int, etherType uint16, first byte) []byte {
		return pkt(n, func(b []byte) {
			copy(b, make([]byte, 6))
			if n >= 14 {
				b[12], b[13] = byte(etherType>>8), byte(etherType)
			}
			if n > 14 {
				b[14] = first
			}
		})
	}
	var cs []testrun.Case
	for _, pt := range []string{"socket_filter", "sched_cls", "cgroup_skb"} {
		for _, n := range []int{14, 15, 33, 34} {
			cs = append(cs, testrun.Case{Name: fmt.Sprintf("helpers/misc/short_l3/%s/ipv4-%d", pt, n), ProgType: pt, Data: frame(n, 0x0800, 0x45), Asm: "r0 = 1\nexit\n"})
		}
		cs = append(cs, testrun.Case{Name: "helpers/misc/short_l3/" + pt + "/ipv4-ihl15-34", ProgType: pt, Data: frame(34, 0x0800, 0x4f), Asm: "r0 = 1\nexit\n"})
		for _, n := range []int{53, 54} {
			cs = append(cs, testrun.Case{Name: fmt.Sprintf("helpers/misc/short_l3/%s/ipv6-%d", pt, n), ProgType: pt, Data: frame(n, 0x86dd, 0x60), Asm: "r0 = 1\nexit\n"})
		}
	}
	return cs
}

func miscCases() []testrun.Case {
	return append(append(append(strtoCases(), vprintkCases()...), skbMiscCases()...), shortL3Cases()...)
}
