package progtype

// Layouts of the uapi context structs the verifier's access rules need
// beyond the registry's (layout.go), laid out by C's rules for x86-64.
// Offsets are facts of Linux 6.1's include/uapi/linux/bpf.h.

// cfield is one member in declaration order: its element size, which is
// also its alignment (cU16, cU32, cU64, cPtr), and its array length (0
// for a scalar). The tables are data (composite literals of constants),
// not calls: see layout.go.
type cfield struct {
	name string
	size int
	n    int
}

// Member sizes (and alignments) on x86-64.
const (
	cU16 = 2
	cU32 = 4
	cU64 = 8
	cPtr = 8 // __bpf_md_ptr
)

// clayout computes the offsets of fs laid out one after the other.
func clayout(name string, fs []cfield) *Struct {
	s := &Struct{Name: name, Fields: make([]Field, 0, len(fs))}
	off, maxAlign := 0, 1
	for _, f := range fs {
		n := max(f.n, 1)
		off = (off + f.size - 1) &^ (f.size - 1)
		s.Fields = append(s.Fields, Field{Name: f.name, Off: off, Size: f.size * n, Elem: f.size})
		off += f.size * n
		maxAlign = max(maxAlign, f.size)
	}
	s.Size = (off + maxAlign - 1) &^ (maxAlign - 1)
	return s
}

// BPFSockAddr is struct bpf_sock_addr (cgroup_sock_addr programs).
var BPFSockAddr = clayout("bpf_sock_addr", []cfield{
	{"user_family", cU32, 0}, {"user_ip4", cU32, 0}, {"user_ip6", cU32, 4}, {"user_port", cU32, 0},
	{"family", cU32, 0}, {"type", cU32, 0}, {"protocol", cU32, 0}, {"msg_src_ip4", cU32, 0},
	{"msg_src_ip6", cU32, 4}, {"sk", cPtr, 0},
})

// BPFSockOps is struct bpf_sock_ops (sock_ops programs). args, reply and
// replylong share their bytes (a union of 16 bytes at offset 4).
var BPFSockOps = clayout("bpf_sock_ops", []cfield{
	{"op", cU32, 0}, {"args", cU32, 4}, {"family", cU32, 0}, {"remote_ip4", cU32, 0},
	{"local_ip4", cU32, 0}, {"remote_ip6", cU32, 4}, {"local_ip6", cU32, 4}, {"remote_port", cU32, 0},
	{"local_port", cU32, 0}, {"is_fullsock", cU32, 0}, {"snd_cwnd", cU32, 0}, {"srtt_us", cU32, 0},
	{"bpf_sock_ops_cb_flags", cU32, 0}, {"state", cU32, 0}, {"rtt_min", cU32, 0},
	{"snd_ssthresh", cU32, 0}, {"rcv_nxt", cU32, 0}, {"snd_nxt", cU32, 0}, {"snd_una", cU32, 0},
	{"mss_cache", cU32, 0}, {"ecn_flags", cU32, 0}, {"rate_delivered", cU32, 0},
	{"rate_interval_us", cU32, 0}, {"packets_out", cU32, 0}, {"retrans_out", cU32, 0},
	{"total_retrans", cU32, 0}, {"segs_in", cU32, 0}, {"data_segs_in", cU32, 0},
	{"segs_out", cU32, 0}, {"data_segs_out", cU32, 0}, {"lost_out", cU32, 0}, {"sacked_out", cU32, 0},
	{"sk_txhash", cU32, 0}, {"bytes_received", cU64, 0}, {"bytes_acked", cU64, 0}, {"sk", cPtr, 0},
	{"skb_data", cPtr, 0}, {"skb_data_end", cPtr, 0}, {"skb_len", cU32, 0},
	{"skb_tcp_flags", cU32, 0},
})

// SkMsgMd is struct sk_msg_md (sk_msg programs).
var SkMsgMd = clayout("sk_msg_md", []cfield{
	{"data", cPtr, 0}, {"data_end", cPtr, 0}, {"family", cU32, 0}, {"remote_ip4", cU32, 0},
	{"local_ip4", cU32, 0}, {"remote_ip6", cU32, 4}, {"local_ip6", cU32, 4}, {"remote_port", cU32, 0},
	{"local_port", cU32, 0}, {"size", cU32, 0}, {"sk", cPtr, 0},
})

// SkReuseportMd is struct sk_reuseport_md (sk_reuseport programs).
var SkReuseportMd = clayout("sk_reuseport_md", []cfield{
	{"data", cPtr, 0}, {"data_end", cPtr, 0}, {"len", cU32, 0}, {"eth_protocol", cU32, 0},
	{"ip_protocol", cU32, 0}, {"bind_inany", cU32, 0}, {"hash", cU32, 0}, {"sk", cPtr, 0},
	{"migrating_sk", cPtr, 0},
})

// BPFSkLookup is struct bpf_sk_lookup (sk_lookup programs); sk and cookie
// share offset 0, remote_port is 16 bits followed by 16 bits of padding.
var BPFSkLookup = clayout("bpf_sk_lookup", []cfield{
	{"sk", cPtr, 0}, {"family", cU32, 0}, {"protocol", cU32, 0}, {"remote_ip4", cU32, 0},
	{"remote_ip6", cU32, 4}, {"remote_port", cU16, 0}, {"(padding)", cU16, 0}, {"local_ip4", cU32, 0},
	{"local_ip6", cU32, 4}, {"local_port", cU32, 0}, {"ingress_ifindex", cU32, 0},
})

// BPFSysctl is struct bpf_sysctl (cgroup_sysctl programs).
var BPFSysctl = clayout("bpf_sysctl", []cfield{
	{"write", cU32, 0}, {"file_pos", cU32, 0},
})

// BPFSockopt is struct bpf_sockopt (cgroup_sockopt programs).
var BPFSockopt = clayout("bpf_sockopt", []cfield{
	{"sk", cPtr, 0}, {"optval", cPtr, 0}, {"optval_end", cPtr, 0}, {"level", cU32, 0},
	{"optname", cU32, 0}, {"optlen", cU32, 0}, {"retval", cU32, 0},
})

// BPFCgroupDevCtx is struct bpf_cgroup_dev_ctx (cgroup_device programs).
var BPFCgroupDevCtx = clayout("bpf_cgroup_dev_ctx", []cfield{
	{"access_type", cU32, 0}, {"major", cU32, 0}, {"minor", cU32, 0},
})

// BPFPerfEventData is struct bpf_perf_event_data (perf_event programs):
// the registers, then sample_period and addr.
var BPFPerfEventData = &Struct{Name: "bpf_perf_event_data", Size: 184, Fields: []Field{
	{Name: "regs", Off: 0, Size: 168, Elem: 8}, {Name: "sample_period", Off: 168, Size: 8, Elem: 8},
	{Name: "addr", Off: 176, Size: 8, Elem: 8},
}}

// BPFTCPSock is struct bpf_tcp_sock (what bpf_tcp_sock returns).
var BPFTCPSock = clayout("bpf_tcp_sock", []cfield{
	{"snd_cwnd", cU32, 0}, {"srtt_us", cU32, 0}, {"rtt_min", cU32, 0}, {"snd_ssthresh", cU32, 0},
	{"rcv_nxt", cU32, 0}, {"snd_nxt", cU32, 0}, {"snd_una", cU32, 0}, {"mss_cache", cU32, 0},
	{"ecn_flags", cU32, 0}, {"rate_delivered", cU32, 0}, {"rate_interval_us", cU32, 0},
	{"packets_out", cU32, 0}, {"retrans_out", cU32, 0}, {"total_retrans", cU32, 0},
	{"segs_in", cU32, 0}, {"data_segs_in", cU32, 0}, {"segs_out", cU32, 0},
	{"data_segs_out", cU32, 0}, {"lost_out", cU32, 0}, {"sacked_out", cU32, 0},
	{"bytes_received", cU64, 0}, {"bytes_acked", cU64, 0}, {"dsack_dups", cU32, 0},
	{"delivered", cU32, 0}, {"delivered_ce", cU32, 0}, {"icsk_retransmits", cU32, 0},
})

// BPFXDPSock is struct bpf_xdp_sock.
var BPFXDPSock = clayout("bpf_xdp_sock", []cfield{
	{"queue_id", cU32, 0},
})
