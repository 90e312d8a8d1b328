package progtype

import (
	"strconv"
	"strings"
)

// AttachType is one value of enum bpf_attach_type.
type AttachType struct {
	Name string // lower case, without BPF_
	Num  uint32
}

// attachNames is enum bpf_attach_type of Linux 6.1, in order.
var attachNames = []string{
	"cgroup_inet_ingress", "cgroup_inet_egress", "cgroup_inet_sock_create", "cgroup_sock_ops",
	"sk_skb_stream_parser", "sk_skb_stream_verdict", "cgroup_device", "sk_msg_verdict",
	"cgroup_inet4_bind", "cgroup_inet6_bind", "cgroup_inet4_connect", "cgroup_inet6_connect",
	"cgroup_inet4_post_bind", "cgroup_inet6_post_bind", "cgroup_udp4_sendmsg", "cgroup_udp6_sendmsg",
	"lirc_mode2", "flow_dissector", "cgroup_sysctl", "cgroup_udp4_recvmsg",
	"cgroup_udp6_recvmsg", "cgroup_getsockopt", "cgroup_setsockopt", "trace_raw_tp",
	"trace_fentry", "trace_fexit", "modify_return", "lsm_mac",
	"trace_iter", "cgroup_inet4_getpeername", "cgroup_inet6_getpeername", "cgroup_inet4_getsockname",
	"cgroup_inet6_getsockname", "xdp_devmap", "cgroup_inet_sock_release", "xdp_cpumap",
	"sk_lookup", "xdp", "sk_skb_verdict", "sk_reuseport_select",
	"sk_reuseport_select_or_migrate", "perf_event", "trace_kprobe_multi", "lsm_cgroup",
}

// AttachByName finds an attach type by name (with or without BPF_, any
// case) or decimal number.
func AttachByName(s string) (AttachType, bool) {
	n := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "bpf_")
	for i, a := range attachNames {
		if a == n {
			return AttachType{Name: a, Num: uint32(i)}, true
		}
	}
	if v, err := strconv.ParseUint(n, 10, 32); err == nil && v < uint64(len(attachNames)) {
		return AttachType{Name: attachNames[v], Num: uint32(v)}, true
	}
	return AttachType{}, false
}

// AllAttachTypes returns every attach type in enum order.
func AllAttachTypes() []AttachType {
	out := make([]AttachType, len(attachNames))
	for i, a := range attachNames {
		out[i] = AttachType{Name: a, Num: uint32(i)}
	}
	return out
}
