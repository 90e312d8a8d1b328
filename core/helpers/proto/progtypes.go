package proto

import "github.com/bpfplay/bpfplay/core/isa"

// Env is what decides which prototype a program gets for a helper: its
// type, its expected attach type and the loader's privileges.
type Env struct {
	ProgType   string // kernel name without BPF_PROG_TYPE_, lower case
	AttachType string // expected_attach_type, kernel name without BPF_, lower case (0 is cgroup_inet_ingress)
	BPFCapable bool   // CAP_BPF (root)
	Perfmon    bool   // CAP_PERFMON (root)
	SysAdmin   bool   // CAP_SYS_ADMIN (root)
}

// For returns the prototype a program of e.ProgType gets for helper id,
// or nil when the helper is not available to it (the verifier then says
// "unknown func"). The choice follows Linux 6.1's get_func_proto
// callbacks, including those that depend on privileges and attach type.
func For(id int32, e *Env) *Proto {
	name := isa.HelperID(id).Name()
	if name == "" {
		return nil
	}
	r := resolvers[e.ProgType]
	if r == nil {
		return nil
	}
	if n := r(name, e); n != "" {
		return protos[n]
	}
	return nil
}

// resolver maps a helper name to a prototype name ("" = not allowed).
type resolver func(helper string, e *Env) string

// table is one switch of a get_func_proto callback: helper name ->
// prototype name.
type table map[string]string

var resolvers = map[string]resolver{
	"socket_filter":           skFilter,
	"sched_cls":               tcClsAct,
	"sched_act":               tcClsAct,
	"xdp":                     xdp,
	"cgroup_skb":              cgSkb,
	"lwt_in":                  lwtIn,
	"lwt_out":                 lwtOut,
	"lwt_xmit":                lwtXmit,
	"lwt_seg6local":           lwtSeg6local,
	"cgroup_sock":             sockFilter,
	"cgroup_sock_addr":        sockAddr,
	"sock_ops":                sockOps,
	"sk_skb":                  skSkb,
	"sk_msg":                  skMsg,
	"flow_dissector":          flowDissector,
	"sk_reuseport":            skReuseport,
	"sk_lookup":               skLookup,
	"kprobe":                  kprobe,
	"tracepoint":              tracepoint,
	"perf_event":              perfEvent,
	"raw_tracepoint":          rawTracepoint,
	"raw_tracepoint_writable": rawTracepoint,
	"tracing":                 tracingProg,
	"lsm":                     lsm,
	"syscall":                 syscallProg,
	"cgroup_device":           cgroupDev,
	"cgroup_sysctl":           sysctl,
	"cgroup_sockopt":          cgSockopt,
}

// base is bpf_base_func_proto: map access, time, ringbuf for everyone;
// locks, timers, loops and dynptrs for CAP_BPF; tracing aids for
// CAP_PERFMON.
func base(h string, e *Env) string {
	if p, ok := baseAll[h]; ok {
		return p
	}
	if !e.BPFCapable {
		return ""
	}
	if p, ok := baseBPF[h]; ok {
		return p
	}
	if !e.Perfmon {
		return ""
	}
	return basePerfmon[h]
}

var baseAll = table{
	"map_lookup_elem": "bpf_map_lookup_elem", "map_update_elem": "bpf_map_update_elem",
	"map_delete_elem": "bpf_map_delete_elem", "map_push_elem": "bpf_map_push_elem",
	"map_pop_elem": "bpf_map_pop_elem", "map_peek_elem": "bpf_map_peek_elem",
	"map_lookup_percpu_elem": "bpf_map_lookup_percpu_elem", "get_prandom_u32": "bpf_get_prandom_u32",
	"get_smp_processor_id": "bpf_get_raw_smp_processor_id", "get_numa_node_id": "bpf_get_numa_node_id",
	"tail_call": "bpf_tail_call", "ktime_get_ns": "bpf_ktime_get_ns", "ktime_get_boot_ns": "bpf_ktime_get_boot_ns",
	"ktime_get_tai_ns": "bpf_ktime_get_tai_ns", "ringbuf_output": "bpf_ringbuf_output",
	"ringbuf_reserve": "bpf_ringbuf_reserve", "ringbuf_submit": "bpf_ringbuf_submit",
	"ringbuf_discard": "bpf_ringbuf_discard", "ringbuf_query": "bpf_ringbuf_query",
	"strncmp": "bpf_strncmp", "strtol": "bpf_strtol", "strtoul": "bpf_strtoul",
}

var baseBPF = table{
	"spin_lock": "bpf_spin_lock", "spin_unlock": "bpf_spin_unlock", "jiffies64": "bpf_jiffies64",
	"per_cpu_ptr": "bpf_per_cpu_ptr", "this_cpu_ptr": "bpf_this_cpu_ptr", "timer_init": "bpf_timer_init",
	"timer_set_callback": "bpf_timer_set_callback", "timer_start": "bpf_timer_start",
	"timer_cancel": "bpf_timer_cancel", "kptr_xchg": "bpf_kptr_xchg",
	"for_each_map_elem": "bpf_for_each_map_elem", "loop": "bpf_loop",
	"user_ringbuf_drain": "bpf_user_ringbuf_drain", "ringbuf_reserve_dynptr": "bpf_ringbuf_reserve_dynptr",
	"ringbuf_submit_dynptr": "bpf_ringbuf_submit_dynptr", "ringbuf_discard_dynptr": "bpf_ringbuf_discard_dynptr",
	"dynptr_from_mem": "bpf_dynptr_from_mem", "dynptr_read": "bpf_dynptr_read",
	"dynptr_write": "bpf_dynptr_write", "dynptr_data": "bpf_dynptr_data",
}

var basePerfmon = table{
	"trace_printk": "bpf_trace_printk", "get_current_task": "bpf_get_current_task",
	"get_current_task_btf": "bpf_get_current_task_btf", "probe_read_user": "bpf_probe_read_user",
	"probe_read_kernel": "bpf_probe_read_kernel", "probe_read_user_str": "bpf_probe_read_user_str",
	"probe_read_kernel_str": "bpf_probe_read_kernel_str", "snprintf_btf": "bpf_snprintf_btf",
	"snprintf": "bpf_snprintf", "task_pt_regs": "bpf_task_pt_regs", "trace_vprintk": "bpf_trace_vprintk",
}

// skBase is bpf_sk_base_func_proto: the socket casts need CAP_PERFMON.
func skBase(h string, e *Env) string {
	switch h {
	case "skc_to_tcp6_sock", "skc_to_tcp_sock", "skc_to_tcp_timewait_sock", "skc_to_tcp_request_sock",
		"skc_to_udp6_sock", "skc_to_unix_sock", "skc_to_mptcp_sock":
		if !e.Perfmon {
			return ""
		}
		return "bpf_" + h
	case "ktime_get_coarse_ns":
		return "bpf_ktime_get_coarse_ns"
	}
	return base(h, e)
}

// with tries t, then falls back.
func with(t table, h string, e *Env, fallback resolver) string {
	if p, ok := t[h]; ok {
		return p
	}
	return fallback(h, e)
}

var skFilterTable = table{
	"skb_load_bytes": "bpf_skb_load_bytes", "skb_load_bytes_relative": "bpf_skb_load_bytes_relative",
	"get_socket_cookie": "bpf_get_socket_cookie", "get_socket_uid": "bpf_get_socket_uid",
	"perf_event_output": "bpf_skb_event_output",
}

func skFilter(h string, e *Env) string { return with(skFilterTable, h, e, skBase) }

// cgroupAttachNoRetval are the attach types without get/set_retval.
var cgroupAttachNoRetval = map[string]bool{
	"cgroup_inet_ingress": true, "cgroup_inet_egress": true, "cgroup_sock_ops": true,
	"cgroup_udp4_recvmsg": true, "cgroup_udp6_recvmsg": true, "cgroup_inet4_getpeername": true,
	"cgroup_inet6_getpeername": true, "cgroup_inet4_getsockname": true, "cgroup_inet6_getsockname": true,
}

// cgroupCommon is cgroup_common_func_proto.
func cgroupCommon(h string, e *Env) string {
	switch h {
	case "get_local_storage":
		return "bpf_get_local_storage"
	case "get_retval", "set_retval":
		if cgroupAttachNoRetval[e.AttachType] {
			return ""
		}
		return "bpf_" + h
	}
	return ""
}

var cgroupCurrent = table{
	"get_current_uid_gid": "bpf_get_current_uid_gid", "get_current_pid_tgid": "bpf_get_current_pid_tgid",
	"get_current_comm": "bpf_get_current_comm", "get_current_cgroup_id": "bpf_get_current_cgroup_id",
	"get_current_ancestor_cgroup_id": "bpf_get_current_ancestor_cgroup_id",
	"get_cgroup_classid":             "bpf_get_cgroup_classid_curr",
}

// cgroupFirst tries the common cgroup helpers and, when current is set,
// those about the current task.
func cgroupFirst(h string, e *Env, current bool) string {
	if p := cgroupCommon(h, e); p != "" {
		return p
	}
	if current {
		return cgroupCurrent[h]
	}
	return ""
}

var cgSkbTable = table{
	"sk_fullsock": "bpf_sk_fullsock", "sk_storage_get": "bpf_sk_storage_get",
	"sk_storage_delete": "bpf_sk_storage_delete", "perf_event_output": "bpf_skb_event_output",
	"skb_cgroup_id": "bpf_skb_cgroup_id", "skb_ancestor_cgroup_id": "bpf_skb_ancestor_cgroup_id",
	"sk_cgroup_id": "bpf_sk_cgroup_id", "sk_ancestor_cgroup_id": "bpf_sk_ancestor_cgroup_id",
	"sk_lookup_tcp": "bpf_sk_lookup_tcp", "sk_lookup_udp": "bpf_sk_lookup_udp",
	"sk_release": "bpf_sk_release", "skc_lookup_tcp": "bpf_skc_lookup_tcp", "tcp_sock": "bpf_tcp_sock",
	"get_listener_sock": "bpf_get_listener_sock", "skb_ecn_set_ce": "bpf_skb_ecn_set_ce",
}

func cgSkb(h string, e *Env) string {
	if p := cgroupFirst(h, e, false); p != "" {
		return p
	}
	return with(cgSkbTable, h, e, skFilter)
}

var tcTable = table{
	"skb_store_bytes": "bpf_skb_store_bytes", "skb_load_bytes": "bpf_skb_load_bytes",
	"skb_load_bytes_relative": "bpf_skb_load_bytes_relative", "skb_pull_data": "bpf_skb_pull_data",
	"csum_diff": "bpf_csum_diff", "csum_update": "bpf_csum_update", "csum_level": "bpf_csum_level",
	"l3_csum_replace": "bpf_l3_csum_replace", "l4_csum_replace": "bpf_l4_csum_replace",
	"clone_redirect": "bpf_clone_redirect", "get_cgroup_classid": "bpf_get_cgroup_classid",
	"skb_vlan_push": "bpf_skb_vlan_push", "skb_vlan_pop": "bpf_skb_vlan_pop",
	"skb_change_proto": "bpf_skb_change_proto", "skb_change_type": "bpf_skb_change_type",
	"skb_adjust_room": "bpf_skb_adjust_room", "skb_change_tail": "bpf_skb_change_tail",
	"skb_change_head": "bpf_skb_change_head", "skb_get_tunnel_key": "bpf_skb_get_tunnel_key",
	"skb_set_tunnel_key": "bpf_skb_set_tunnel_key", "skb_get_tunnel_opt": "bpf_skb_get_tunnel_opt",
	"skb_set_tunnel_opt": "bpf_skb_set_tunnel_opt", "redirect": "bpf_redirect",
	"redirect_neigh": "bpf_redirect_neigh", "redirect_peer": "bpf_redirect_peer",
	"get_route_realm": "bpf_get_route_realm", "get_hash_recalc": "bpf_get_hash_recalc",
	"set_hash_invalid": "bpf_set_hash_invalid", "set_hash": "bpf_set_hash",
	"perf_event_output": "bpf_skb_event_output", "get_smp_processor_id": "bpf_get_smp_processor_id",
	"skb_under_cgroup": "bpf_skb_under_cgroup", "get_socket_cookie": "bpf_get_socket_cookie",
	"get_socket_uid": "bpf_get_socket_uid", "fib_lookup": "bpf_skb_fib_lookup",
	"check_mtu": "bpf_skb_check_mtu", "sk_fullsock": "bpf_sk_fullsock",
	"sk_storage_get": "bpf_sk_storage_get", "sk_storage_delete": "bpf_sk_storage_delete",
	"skb_get_xfrm_state": "bpf_skb_get_xfrm_state", "skb_cgroup_classid": "bpf_skb_cgroup_classid",
	"skb_cgroup_id": "bpf_skb_cgroup_id", "skb_ancestor_cgroup_id": "bpf_skb_ancestor_cgroup_id",
	"sk_lookup_tcp": "bpf_tc_sk_lookup_tcp", "sk_lookup_udp": "bpf_tc_sk_lookup_udp",
	"sk_release": "bpf_sk_release", "tcp_sock": "bpf_tcp_sock", "get_listener_sock": "bpf_get_listener_sock",
	"skc_lookup_tcp": "bpf_tc_skc_lookup_tcp", "tcp_check_syncookie": "bpf_tcp_check_syncookie",
	"skb_ecn_set_ce": "bpf_skb_ecn_set_ce", "tcp_gen_syncookie": "bpf_tcp_gen_syncookie",
	"sk_assign": "bpf_sk_assign", "skb_set_tstamp": "bpf_skb_set_tstamp",
	"tcp_raw_gen_syncookie_ipv4":   "bpf_tcp_raw_gen_syncookie_ipv4",
	"tcp_raw_gen_syncookie_ipv6":   "bpf_tcp_raw_gen_syncookie_ipv6",
	"tcp_raw_check_syncookie_ipv4": "bpf_tcp_raw_check_syncookie_ipv4",
	"tcp_raw_check_syncookie_ipv6": "bpf_tcp_raw_check_syncookie_ipv6",
}

func tcClsAct(h string, e *Env) string { return with(tcTable, h, e, skBase) }

var xdpTable = table{
	"perf_event_output": "bpf_xdp_event_output", "get_smp_processor_id": "bpf_get_smp_processor_id",
	"csum_diff": "bpf_csum_diff", "xdp_adjust_head": "bpf_xdp_adjust_head",
	"xdp_adjust_meta": "bpf_xdp_adjust_meta", "redirect": "bpf_xdp_redirect",
	"redirect_map": "bpf_xdp_redirect_map", "xdp_adjust_tail": "bpf_xdp_adjust_tail",
	"xdp_get_buff_len": "bpf_xdp_get_buff_len", "xdp_load_bytes": "bpf_xdp_load_bytes",
	"xdp_store_bytes": "bpf_xdp_store_bytes", "fib_lookup": "bpf_xdp_fib_lookup",
	"check_mtu": "bpf_xdp_check_mtu", "sk_lookup_udp": "bpf_xdp_sk_lookup_udp",
	"sk_lookup_tcp": "bpf_xdp_sk_lookup_tcp", "sk_release": "bpf_sk_release",
	"skc_lookup_tcp": "bpf_xdp_skc_lookup_tcp", "tcp_check_syncookie": "bpf_tcp_check_syncookie",
	"tcp_gen_syncookie":            "bpf_tcp_gen_syncookie",
	"tcp_raw_gen_syncookie_ipv4":   "bpf_tcp_raw_gen_syncookie_ipv4",
	"tcp_raw_gen_syncookie_ipv6":   "bpf_tcp_raw_gen_syncookie_ipv6",
	"tcp_raw_check_syncookie_ipv4": "bpf_tcp_raw_check_syncookie_ipv4",
	"tcp_raw_check_syncookie_ipv6": "bpf_tcp_raw_check_syncookie_ipv6",
}

func xdp(h string, e *Env) string { return with(xdpTable, h, e, skBase) }

var sockFilterTable = table{
	"get_socket_cookie": "bpf_get_socket_cookie_sock", "get_netns_cookie": "bpf_get_netns_cookie_sock",
	"perf_event_output": "bpf_event_output_data", "sk_storage_get": "bpf_sk_storage_get_cg_sock",
	"ktime_get_coarse_ns": "bpf_ktime_get_coarse_ns",
}

// sockFilter serves cgroup_sock programs.
func sockFilter(h string, e *Env) string {
	if p := cgroupFirst(h, e, true); p != "" {
		return p
	}
	return with(sockFilterTable, h, e, base)
}

var sockAddrTable = table{
	"get_socket_cookie": "bpf_get_socket_cookie_sock_addr", "get_netns_cookie": "bpf_get_netns_cookie_sock_addr",
	"perf_event_output": "bpf_event_output_data", "sk_lookup_tcp": "bpf_sock_addr_sk_lookup_tcp",
	"sk_lookup_udp": "bpf_sock_addr_sk_lookup_udp", "sk_release": "bpf_sk_release",
	"skc_lookup_tcp": "bpf_sock_addr_skc_lookup_tcp", "sk_storage_get": "bpf_sk_storage_get",
	"sk_storage_delete": "bpf_sk_storage_delete",
}

// sockAddrOpts are the attach types that may call setsockopt/getsockopt.
var sockAddrOpts = map[string]bool{
	"cgroup_inet4_bind": true, "cgroup_inet6_bind": true, "cgroup_inet4_connect": true,
	"cgroup_inet6_connect": true, "cgroup_udp4_recvmsg": true, "cgroup_udp6_recvmsg": true,
	"cgroup_udp4_sendmsg": true, "cgroup_udp6_sendmsg": true, "cgroup_inet4_getpeername": true,
	"cgroup_inet6_getpeername": true, "cgroup_inet4_getsockname": true, "cgroup_inet6_getsockname": true,
}

func sockAddr(h string, e *Env) string {
	if p := cgroupFirst(h, e, true); p != "" {
		return p
	}
	switch h {
	case "bind":
		if e.AttachType == "cgroup_inet4_connect" || e.AttachType == "cgroup_inet6_connect" {
			return "bpf_bind"
		}
		return ""
	case "setsockopt", "getsockopt":
		if sockAddrOpts[e.AttachType] {
			return "bpf_sock_addr_" + h
		}
		return ""
	}
	return with(sockAddrTable, h, e, skBase)
}

var sockOpsTable = table{
	"setsockopt": "bpf_sock_ops_setsockopt", "getsockopt": "bpf_sock_ops_getsockopt",
	"sock_ops_cb_flags_set": "bpf_sock_ops_cb_flags_set", "sock_map_update": "bpf_sock_map_update",
	"sock_hash_update": "bpf_sock_hash_update", "get_socket_cookie": "bpf_get_socket_cookie_sock_ops",
	"perf_event_output": "bpf_event_output_data", "sk_storage_get": "bpf_sk_storage_get",
	"sk_storage_delete": "bpf_sk_storage_delete", "get_netns_cookie": "bpf_get_netns_cookie_sock_ops",
	"load_hdr_opt": "bpf_sock_ops_load_hdr_opt", "store_hdr_opt": "bpf_sock_ops_store_hdr_opt",
	"reserve_hdr_opt": "bpf_sock_ops_reserve_hdr_opt", "tcp_sock": "bpf_tcp_sock",
}

func sockOps(h string, e *Env) string {
	if p := cgroupFirst(h, e, false); p != "" {
		return p
	}
	return with(sockOpsTable, h, e, skBase)
}

var skMsgTable = table{
	"msg_redirect_map": "bpf_msg_redirect_map", "msg_redirect_hash": "bpf_msg_redirect_hash",
	"msg_apply_bytes": "bpf_msg_apply_bytes", "msg_cork_bytes": "bpf_msg_cork_bytes",
	"msg_pull_data": "bpf_msg_pull_data", "msg_push_data": "bpf_msg_push_data",
	"msg_pop_data": "bpf_msg_pop_data", "perf_event_output": "bpf_event_output_data",
	"get_current_uid_gid": "bpf_get_current_uid_gid", "get_current_pid_tgid": "bpf_get_current_pid_tgid",
	"sk_storage_get": "bpf_sk_storage_get", "sk_storage_delete": "bpf_sk_storage_delete",
	"get_netns_cookie": "bpf_get_netns_cookie_sk_msg", "get_current_cgroup_id": "bpf_get_current_cgroup_id",
	"get_current_ancestor_cgroup_id": "bpf_get_current_ancestor_cgroup_id",
	"get_cgroup_classid":             "bpf_get_cgroup_classid_curr",
}

func skMsg(h string, e *Env) string { return with(skMsgTable, h, e, skBase) }

var skSkbTable = table{
	"skb_store_bytes": "bpf_skb_store_bytes", "skb_load_bytes": "bpf_skb_load_bytes",
	"skb_pull_data": "sk_skb_pull_data", "skb_change_tail": "sk_skb_change_tail",
	"skb_change_head": "sk_skb_change_head", "skb_adjust_room": "sk_skb_adjust_room",
	"get_socket_cookie": "bpf_get_socket_cookie", "get_socket_uid": "bpf_get_socket_uid",
	"sk_redirect_map": "bpf_sk_redirect_map", "sk_redirect_hash": "bpf_sk_redirect_hash",
	"perf_event_output": "bpf_skb_event_output", "sk_lookup_tcp": "bpf_sk_lookup_tcp",
	"sk_lookup_udp": "bpf_sk_lookup_udp", "sk_release": "bpf_sk_release", "skc_lookup_tcp": "bpf_skc_lookup_tcp",
}

func skSkb(h string, e *Env) string { return with(skSkbTable, h, e, skBase) }

func flowDissector(h string, e *Env) string {
	return with(table{"skb_load_bytes": "bpf_flow_dissector_load_bytes"}, h, e, skBase)
}

var lwtOutTable = table{
	"skb_load_bytes": "bpf_skb_load_bytes", "skb_pull_data": "bpf_skb_pull_data",
	"csum_diff": "bpf_csum_diff", "get_cgroup_classid": "bpf_get_cgroup_classid",
	"get_route_realm": "bpf_get_route_realm", "get_hash_recalc": "bpf_get_hash_recalc",
	"perf_event_output": "bpf_skb_event_output", "get_smp_processor_id": "bpf_get_smp_processor_id",
	"skb_under_cgroup": "bpf_skb_under_cgroup",
}

func lwtOut(h string, e *Env) string { return with(lwtOutTable, h, e, skBase) }

func lwtIn(h string, e *Env) string {
	return with(table{"lwt_push_encap": "bpf_lwt_in_push_encap"}, h, e, lwtOut)
}

var lwtXmitTable = table{
	"skb_get_tunnel_key": "bpf_skb_get_tunnel_key", "skb_set_tunnel_key": "bpf_skb_set_tunnel_key",
	"skb_get_tunnel_opt": "bpf_skb_get_tunnel_opt", "skb_set_tunnel_opt": "bpf_skb_set_tunnel_opt",
	"redirect": "bpf_redirect", "clone_redirect": "bpf_clone_redirect",
	"skb_change_tail": "bpf_skb_change_tail", "skb_change_head": "bpf_skb_change_head",
	"skb_store_bytes": "bpf_skb_store_bytes", "csum_update": "bpf_csum_update",
	"csum_level": "bpf_csum_level", "l3_csum_replace": "bpf_l3_csum_replace",
	"l4_csum_replace": "bpf_l4_csum_replace", "set_hash_invalid": "bpf_set_hash_invalid",
	"lwt_push_encap": "bpf_lwt_xmit_push_encap",
}

func lwtXmit(h string, e *Env) string { return with(lwtXmitTable, h, e, lwtOut) }

func lwtSeg6local(h string, e *Env) string {
	switch h {
	case "skb_pull_data":
		return ""
	case "lwt_seg6_store_bytes", "lwt_seg6_action", "lwt_seg6_adjust_srh":
		return "bpf_" + h
	}
	return lwtOut(h, e)
}

func skReuseport(h string, e *Env) string {
	return with(table{
		"sk_select_reuseport": "sk_select_reuseport", "skb_load_bytes": "sk_reuseport_load_bytes",
		"skb_load_bytes_relative": "sk_reuseport_load_bytes_relative",
		"get_socket_cookie":       "bpf_get_socket_ptr_cookie", "ktime_get_coarse_ns": "bpf_ktime_get_coarse_ns",
	}, h, e, base)
}

func skLookup(h string, e *Env) string {
	return with(table{
		"perf_event_output": "bpf_event_output_data", "sk_assign": "bpf_sk_lookup_assign",
		"sk_release": "bpf_sk_release",
	}, h, e, skBase)
}

// tracingTable is bpf_tracing_func_proto's own list (kprobe, tracepoint,
// perf_event, raw_tracepoint and tracing programs share it).
var tracingTable = table{
	"map_lookup_elem": "bpf_map_lookup_elem", "map_update_elem": "bpf_map_update_elem",
	"map_delete_elem": "bpf_map_delete_elem", "map_push_elem": "bpf_map_push_elem",
	"map_pop_elem": "bpf_map_pop_elem", "map_peek_elem": "bpf_map_peek_elem",
	"map_lookup_percpu_elem": "bpf_map_lookup_percpu_elem", "ktime_get_ns": "bpf_ktime_get_ns",
	"ktime_get_boot_ns": "bpf_ktime_get_boot_ns", "tail_call": "bpf_tail_call",
	"get_current_pid_tgid": "bpf_get_current_pid_tgid", "get_current_task": "bpf_get_current_task",
	"get_current_task_btf": "bpf_get_current_task_btf", "task_pt_regs": "bpf_task_pt_regs",
	"get_current_uid_gid": "bpf_get_current_uid_gid", "get_current_comm": "bpf_get_current_comm",
	"trace_printk": "bpf_trace_printk", "get_smp_processor_id": "bpf_get_smp_processor_id",
	"get_numa_node_id": "bpf_get_numa_node_id", "perf_event_read": "bpf_perf_event_read",
	"current_task_under_cgroup": "bpf_current_task_under_cgroup", "get_prandom_u32": "bpf_get_prandom_u32",
	"probe_read_user": "bpf_probe_read_user", "probe_read_kernel": "bpf_probe_read_kernel",
	"probe_read_user_str": "bpf_probe_read_user_str", "probe_read_kernel_str": "bpf_probe_read_kernel_str",
	"probe_read": "bpf_probe_read_compat", "probe_read_str": "bpf_probe_read_compat_str",
	"get_current_cgroup_id":          "bpf_get_current_cgroup_id",
	"get_current_ancestor_cgroup_id": "bpf_get_current_ancestor_cgroup_id",
	"send_signal":                    "bpf_send_signal", "send_signal_thread": "bpf_send_signal_thread",
	"perf_event_read_value": "bpf_perf_event_read_value", "get_ns_current_pid_tgid": "bpf_get_ns_current_pid_tgid",
	"ringbuf_output": "bpf_ringbuf_output", "ringbuf_reserve": "bpf_ringbuf_reserve",
	"ringbuf_submit": "bpf_ringbuf_submit", "ringbuf_discard": "bpf_ringbuf_discard",
	"ringbuf_query": "bpf_ringbuf_query", "jiffies64": "bpf_jiffies64", "get_task_stack": "bpf_get_task_stack",
	"copy_from_user": "bpf_copy_from_user", "copy_from_user_task": "bpf_copy_from_user_task",
	"snprintf_btf": "bpf_snprintf_btf", "per_cpu_ptr": "bpf_per_cpu_ptr", "this_cpu_ptr": "bpf_this_cpu_ptr",
	"task_storage_get": "bpf_task_storage_get", "task_storage_delete": "bpf_task_storage_delete",
	"for_each_map_elem": "bpf_for_each_map_elem", "snprintf": "bpf_snprintf",
	"get_func_ip": "bpf_get_func_ip_proto_tracing", "get_branch_snapshot": "bpf_get_branch_snapshot",
	"find_vma": "bpf_find_vma", "trace_vprintk": "bpf_trace_vprintk",
}

func tracing(h string, e *Env) string {
	if h == "probe_write_user" {
		if !e.SysAdmin {
			return ""
		}
		return "bpf_probe_write_user"
	}
	return with(tracingTable, h, e, base)
}

func kprobe(h string, e *Env) string {
	multi := e.AttachType == "trace_kprobe_multi"
	switch h {
	case "get_func_ip":
		if multi {
			return "bpf_get_func_ip_proto_kprobe_multi"
		}
		return "bpf_get_func_ip_proto_kprobe"
	case "get_attach_cookie":
		if multi {
			return "bpf_get_attach_cookie_proto_kmulti"
		}
		return "bpf_get_attach_cookie_proto_trace"
	}
	return with(table{
		"perf_event_output": "bpf_perf_event_output", "get_stackid": "bpf_get_stackid",
		"get_stack": "bpf_get_stack",
	}, h, e, tracing)
}

func tracepoint(h string, e *Env) string {
	return with(table{
		"perf_event_output": "bpf_perf_event_output_proto_tp", "get_stackid": "bpf_get_stackid_proto_tp",
		"get_stack": "bpf_get_stack_proto_tp", "get_attach_cookie": "bpf_get_attach_cookie_proto_trace",
	}, h, e, tracing)
}

func perfEvent(h string, e *Env) string {
	return with(table{
		"perf_event_output": "bpf_perf_event_output_proto_tp", "get_stackid": "bpf_get_stackid_proto_pe",
		"get_stack": "bpf_get_stack_proto_pe", "perf_prog_read_value": "bpf_perf_prog_read_value",
		"read_branch_records": "bpf_read_branch_records", "get_attach_cookie": "bpf_get_attach_cookie_proto_pe",
	}, h, e, tracing)
}

func rawTracepoint(h string, e *Env) string {
	return with(table{
		"perf_event_output": "bpf_perf_event_output_proto_raw_tp", "get_stackid": "bpf_get_stackid_proto_raw_tp",
		"get_stack": "bpf_get_stack_proto_raw_tp",
	}, h, e, tracing)
}

// tracingProg serves fentry/fexit/iter programs. bpfplay loads them
// without a BTF target, so the trampoline-only helpers are not offered.
func tracingProg(h string, e *Env) string {
	iter := e.AttachType == "trace_iter"
	switch h {
	case "seq_printf", "seq_write", "seq_printf_btf":
		if iter {
			return "bpf_" + h
		}
		return ""
	case "get_func_arg", "get_func_ret", "get_func_arg_cnt", "get_attach_cookie":
		return ""
	}
	return with(table{
		"skb_output": "bpf_skb_output", "xdp_output": "bpf_xdp_output",
		"skc_to_tcp6_sock": "bpf_skc_to_tcp6_sock", "skc_to_tcp_sock": "bpf_skc_to_tcp_sock",
		"skc_to_tcp_timewait_sock": "bpf_skc_to_tcp_timewait_sock",
		"skc_to_tcp_request_sock":  "bpf_skc_to_tcp_request_sock", "skc_to_udp6_sock": "bpf_skc_to_udp6_sock",
		"skc_to_unix_sock": "bpf_skc_to_unix_sock", "skc_to_mptcp_sock": "bpf_skc_to_mptcp_sock",
		"sk_storage_get": "bpf_sk_storage_get_tracing", "sk_storage_delete": "bpf_sk_storage_delete_tracing",
		"sock_from_file": "bpf_sock_from_file", "get_socket_cookie": "bpf_get_socket_ptr_cookie",
		"xdp_get_buff_len": "bpf_xdp_get_buff_len_trace", "d_path": "bpf_d_path",
	}, h, e, rawTracepoint)
}

func lsm(h string, e *Env) string {
	if e.AttachType == "lsm_cgroup" {
		if p := cgroupCommon(h, e); p != "" {
			return p
		}
	}
	switch h {
	case "get_attach_cookie", "setsockopt", "getsockopt":
		return ""
	}
	return with(table{
		"inode_storage_get": "bpf_inode_storage_get", "inode_storage_delete": "bpf_inode_storage_delete",
		"sk_storage_get": "bpf_sk_storage_get", "sk_storage_delete": "bpf_sk_storage_delete",
		"spin_lock": "bpf_spin_lock", "spin_unlock": "bpf_spin_unlock", "bprm_opts_set": "bpf_bprm_opts_set",
		"ima_inode_hash": "bpf_ima_inode_hash", "ima_file_hash": "bpf_ima_file_hash",
	}, h, e, tracingProg)
}

func syscallProg(h string, e *Env) string {
	switch h {
	case "sys_bpf":
		if !e.Perfmon {
			return ""
		}
		return "bpf_sys_bpf"
	case "btf_find_by_name_kind", "sys_close", "kallsyms_lookup_name":
		return "bpf_" + h
	}
	return tracingProg(h, e)
}

func cgroupDev(h string, e *Env) string {
	if p := cgroupFirst(h, e, true); p != "" {
		return p
	}
	return with(table{"perf_event_output": "bpf_event_output_data"}, h, e, base)
}

func sysctl(h string, e *Env) string {
	if p := cgroupFirst(h, e, true); p != "" {
		return p
	}
	return with(table{
		"sysctl_get_name": "bpf_sysctl_get_name", "sysctl_get_current_value": "bpf_sysctl_get_current_value",
		"sysctl_get_new_value": "bpf_sysctl_get_new_value", "sysctl_set_new_value": "bpf_sysctl_set_new_value",
		"ktime_get_coarse_ns": "bpf_ktime_get_coarse_ns", "perf_event_output": "bpf_event_output_data",
	}, h, e, base)
}

func cgSockopt(h string, e *Env) string {
	if p := cgroupFirst(h, e, true); p != "" {
		return p
	}
	switch h {
	case "setsockopt", "getsockopt":
		if e.AttachType == "cgroup_setsockopt" {
			return "bpf_sk_" + h
		}
		return ""
	}
	return with(table{
		"get_netns_cookie": "bpf_get_netns_cookie_sockopt", "sk_storage_get": "bpf_sk_storage_get",
		"sk_storage_delete": "bpf_sk_storage_delete", "tcp_sock": "bpf_tcp_sock",
		"perf_event_output": "bpf_event_output_data",
	}, h, e, base)
}
