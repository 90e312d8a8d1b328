package progtype

// Layouts of the uapi context structs the verifier's access rules need
// beyond the registry's (layout.go), laid out by C's rules for x86-64.
// Offsets are facts of Linux 6.1's include/uapi/linux/bpf.h.

// cfield is one member in declaration order: size and alignment, count
// for arrays.
type cfield struct {
	name        string
	size, align int
	n           int
}

func cu32(name string) cfield        { return cfield{name, 4, 4, 1} }
func cu16(name string) cfield        { return cfield{name, 2, 2, 1} }
func cu64(name string) cfield        { return cfield{name, 8, 8, 1} }
func cptr(name string) cfield        { return cfield{name, 8, 8, 1} } // __bpf_md_ptr
func carr(name string, n int) cfield { return cfield{name, 4, 4, n} }

// clayout computes the offsets of fs laid out one after the other.
func clayout(name string, fs ...cfield) *Struct {
	s := &Struct{Name: name}
	off, maxAlign := 0, 1
	for _, f := range fs {
		off = (off + f.align - 1) &^ (f.align - 1)
		s.Fields = append(s.Fields, Field{Name: f.name, Off: off, Size: f.size * f.n, Elem: f.size})
		off += f.size * f.n
		maxAlign = max(maxAlign, f.align)
	}
	s.Size = (off + maxAlign - 1) &^ (maxAlign - 1)
	return s
}

// BPFSockAddr is struct bpf_sock_addr (cgroup_sock_addr programs).
var BPFSockAddr = clayout("bpf_sock_addr",
	cu32("user_family"), cu32("user_ip4"), carr("user_ip6", 4), cu32("user_port"), cu32("family"),
	cu32("type"), cu32("protocol"), cu32("msg_src_ip4"), carr("msg_src_ip6", 4), cptr("sk"))

// BPFSockOps is struct bpf_sock_ops (sock_ops programs). args, reply and
// replylong share their bytes (a union of 16 bytes at offset 4).
var BPFSockOps = clayout("bpf_sock_ops",
	cu32("op"), carr("args", 4), cu32("family"), cu32("remote_ip4"), cu32("local_ip4"),
	carr("remote_ip6", 4), carr("local_ip6", 4), cu32("remote_port"), cu32("local_port"),
	cu32("is_fullsock"), cu32("snd_cwnd"), cu32("srtt_us"), cu32("bpf_sock_ops_cb_flags"),
	cu32("state"), cu32("rtt_min"), cu32("snd_ssthresh"), cu32("rcv_nxt"), cu32("snd_nxt"),
	cu32("snd_una"), cu32("mss_cache"), cu32("ecn_flags"), cu32("rate_delivered"),
	cu32("rate_interval_us"), cu32("packets_out"), cu32("retrans_out"), cu32("total_retrans"),
	cu32("segs_in"), cu32("data_segs_in"), cu32("segs_out"), cu32("data_segs_out"),
	cu32("lost_out"), cu32("sacked_out"), cu32("sk_txhash"), cu64("bytes_received"),
	cu64("bytes_acked"), cptr("sk"), cptr("skb_data"), cptr("skb_data_end"), cu32("skb_len"),
	cu32("skb_tcp_flags"))

// SkMsgMd is struct sk_msg_md (sk_msg programs).
var SkMsgMd = clayout("sk_msg_md",
	cptr("data"), cptr("data_end"), cu32("family"), cu32("remote_ip4"), cu32("local_ip4"),
	carr("remote_ip6", 4), carr("local_ip6", 4), cu32("remote_port"), cu32("local_port"),
	cu32("size"), cptr("sk"))

// SkReuseportMd is struct sk_reuseport_md (sk_reuseport programs).
var SkReuseportMd = clayout("sk_reuseport_md",
	cptr("data"), cptr("data_end"), cu32("len"), cu32("eth_protocol"), cu32("ip_protocol"),
	cu32("bind_inany"), cu32("hash"), cptr("sk"), cptr("migrating_sk"))

// BPFSkLookup is struct bpf_sk_lookup (sk_lookup programs); sk and cookie
// share offset 0, remote_port is 16 bits followed by 16 bits of padding.
var BPFSkLookup = clayout("bpf_sk_lookup",
	cptr("sk"), cu32("family"), cu32("protocol"), cu32("remote_ip4"), carr("remote_ip6", 4),
	cu16("remote_port"), cu16("(padding)"), cu32("local_ip4"), carr("local_ip6", 4),
	cu32("local_port"), cu32("ingress_ifindex"))

// BPFSysctl is struct bpf_sysctl (cgroup_sysctl programs).
var BPFSysctl = clayout("bpf_sysctl", cu32("write"), cu32("file_pos"))

// BPFSockopt is struct bpf_sockopt (cgroup_sockopt programs).
var BPFSockopt = clayout("bpf_sockopt",
	cptr("sk"), cptr("optval"), cptr("optval_end"), cu32("level"), cu32("optname"),
	cu32("optlen"), cu32("retval"))

// BPFCgroupDevCtx is struct bpf_cgroup_dev_ctx (cgroup_device programs).
var BPFCgroupDevCtx = clayout("bpf_cgroup_dev_ctx", cu32("access_type"), cu32("major"), cu32("minor"))

// BPFPerfEventData is struct bpf_perf_event_data (perf_event programs):
// the registers, then sample_period and addr.
var BPFPerfEventData = &Struct{Name: "bpf_perf_event_data", Size: 184, Fields: []Field{
	{Name: "regs", Off: 0, Size: 168, Elem: 8}, u64("sample_period", 168), u64("addr", 176),
}}

// BPFTCPSock is struct bpf_tcp_sock (what bpf_tcp_sock returns).
var BPFTCPSock = clayout("bpf_tcp_sock",
	cu32("snd_cwnd"), cu32("srtt_us"), cu32("rtt_min"), cu32("snd_ssthresh"), cu32("rcv_nxt"),
	cu32("snd_nxt"), cu32("snd_una"), cu32("mss_cache"), cu32("ecn_flags"), cu32("rate_delivered"),
	cu32("rate_interval_us"), cu32("packets_out"), cu32("retrans_out"), cu32("total_retrans"),
	cu32("segs_in"), cu32("data_segs_in"), cu32("segs_out"), cu32("data_segs_out"),
	cu32("lost_out"), cu32("sacked_out"), cu64("bytes_received"), cu64("bytes_acked"),
	cu32("dsack_dups"), cu32("delivered"), cu32("delivered_ce"), cu32("icsk_retransmits"))

// BPFXDPSock is struct bpf_xdp_sock.
var BPFXDPSock = clayout("bpf_xdp_sock", cu32("queue_id"))
