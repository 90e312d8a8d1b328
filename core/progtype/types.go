package progtype

import (
	"strconv"
	"strings"
)

// Type is one program type.
type Type struct {
	// Name is the kernel enum name without BPF_PROG_TYPE_, lower case.
	Name string
	// Num is the value of enum bpf_prog_type in Linux 6.1.
	Num uint32
	// Ctx is the uapi struct the program receives in r1, or nil when
	// the context is not a uapi struct (tracepoint: a raw record;
	// raw_tracepoint: u64 args[]; syscall: a user buffer).
	Ctx *Struct
	// CtxKind says how the runtime builds the context (see context.go).
	CtxKind CtxKind
	// RawCtxSize is the size of the raw context buffer for CtxRaw types
	// when the caller gives none (0: the size of the given bytes).
	RawCtxSize int
	// Returns names the program's return codes, when they have names.
	Returns []ReturnCode
	// AttachTypes lists the expected_attach_type values the type accepts
	// (empty: the kernel ignores expected_attach_type).
	AttachTypes []AttachType
	// TestRun reports whether Linux 6.1's BPF_PROG_TEST_RUN supports
	// the type (kprobe, tracepoint, perf_event answer ENOTSUPP).
	TestRun bool
	// Packet reports whether the program sees packet data through its
	// context (data/data_end).
	Packet bool
}

// CtxKind is how the interpreter models a program type's context.
type CtxKind uint8

// Context kinds.
const (
	// CtxRaw: r1 points to plain bytes (a copy of the ctx input): the
	// conformance suite's memory, test_bpf's large-memory tests,
	// raw tracepoint args, tracepoint records, syscall buffers.
	CtxRaw CtxKind = iota
	// CtxSKB: struct __sk_buff backed by a model of the kernel's sk_buff.
	CtxSKB
	// CtxXDP: struct xdp_md backed by a model of xdp_buff.
	CtxXDP
	// CtxPtRegs: struct pt_regs (x86-64), plain bytes: the kernel does
	// not rewrite pt_regs accesses either.
	CtxPtRegs
)

func (k CtxKind) String() string {
	switch k {
	case CtxRaw:
		return "raw"
	case CtxSKB:
		return "__sk_buff"
	case CtxXDP:
		return "xdp_md"
	case CtxPtRegs:
		return "pt_regs"
	}
	return "CtxKind(" + strconv.Itoa(int(k)) + ")"
}

// The program types of Linux 6.1, in enum order. All constants and
// addresses of package variables (&skBuff, not the pointer variable SkBuff;
// arrays sliced, not slice variables), so the table is data, not init code
// (see layout.go); attach types carry their
// enum bpf_attach_type number (TestAttachTypesOfTypes checks it against
// attachNames).
var types = []*Type{
	{Name: "unspec", Num: 0},
	{Name: "socket_filter", Num: 1, Ctx: &skBuff, CtxKind: CtxSKB, Returns: socketFilterReturns[:], TestRun: true, Packet: true},
	{Name: "kprobe", Num: 2, Ctx: &ptRegs, CtxKind: CtxPtRegs},
	{Name: "sched_cls", Num: 3, Ctx: &skBuff, CtxKind: CtxSKB, Returns: tcReturns[:], TestRun: true, Packet: true},
	{Name: "sched_act", Num: 4, Ctx: &skBuff, CtxKind: CtxSKB, Returns: tcReturns[:], TestRun: true, Packet: true},
	{Name: "tracepoint", Num: 5, CtxKind: CtxRaw, RawCtxSize: 64},
	{Name: "xdp", Num: 6, Ctx: &xdpMd, CtxKind: CtxXDP, Returns: xdpReturns[:], TestRun: true, Packet: true,
		AttachTypes: []AttachType{{"xdp", 37}, {"xdp_devmap", 33}, {"xdp_cpumap", 35}}},
	{Name: "perf_event", Num: 7, CtxKind: CtxRaw, RawCtxSize: 64},
	{Name: "cgroup_skb", Num: 8, Ctx: &skBuff, CtxKind: CtxSKB, Returns: cgroupSkbReturns[:], TestRun: true, Packet: true,
		AttachTypes: []AttachType{{"cgroup_inet_ingress", 0}, {"cgroup_inet_egress", 1}}},
	{Name: "cgroup_sock", Num: 9, Ctx: &bpfSock, CtxKind: CtxRaw, Returns: allowReturns[:],
		AttachTypes: []AttachType{{"cgroup_inet_sock_create", 2}, {"cgroup_inet_sock_release", 34}, {"cgroup_inet4_post_bind", 12}, {"cgroup_inet6_post_bind", 13}}},
	{Name: "lwt_in", Num: 10, Ctx: &skBuff, CtxKind: CtxSKB, Returns: lwtReturns[:], TestRun: true, Packet: true},
	{Name: "lwt_out", Num: 11, Ctx: &skBuff, CtxKind: CtxSKB, Returns: lwtReturns[:], TestRun: true, Packet: true},
	{Name: "lwt_xmit", Num: 12, Ctx: &skBuff, CtxKind: CtxSKB, Returns: lwtReturns[:], TestRun: true, Packet: true},
	{Name: "sock_ops", Num: 13, CtxKind: CtxRaw, RawCtxSize: 216},
	{Name: "sk_skb", Num: 14, Ctx: &skBuff, CtxKind: CtxSKB, Returns: skReturns[:], Packet: true,
		AttachTypes: []AttachType{{"sk_skb_stream_parser", 4}, {"sk_skb_stream_verdict", 5}, {"sk_skb_verdict", 38}}},
	{Name: "cgroup_device", Num: 15, CtxKind: CtxRaw, RawCtxSize: 12, Returns: allowReturns[:]},
	{Name: "sk_msg", Num: 16, CtxKind: CtxRaw, RawCtxSize: 80, Returns: skReturns[:]},
	{Name: "raw_tracepoint", Num: 17, CtxKind: CtxRaw, RawCtxSize: 8 * 12, TestRun: true},
	{Name: "cgroup_sock_addr", Num: 18, CtxKind: CtxRaw, RawCtxSize: 72, Returns: allowReturns[:],
		AttachTypes: []AttachType{{"cgroup_inet4_bind", 8}, {"cgroup_inet6_bind", 9}, {"cgroup_inet4_connect", 10}, {"cgroup_inet6_connect", 11}, {"cgroup_udp4_sendmsg", 14}, {"cgroup_udp6_sendmsg", 15}, {"cgroup_udp4_recvmsg", 19}, {"cgroup_udp6_recvmsg", 20}, {"cgroup_inet4_getpeername", 29}, {"cgroup_inet6_getpeername", 30}, {"cgroup_inet4_getsockname", 31}, {"cgroup_inet6_getsockname", 32}}},
	{Name: "lwt_seg6local", Num: 19, Ctx: &skBuff, CtxKind: CtxSKB, Returns: lwtReturns[:], Packet: true},
	{Name: "lirc_mode2", Num: 20, CtxKind: CtxRaw, RawCtxSize: 4},
	{Name: "sk_reuseport", Num: 21, CtxKind: CtxRaw, RawCtxSize: 64, Returns: skReturns[:],
		AttachTypes: []AttachType{{"sk_reuseport_select", 39}, {"sk_reuseport_select_or_migrate", 40}}},
	{Name: "flow_dissector", Num: 22, Ctx: &skBuff, CtxKind: CtxSKB, Returns: flowDissectorReturns[:], TestRun: true, Packet: true},
	{Name: "cgroup_sysctl", Num: 23, CtxKind: CtxRaw, RawCtxSize: 8, Returns: allowReturns[:]},
	{Name: "raw_tracepoint_writable", Num: 24, CtxKind: CtxRaw, RawCtxSize: 8 * 12},
	{Name: "cgroup_sockopt", Num: 25, CtxKind: CtxRaw, RawCtxSize: 40, Returns: allowReturns[:],
		AttachTypes: []AttachType{{"cgroup_getsockopt", 21}, {"cgroup_setsockopt", 22}}},
	{Name: "tracing", Num: 26, CtxKind: CtxRaw, RawCtxSize: 8 * 12, TestRun: true,
		AttachTypes: []AttachType{{"trace_raw_tp", 23}, {"trace_fentry", 24}, {"trace_fexit", 25}, {"modify_return", 26}, {"trace_iter", 28}}},
	{Name: "struct_ops", Num: 27, CtxKind: CtxRaw, RawCtxSize: 8 * 12},
	{Name: "ext", Num: 28, CtxKind: CtxRaw},
	{Name: "lsm", Num: 29, CtxKind: CtxRaw, RawCtxSize: 8 * 12, AttachTypes: []AttachType{{"lsm_mac", 27}, {"lsm_cgroup", 43}}},
	{Name: "sk_lookup", Num: 30, CtxKind: CtxRaw, RawCtxSize: 72, Returns: skReturns[:], TestRun: true,
		AttachTypes: []AttachType{{"sk_lookup", 36}}},
	{Name: "syscall", Num: 31, CtxKind: CtxRaw, TestRun: true},
}

// ByName finds a program type by its enum name, with or without the
// BPF_PROG_TYPE_ prefix, in any case.
func ByName(name string) (*Type, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.TrimPrefix(n, "bpf_prog_type_")
	for _, t := range types {
		if t.Name == n {
			return t, true
		}
	}
	return nil, false
}

// ByNum finds a program type by its enum number.
func ByNum(n uint32) (*Type, bool) {
	if int(n) < len(types) {
		return types[n], true
	}
	return nil, false
}

// Lookup accepts a name or a decimal number, as the kernel oracle does.
func Lookup(s string) (*Type, bool) {
	if t, ok := ByName(s); ok {
		return t, true
	}
	if n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32); err == nil {
		return ByNum(uint32(n))
	}
	return nil, false
}

// All returns every program type in enum order. The slice is shared:
// do not modify it.
func All() []*Type { return types }

// String returns the name.
func (t *Type) String() string { return t.Name }

// KernelName returns the enum constant, e.g. BPF_PROG_TYPE_XDP.
func (t *Type) KernelName() string { return "BPF_PROG_TYPE_" + strings.ToUpper(t.Name) }

// ReturnName names a return value (XDP_DROP, TC_ACT_SHOT, ...), or "".
func (t *Type) ReturnName(v uint64) string {
	for _, r := range t.Returns {
		if uint64(r.Value) == v || (r.Value < 0 && uint32(int32(r.Value)) == uint32(v) && v>>32 == 0) {
			return r.Name
		}
	}
	return ""
}
