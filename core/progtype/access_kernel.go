package progtype

// Offsets of kernel-internal structs on the reference kernel (Debian
// 6.1.0-56-amd64), read from its BTF with pahole. The verifier's context
// rewrites turn uapi context accesses (__sk_buff, xdp_md, ...) into loads
// and stores at these offsets, so the xlated program is the kernel's.
// core/cbpf's conversions use the same sk_buff fields.

// struct sk_buff.
const (
	SkBuffDev            = 16
	SkBuffSk             = 24
	SkBuffTstamp         = 32
	SkBuffCb             = 40
	SkBuffLen            = 112
	SkBuffDataLen        = 116
	SkBuffQueueMapping   = 124
	SkBuffClonedOffset   = 126 // byte holding the cloned bit (bit 0)
	SkBuffPktTypeOffset  = 128 // byte holding pkt_type (bits 0-2)
	SkBuffVlanPresOffset = 130 // byte holding vlan_present (bit 0), mono_delivery_time (bit 5), tc_at_ingress (bit 7)
	SkBuffTcIndex        = 134
	SkBuffPriority       = 140
	SkBuffSkbIif         = 144
	SkBuffHash           = 148
	SkBuffVlanProto      = 152
	SkBuffVlanTCI        = 154
	SkBuffNapiID         = 156
	SkBuffMark           = 168
	SkBuffProtocol       = 180
	SkBuffEnd            = 192
	SkBuffHead           = 200
	SkBuffData           = 208
)

// Bits of the sk_buff flag bytes (little endian).
const (
	SkBuffClonedMask          = 1
	SkBuffPktTypeMax          = 7
	SkBuffVlanPresentBit      = 0
	SkBuffTcAtIngressMask     = 1 << 7
	SkBuffMonoDeliveryTimeMsk = 1 << 5
)

// struct qdisc_skb_cb and struct bpf_skb_data_end (in sk_buff.cb).
const (
	QdiscCbPktLen    = 0
	QdiscCbTcClassid = 6
	QdiscCbData      = 8
	SkbDataEndMeta   = 32 // bpf_skb_data_end.data_meta
	SkbDataEndEnd    = 40 // bpf_skb_data_end.data_end
)

// struct sk_skb_cb (sk_buff.cb of sk_skb programs).
const (
	SkSkbCbData    = 0
	SkSkbCbTempReg = 40
)

// struct skb_shared_info.
const (
	ShinfoGsoSize   = 4
	ShinfoGsoSegs   = 6
	ShinfoHwtstamps = 16
)

// struct net_device.
const NetDeviceIfindex = 216

// struct sock_common and struct sock.
const (
	SkcDaddr      = 0
	SkcRcvSaddr   = 4
	SkcDport      = 12
	SkcNum        = 14
	SkcFamily     = 16
	SkcState      = 18
	SkcBoundDevIf = 20
	SkcV6Daddr    = 56
	SkcV6RcvSaddr = 72
	SkPriority    = 448
	SkMark        = 452
	SkType        = 514
	// SkRxQueueMapping is struct sock's sk_rx_queue_mapping (u16;
	// 0xffff: none, which bpf_sock's rx_queue_mapping shows as -1).
	SkRxQueueMapping = 122
	SkProtocol       = 516
)

// struct xdp_buff, xdp_rxq_info, xdp_txq_info.
const (
	XDPBuffData       = 0
	XDPBuffDataEnd    = 8
	XDPBuffDataMeta   = 16
	XDPBuffRxq        = 32
	XDPBuffTxq        = 40
	XDPRxqDev         = 0
	XDPRxqQueueIndex  = 8
	XDPTxqDev         = 0
	BPFFlowDissKeys   = 0
	BPFFlowDissData   = 16
	BPFFlowDissDataEn = 24
)

// struct bpf_perf_event_data_kern and struct perf_sample_data.
const (
	PerfDataKernRegs = 0
	PerfDataKernData = 8
	PerfSamplePeriod = 8
	PerfSampleAddr   = 48
)

// struct bpf_sysctl_kern.
const (
	SysctlKernWrite  = 52
	SysctlKernPpos   = 56
	SysctlKernTmpReg = 64
)

// struct bpf_sockopt_kern.
const (
	SockoptKernSk        = 0
	SockoptKernOptval    = 8
	SockoptKernOptvalEnd = 16
	SockoptKernLevel     = 24
	SockoptKernOptname   = 28
	SockoptKernOptlen    = 32
	SockoptKernTask      = 40
	SockoptKernTmpReg    = 48
)

// struct bpf_sk_lookup_kern.
const (
	SkLookupKernFamily     = 0
	SkLookupKernProtocol   = 2
	SkLookupKernSport      = 4
	SkLookupKernDport      = 6
	SkLookupKernV4Saddr    = 8
	SkLookupKernV4Daddr    = 12
	SkLookupKernV6Saddr    = 16
	SkLookupKernV6Daddr    = 24
	SkLookupKernSelectedSk = 32
	SkLookupKernIfindex    = 40
)

// struct bpf_sock_addr_kern.
const (
	SockAddrKernSk     = 0
	SockAddrKernUaddr  = 8
	SockAddrKernTmpReg = 16
)

// struct bpf_array and struct htab_elem (inlined map lookups).
const (
	BPFArrayValue  = 272
	HtabElemKey    = 48
	HtabElemLRURef = 16 + 19 // lru_node + offsetof(bpf_lru_node, ref)
)

// struct sk_msg (sk_msg programs' context).
const (
	SkMsgSgSize  = 12 // sk_msg.sg.size
	SkMsgData    = 640
	SkMsgDataEnd = 648
	SkMsgSk      = 688
)

// TCPSockFields are the struct tcp_sock members bpf_tcp_sock reads (offset,
// size), by their bpf_tcp_sock names; icsk_retransmits is in
// inet_connection_sock, rtt_min is the value of the first minmax sample.
var TCPSockFields = map[string][2]int{
	"snd_cwnd": {1776, 4}, "srtt_us": {1672, 4}, "rtt_min": {1696, 4}, "snd_ssthresh": {1772, 4},
	"rcv_nxt": {1464, 4}, "snd_nxt": {1476, 4}, "snd_una": {1508, 4}, "mss_cache": {1580, 4},
	"ecn_flags": {1734, 1}, "rate_delivered": {1840, 4}, "rate_interval_us": {1844, 4},
	"packets_out": {1716, 4}, "retrans_out": {1720, 4}, "total_retrans": {2144, 4},
	"segs_in": {1456, 4}, "data_segs_in": {1460, 4}, "segs_out": {1480, 4}, "data_segs_out": {1484, 4},
	"lost_out": {1864, 4}, "sacked_out": {1868, 4}, "bytes_received": {1448, 8}, "bytes_acked": {1496, 8},
	"dsack_dups": {1504, 4}, "delivered": {1808, 4}, "delivered_ce": {1812, 4}, "icsk_retransmits": {1281, 1},
}

// XDPSockQueueID is struct xdp_sock's queue_id (u16).
const XDPSockQueueID = 880

// struct bpf_sock_ops_kern (sock_ops programs' context). temp is where the
// rewrite spills a scratch register.
const (
	SockOpsKernSk          = 0
	SockOpsKernArgs        = 8
	SockOpsKernSkb         = 32
	SockOpsKernSkbDataEnd  = 40
	SockOpsKernOp          = 48 // u8
	SockOpsKernIsFullsock  = 49 // u8
	SockOpsKernTemp        = 56
	SkTxhash               = 508  // struct sock.sk_txhash
	TCPSockBPFSockOpsFlags = 2164 // struct tcp_sock.bpf_sock_ops_cb_flags (u8)
	TCPSkbCbTCPFlags       = 12   // struct tcp_skb_cb.tcp_flags (u8), in sk_buff.cb
)

// struct sk_reuseport_kern (sk_reuseport programs' context).
const (
	ReuseportKernSkb         = 0
	ReuseportKernSk          = 8
	ReuseportKernSelectedSk  = 16
	ReuseportKernMigratingSk = 24
	ReuseportKernDataEnd     = 32
	ReuseportKernHash        = 40
	ReuseportKernBindInany   = 48 // bool
)

// struct task_struct.bpf_ctx and struct bpf_cg_run_ctx.retval:
// cgroup_sockopt's retval lives in the running task's cgroup run context.
const (
	TaskStructBPFCtx = 5232
	CgRunCtxRetval   = 8
)
