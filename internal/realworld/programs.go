package realworld

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"

	"github.com/bpfplay/bpfplay/core/elf"
	"github.com/bpfplay/bpfplay/core/record"
)

// Program is one program of the corpus: a function in one of the
// objects, and how it is test-run.
type Program struct {
	Object string // object file name without ".o"
	Func   string // the program's function name
	// Data is the packet of the test run (packet program types); Ctx
	// the context (raw_tracepoint arguments). Neither: the program type
	// cannot be test-run (kprobe, tracepoint) or the kernel rejects it.
	Data, Ctx []byte
	// Init adds entries to maps, by map name, before the run.
	Init map[string][]record.Entry
	// LogLevel is the verifier log level asked for (nil: 1). Level 0
	// suits programs whose level-1 log would be megabytes long.
	LogLevel *int
	// Volatile names maps whose contents after the run depend on the
	// clock (timestamps): their values are not compared.
	Volatile []string
	// Note says what the program exercises.
	Note string
	// Log2 also puts the program in the corpus at log level 2 (every
	// state the verifier visits, without a test run): the variant's
	// Variant is "log2".
	Log2    bool
	Variant string
	// V3 also puts the program built with -mcpu=v3 (OBJECT.v3.o, see
	// build.sh) in the corpus, with the same test run.
	V3 bool
	// Unpriv also asks for an unprivileged load (socket_filter and
	// cgroup_skb programs, the types an unprivileged user may load).
	Unpriv bool
}

// Name is the record's name: "object.o:function", with "/variant".
func (p *Program) Name() string {
	if p.Variant != "" {
		return p.Object + ".o:" + p.Func + "/" + p.Variant
	}
	return p.Object + ".o:" + p.Func
}

// Runnable reports whether the record carries a test run.
func (p *Program) Runnable() bool { return p.Data != nil || p.Ctx != nil }

// Record builds the program's record from its object in dir: what
// core/elf makes of it (instructions, program type, maps with fixups,
// global data), plus the map entries and the test run of the corpus.
func (p *Program) Record(dir string) (*record.In, error) {
	b, err := os.ReadFile(filepath.Join(dir, p.Object+".o"))
	if err != nil {
		return nil, err
	}
	obj, err := elf.Open(b)
	if err != nil {
		return nil, fmt.Errorf("%s.o: %w", p.Object, err)
	}
	prog, err := obj.Choose(p.Func, "")
	if err != nil {
		return nil, fmt.Errorf("%s.o: %w", p.Object, err)
	}
	in := obj.Record(prog)
	in.Name = p.Name()
	in.Unpriv = p.Unpriv
	level := 1
	if p.LogLevel != nil {
		level = *p.LogLevel
	}
	in.LogLevel = &level
	for name, entries := range p.Init {
		found := false
		for i := range in.Maps {
			if in.Maps[i].Name == name {
				in.Maps[i].Init = append(in.Maps[i].Init, entries...)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("%s: no map %q in the record", p.Name(), name)
		}
	}
	for i := range in.Maps {
		// libbpf sizes a perf event array without max_entries to the
		// number of possible CPUs; the oracle's VM has one.
		if in.Maps[i].Type == "perf_event_array" && in.Maps[i].MaxEntries == 0 {
			in.Maps[i].MaxEntries = 1
		}
	}
	switch {
	case p.Data != nil:
		in.TestRun = &record.TestRun{Data: p.Data, Ctx: p.Ctx, Repeat: 1}
	case p.Ctx != nil:
		in.TestRun = &record.TestRun{Ctx: p.Ctx, Repeat: 1}
	}
	return in, nil
}

// entry builds a map entry from its key and value bytes.
func entry(key, value []byte) record.Entry { return record.Entry{Key: key, Value: value} }

// le32/le16/le64 write host-order (little-endian) integers, as map keys
// and values hold them.
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }

func intp(v int) *int { return &v }

// Programs is the corpus, in record order: the programs, their -mcpu=v3
// builds, the level-2 variants of both, then the runs on other packets.
var Programs = append(withLog2(withV3(programs)), runVariants...)

func withV3(ps []Program) []Program {
	out := append([]Program(nil), ps...)
	for _, p := range ps {
		if p.V3 {
			p.Object += ".v3"
			p.V3 = false
			out = append(out, p)
		}
	}
	return out
}

func withLog2(ps []Program) []Program {
	out := append([]Program(nil), ps...)
	for _, p := range ps {
		if p.Log2 {
			p.Variant, p.LogLevel, p.Data, p.Ctx, p.Init, p.Volatile = "log2", intp(2), nil, nil, nil, nil
			out = append(out, p)
		}
	}
	return out
}

var programs = []Program{
	{
		Object: "xdp_lb4", Func: "xdp_lb4", Log2: true, V3: true,
		Note: "L4 load balancer: parsing with bounds checks, service + backend lookups, DNAT with incremental checksums, XDP_TX",
		Data: tcp4(macRouter, ip4(10, 1, 2, 3), ip4(10, 0, 0, 100), 40000, 80, tcpSYN, 0, nil),
		Init: map[string][]record.Entry{
			// key {vip, dport (network order), proto 6, pad}; value {backend_base 0, count 2, flags 0}
			"lb4_services": {entry(cat(ip4(10, 0, 0, 100), be16(80), []byte{protoTCP, 0}), cat(le32(0), le16(2), le16(0)))},
			// value {addr, port (network order), mac}
			"lb4_backends": {
				entry(le32(0), cat(ip4(10, 0, 1, 1), be16(8080), []byte{2, 0, 0, 0, 0, 1})),
				entry(le32(1), cat(ip4(10, 0, 1, 2), be16(8080), []byte{2, 0, 0, 0, 0, 2})),
			},
		},
	},
	{
		Object: "tc_snat", Func: "tc_snat", Log2: true,
		Note: "SNAT: conntrack in an LRU hash, .bss port cursor (atomic fetch-add, -mcpu=v3), store_bytes + l3/l4_csum_replace, pointer reload, bpf_redirect",
		Data: tcp4(macRouter, ip4(10, 1, 2, 3), ip4(93, 184, 216, 34), 40000, 443, tcpSYN, 0, nil),
	},
	{
		Object: "tc_policy6", Func: "tc_policy6", Log2: true, V3: true,
		Note: "IPv6 policy: unrolled extension-header walk, LPM trie lookup, port bitmap, skb->mark",
		Data: cat(ether(macHost, macClient, ethIPv6), ipv6(addr6(1, 0x10), addr6(2, 1), protoHopOpts,
			cat(hopByHop(protoTCP), tcp(50000, 22, tcpSYN, nil, func(n int) uint32 {
				return pseudo6(addr6(1, 0x10), addr6(2, 1), protoTCP, n)
			})))),
		Init: map[string][]record.Entry{
			// key {prefixlen 64, 2001:db8:1::/64}; value {id 7, allow, ports: bit 22}
			"policy6": {entry(cat(le32(64), addr6(1, 0)), cat(le32(7), []byte{1, 0, 0, 0}, le64(1<<22), le64(0), le64(0), le64(0)))},
		},
	},
	{
		Object: "tc_tailcall", Func: "tc_entry", Log2: true,
		Note: "dispatch through a prog_array; the empty slot falls through",
		Data: udp4(macHost, ip4(192, 168, 1, 10), ip4(192, 168, 1, 1), 5353, 53, []byte("query")),
	},
	{
		Object: "tc_tailcall", Func: "tc_stage_ipv4", Log2: true,
		Note: "tail-call stage reading a per-CPU scratch map and the packet",
		Data: udp4(macHost, ip4(192, 168, 1, 10), ip4(192, 168, 1, 1), 5353, 53, []byte("query")),
	},
	{
		Object: "tc_tailcall", Func: "tc_stage_ipv6", Log2: true,
		Note: "tail-call stage copying the IPv6 header with bpf_skb_load_bytes",
		Data: cat(ether(macHost, macClient, ethIPv6), ipv6(addr6(1, 1), addr6(2, 2), protoUDP,
			udp(546, 547, []byte("dhcp6"), func(n int) uint32 { return pseudo6(addr6(1, 1), addr6(2, 2), protoUDP, n) }))),
	},
	{
		Object: "xdp_conntrack", Func: "xdp_conntrack", Log2: true, V3: true,
		Note: "bpf-to-bpf calls with pointers into the caller's stack, packet access in a subprogram, LRU hash state machine",
		Data: tcp4(macRouter, ip4(172, 16, 0, 5), ip4(172, 16, 9, 9), 33000, 8443, tcpSYN, 0, nil),
	},
	{
		Object: "xdp_bypass", Func: "xdp_bypass", Log2: true,
		Note: "IDS bypass: flow key ordering, per-CPU hash hit, counters, ktime",
		Data: udp4(macRouter, ip4(10, 9, 8, 7), ip4(10, 0, 0, 1), 4789, 53000, make([]byte, 32)),
		Init: map[string][]record.Entry{
			// key {src 10.0.0.1, dst 10.9.8.7 (host order, ordered), ports 53000, 4789 (host order), proto 17}
			"flow_table_v4": {entry(cat(le32(0x0a000001), le32(0x0a090807), le16(53000), le16(4789), []byte{protoUDP, 0, 0, 0}),
				cat(le64(10), le64(1000), le64(0)))},
		},
		Volatile: []string{"flow_table_v4"},
	},
	{
		Object: "xdp_proto_count", Func: "xdp_count_drop", Log2: true, V3: true,
		Note: "samples-style per-protocol counter behind two VLAN tags (unrolled loop)",
		Data: cat(ether(macRouter, macClient, eth8021Q), vlan(100, eth8021Q), vlan(200, ethIPv4),
			ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), protoUDP, 0, udp(1234, 5678, []byte("hi"), func(n int) uint32 {
				return pseudo4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), protoUDP, n)
			}))),
	},
	{
		Object: "xdp_proto_count", Func: "xdp_count_tx", Log2: true, V3: true,
		Note: "samples-style MAC swap and XDP_TX",
		Data: udp4(macRouter, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 1234, 5678, []byte("echo")),
	},
	{
		Object: "xdp_vlan_pop", Func: "xdp_vlan_pop", Log2: true,
		Note: "bpf_xdp_adjust_head to strip an 802.1Q tag, bounds checked again after the helper",
		Data: cat(ether(macRouter, macClient, eth8021Q), vlan(42, ethIPv4),
			ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), protoUDP, 0, udp(1234, 5678, []byte("tagged"), func(n int) uint32 {
				return pseudo4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), protoUDP, n)
			}))),
	},
	{
		Object: "sock_proto_stats", Func: "sock_count_bytes", Log2: true, V3: true, Unpriv: true,
		Note: "socket filter with LD_ABS loads, skb->pkt_type, atomic add",
		Data: tcp4(macHost, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 40000, 80, tcpSYN|tcpACK, 0, nil),
	},
	{
		Object: "sock_proto_stats", Func: "sock_flow_stats", Log2: true, V3: true, Unpriv: true,
		Note: "socket filter dissecting with bpf_skb_load_bytes, hash map insert-then-lookup",
		Data: udp4(macHost, ip4(10, 0, 0, 1), ip4(10, 0, 0, 53), 40000, 53, []byte("dns?")),
	},
	{
		Object: "sock_flow_sample", Func: "sock_flow_sample", Log2: true, V3: true, Unpriv: true,
		Note: "Jenkins-style hash in a real bounded loop, .rodata knobs, sampling by return length",
		Data: tcp4(macHost, ip4(192, 0, 2, 1), ip4(198, 51, 100, 7), 51515, 443, tcpACK|tcpPSH, 0, []byte("payload")),
	},
	{
		Object: "trace_execve", Func: "trace_execve", Log2: true, V3: true,
		Note: "tracepoint: per-CPU scratch event, probe_read_user_str, unrolled argv loop, masked perf_event_output size",
	},
	{
		Object: "kprobe_openat", Func: "openat_enter", Log2: true,
		Note: "kprobe: ringbuf reserve/discard/submit, .rodata pid filter, PT_REGS arguments",
	},
	{
		Object: "kprobe_openat", Func: "openat_exit", Log2: true,
		Note: "kretprobe: hash map by pid_tgid, ringbuf with memset",
	},
	{
		Object: "rawtp_sched_switch", Func: "sched_switch", Log2: true,
		Note: "raw tracepoint: CO-RE reads of task_struct->pid (relocated against 6.1's BTF) through probe_read_kernel",
		// Not test-run: raw tracepoint runs refuse a repeat count and a
		// data_out buffer (EINVAL), and the oracle always passes both.
	},
	{
		Object: "kprobe_latency", Func: "read_enter", Log2: true, V3: true,
		Note: "kprobe: ktime into a hash map",
	},
	{
		Object: "kprobe_latency", Func: "read_exit", Log2: true, V3: true,
		Note: "kretprobe: bounded loop in a bpf-to-bpf log2, atomic histogram",
	},
	{
		Object: "xdp_http_scan", Func: "xdp_http_scan", Log2: true,
		Note: "bpf_loop callback over a per-CPU scratch buffer filled by bpf_xdp_load_bytes",
		Data: tcp4(macRouter, ip4(203, 0, 113, 5), ip4(10, 0, 0, 80), 41000, 80, tcpACK|tcpPSH, 0,
			[]byte("GET /index.html HTTP/1.1\r\nHost: example\r\n\r\n")),
		Init: map[string][]record.Entry{
			"blocked_ports": {entry(le16(80), []byte{1})},
		},
	},
	{
		Object: "tc_qos_globals", Func: "tc_qos", Log2: true, V3: true,
		Note: ".rodata table, .data defaults, .bss counters; DSCP rewrite with l3_csum_replace + store_bytes",
		Data: tcp4(macHost, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 5004, 5004, tcpACK, 46<<2, []byte("voice")),
	},
	{
		Object: "xdp_fwd", Func: "xdp_fwd", Log2: true, V3: true,
		Note: "bpf_fib_lookup forwarding, TTL decrement with checksum fix-up, devmap lookup + bpf_redirect_map",
		Data: tcp4(macRouter, ip4(10, 1, 2, 3), ip4(192, 0, 2, 1), 40000, 443, tcpSYN, 0, nil),
	},
	{
		Object: "tc_encap_ipip", Func: "tc_encap", Log2: true,
		Note: "IPIP encapsulation: bpf_skb_adjust_room, outer header checksum from bpf_csum_diff, store_bytes",
		Data: tcp4(macRouter, ip4(10, 1, 2, 3), ip4(10, 0, 0, 100), 40000, 80, tcpSYN, 0, nil),
		Init: map[string][]record.Entry{
			// key VIP; value {real server address, weight}
			"vip_to_real": {entry(ip4(10, 0, 0, 100), cat(ip4(10, 0, 1, 7), le32(1)))},
		},
	},
	{
		Object: "xdp_cpu_redirect", Func: "xdp_steer", Log2: true,
		Note: "flow-hash steering through a cpumap; an empty slot falls back to XDP_PASS",
		Data: udp4(macRouter, ip4(10, 1, 2, 3), ip4(10, 0, 0, 1), 1234, 53, []byte("query")),
		Init: map[string][]record.Entry{
			"cpus_count":     {entry(le32(0), le32(2))},
			"cpus_available": {entry(le32(0), le32(0)), entry(le32(1), le32(0))},
		},
	},
	{
		Object: "perf_profile", Func: "profile_sample", Log2: true,
		Note: "perf_event: bpf_get_stackid (kernel and user stacks), sample_period from the context",
	},
	{
		Object: "tc_sk_assign", Func: "tc_tproxy", Log2: true, V3: true,
		Note: "socket lookups with reference tracking, sk->state, bpf_sk_assign, release on every path",
		Data: tcp4(macHost, ip4(10, 1, 2, 3), ip4(10, 0, 0, 1), 40000, 80, tcpSYN, 0, nil),
	},
	{
		Object: "cgroup_skb_fw", Func: "cgroup_egress", Log2: true, Unpriv: true,
		Note: "cgroup_skb: packet starts at the IP header, skb->sk + bpf_sk_fullsock, bpf_get_socket_uid",
		Data: tcp4(macHost, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 40000, 443, tcpACK, 0, []byte("hello")),
		Init: map[string][]record.Entry{
			"blocked": {entry(le16(22), []byte{1})},
		},
	},
	{
		Object: "xdp_icmp_toobig", Func: "xdp_icmp_toobig", Log2: true, V3: true,
		Note: "adjust_head (grow) + adjust_tail (cut), ICMP frag-needed reply with unrolled checksums",
		Data: udp4(macRouter, ip4(10, 1, 2, 3), ip4(10, 0, 0, 1), 4000, 4789, make([]byte, 200)),
	},
	{
		Object: "sockops_redirect", Func: "sockops_track", Log2: true,
		Note: "sockops: bpf_sock_ops fields, bpf_sock_hash_update",
	},
	{
		Object: "sockops_redirect", Func: "msg_redirect", Log2: true,
		Note: "sk_msg: sk_msg_md fields, bpf_msg_redirect_hash",
	},
	{
		Object: "flow_dissect", Func: "dissect", Log2: true,
		Note: "flow_dissector: bpf_flow_keys reads and writes, bpf_skb_load_bytes at keys->nhoff",
		Data: tcp4(macHost, ip4(10, 1, 2, 3), ip4(10, 0, 0, 1), 40000, 80, tcpSYN, 0, nil),
	},
	{
		Object: "tc_drop_events", Func: "tc_drop_sampler", Log2: true,
		Note: "queue map push with BPF_EXIST, __sk_buff vlan/ifindex fields",
		Data: udp4(macHost, ip4(10, 66, 0, 1), ip4(10, 0, 0, 1), 1234, 53, []byte("query")),
		Init: map[string][]record.Entry{
			"blocklist": {entry(ip4(10, 66, 0, 1), []byte{3})},
		},
	},
	{
		Object: "xdp_maglev", Func: "xdp_maglev", Log2: true,
		Note: "array-of-maps: inner lookup table per service",
		Data: tcp4(macRouter, ip4(10, 1, 2, 3), ip4(10, 0, 0, 100), 40000, 80, tcpSYN, 0, nil),
		Init: map[string][]record.Entry{
			"services": {entry(ip4(10, 0, 0, 100), le32(3))},
		},
	},
	{
		Object: "tc_datapath", Func: "tc_from_container", Log2: true, V3: true,
		Note: "CNI-style datapath: 7 bpf-to-bpf stages on a shared stack state, IPv6 extension headers in a real loop, LPM identity, policy with wildcard fallback, conntrack, service DNAT with csum helpers, tail call",
		Data: tcp4(macRouter, ip4(10, 0, 5, 5), ip4(10, 0, 0, 2), 41000, 80, tcpSYN, 0, nil),
		Init: map[string][]record.Entry{
			// {prefixlen 32, addr} -> identity 1234
			"ipcache4": {entry(cat(le32(32), ip4(10, 0, 0, 2)), le32(1234))},
			// {identity, dport (host order), proto, egress} -> {deny 0, audit 0, proxy_port 0, packets 0}
			"policy": {entry(cat(le32(1234), le16(80), []byte{protoTCP, 1}), cat([]byte{0, 0}, le16(0), le32(0), le64(0)))},
			// {addr, port (network order), pad} -> {backend, backend port, rev_nat 7}
			"services": {entry(cat(ip4(10, 0, 0, 2), be16(80), le16(0)), cat(ip4(10, 0, 1, 9), be16(80), le16(7)))},
		},
	},
	{
		Object: "tc_datapath", Func: "tc_from_container", Variant: "ipv6",
		Note: "the same datapath on an IPv6 packet with a hop-by-hop header (world identity, no policy: dropped)",
		Data: cat(ether(macRouter, macClient, ethIPv6), ipv6(addr6(1, 0x10), addr6(2, 1), protoHopOpts,
			cat(hopByHop(protoUDP), udp(5353, 53, []byte("query"), func(n int) uint32 {
				return pseudo6(addr6(1, 0x10), addr6(2, 1), protoUDP, n)
			})))),
	},
	{
		Object: "kprobe_file_path", Func: "trace_vfs_open", Log2: true, V3: true,
		Note: "dentry walk: CO-RE reads in a 16-step loop, masked offsets into a per-CPU buffer, probe_read_kernel_str, ringbuf",
	},
	{
		Object: "kprobe_dynptr_log", Func: "log_unlink", Log2: true,
		Note: "ring-buffer dynptr: reserve_dynptr, dynptr_write, submit/discard_dynptr",
	},
	{
		Object: "tc_tokens_cmpxchg", Func: "tc_police", Log2: true,
		Note: "atomic xchg / fetch-add / cmpxchg (-mcpu=v3) in a bounded retry loop",
		Data: udp4(macHost, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 1000, 2000, []byte("pkt")),
		Init: map[string][]record.Entry{
			// class 0: 1000 tokens, last refill far in the future (no refill), rate 1, burst 2000
			"buckets": {entry(le32(0), cat(le64(1000), le64(1<<62), le64(1), le64(2000)))},
		},
		Volatile: []string{"buckets"},
	},
	{
		Object: "sock_key_padding", Func: "sock_port_counter", Log2: true, Unpriv: true,
		Note: "map key with uninitialised padding: root may, an unprivileged user may not",
		Data: udp4(macHost, ip4(10, 0, 0, 1), ip4(10, 0, 0, 53), 40000, 53, []byte("dns?")),
	},
	{
		Object: "sock_lb_connect", Func: "sock_connect4", Log2: true, V3: true,
		Note: "cgroup/connect4 socket LB: bpf_sock_addr reads and writes (user_ip4, user_port), socket cookie",
	},
	{
		Object: "sock_lb_connect", Func: "sock_sendmsg4", Log2: true, V3: true,
		Note: "cgroup/sendmsg4: the same for unconnected UDP (ctx->type)",
	},
	{
		Object: "sock_lb_connect", Func: "sock_recvmsg4", Log2: true, V3: true,
		Note: "cgroup/recvmsg4: reverse NAT by socket cookie",
	},
	{
		Object: "sock_lb_connect", Func: "sock_no_raw", Log2: true, V3: true,
		Note: "cgroup/sock_create: bpf_sock reads, mark and priority writes",
	},
	{
		Object: "cgroup_guards", Func: "dev_allow", Log2: true,
		Note: "cgroup/dev device controller: bpf_cgroup_dev_ctx fields",
	},
	{
		Object: "cgroup_guards", Func: "sysctl_guard", Log2: true,
		Note: "cgroup/sysctl: bpf_sysctl_get_name, bpf_strncmp on a stack string: rejected (R3 does not point to a readonly map)",
	},
	{
		Object: "cgroup_guards", Func: "sockopt_filter", Log2: true,
		Note: "cgroup/setsockopt: optval/optval_end bounds checks, writes into optval",
	},
	{
		Object: "sk_steering", Func: "steer_ports", Log2: true,
		Note: "sk_lookup: sockmap lookup returns a referenced socket, bpf_sk_assign, release",
	},
	{
		Object: "sk_steering", Func: "proxy_verdict", Log2: true,
		Note: "sk_skb stream verdict: rejected at a __sk_buff field sk_skb may not read (invalid bpf_context access off=8 size=4)",
	},
	{
		Object: "tc_rate_spinlock", Func: "tc_rate_limit", Log2: true,
		Note: "rejected: bpf_spin_lock in a map created without BTF",
	},
	{
		Object: "bad_xdp_tcp_bounds", Func: "xdp_port_filter", Log2: true,
		Note: "rejected: TCP header read without a data_end check",
	},
	{
		Object: "bad_tc_ct_nullcheck", Func: "tc_ct_mark", Log2: true,
		Note: "rejected: map lookup result used without a NULL check",
	},
	{
		Object: "bad_xdp_spin_wait", Func: "xdp_wait_ready", Log2: true,
		Note: "rejected: spin-wait on a map flag (infinite loop)",
	},
	{
		Object: "bad_xdp_csum_loop", Func: "xdp_frame_sum",
		Note: "rejected: loop bounded only by data_end", LogLevel: intp(0),
	},
	{
		Object: "bad_tc_stack", Func: "tc_rewrite_headers", Log2: true,
		Note: "rejected: combined stack of a call chain above 512 bytes",
	},
	{
		Object: "bad_kprobe_ringbuf_leak", Func: "trace_signal", Log2: true,
		Note: "rejected: ringbuf record not released on one path",
	},
	{
		Object: "bad_sock_direct_access", Func: "sock_udp_only", Unpriv: true, Log2: true,
		Note: "rejected: direct packet access in a socket filter",
	},
	{
		Object: "bad_kprobe_deref", Func: "write_flags", Log2: true,
		Note: "rejected: kernel pointer dereferenced without probe_read",
	},
	{
		Object: "bad_kprobe_negative_len", Func: "open_path", Log2: true,
		Note: "rejected: an unchecked (possibly negative) length passed as a helper's size",
	},
	{
		Object: "bad_xdp_map_off_by_one", Func: "xdp_dscp_action", Log2: true,
		Note: "rejected: an index checked with > 64 into a 64-byte map value",
	},
	{
		Object: "bad_sock_helper", Func: "sock_bytes_by_pid", Log2: true, Unpriv: true,
		Note: "rejected: a task helper called from a socket filter",
	},
	{
		Object: "bad_tc_unbounded_offset", Func: "tc_skip_options", Log2: true,
		Note: "rejected: an unbounded length from the packet added to a packet pointer",
	},
}

// CorpusFile is the corpus in testdata/realworld: one record per
// program with the kernel's answer in "kernel" (gzip JSONL).
const CorpusFile = "corpus.jsonl.gz"
