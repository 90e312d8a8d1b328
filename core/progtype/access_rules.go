package progtype

// Context access rules: which loads and stores a program of each type may
// make through its context pointer (and through the socket pointers some
// helpers and fields give), and what a load produces. They are Linux
// 6.1's is_valid_access callbacks, expressed over the uapi layouts; the
// verifier asks CheckCtxAccess at every ctx access and logs "invalid
// bpf_context access" when the answer is no.

// CtxReg is the kind of value a context load produces.
type CtxReg uint8

// Context load results.
const (
	CtxScalar           CtxReg = iota // a number
	CtxPacket                         // pkt: start of packet data
	CtxPacketMeta                     // pkt_meta
	CtxPacketEnd                      // pkt_end
	CtxFlowKeys                       // flow_keys
	CtxSocket                         // sock
	CtxSocketOrNull                   // sock_or_null
	CtxSockCommonOrNull               // sock_common_or_null
	CtxTPBuffer                       // tp_buffer (writable raw tracepoints)
)

// CtxAccess is one access the verifier asks about.
type CtxAccess struct {
	Off, Size  int
	Write      bool
	AttachType string // expected_attach_type, kernel name without BPF_, lower case
	BPFCapable bool
}

// CtxAnswer is the rule's verdict.
type CtxAnswer struct {
	OK  bool
	Reg CtxReg
	// FieldSize is set for fields that may be read narrower than they
	// are: the verifier rewrites such a load into a load of FieldSize
	// bytes plus a shift and a mask.
	FieldSize int
}

type access struct {
	CtxAccess
	reg       CtxReg
	fieldSize int
}

// rule is one program type's is_valid_access.
type rule func(a *access) bool

var ctxRules = map[string]rule{
	"socket_filter":           skFilterAccess,
	"sched_cls":               tcAccess,
	"sched_act":               tcAccess,
	"xdp":                     xdpAccess,
	"cgroup_skb":              cgSkbAccess,
	"lwt_in":                  lwtAccess,
	"lwt_out":                 lwtAccess,
	"lwt_xmit":                lwtAccess,
	"lwt_seg6local":           lwtAccess,
	"cgroup_sock":             sockFilterAccess,
	"cgroup_sock_addr":        sockAddrAccess,
	"sock_ops":                sockOpsAccess,
	"sk_skb":                  skSkbAccess,
	"sk_msg":                  skMsgAccess,
	"flow_dissector":          flowDissectorAccess,
	"sk_reuseport":            skReuseportAccess,
	"sk_lookup":               skLookupAccess,
	"kprobe":                  kprobeAccess,
	"tracepoint":              tracepointAccess,
	"perf_event":              perfEventAccess,
	"raw_tracepoint":          rawTPAccess,
	"raw_tracepoint_writable": rawTPWritableAccess,
	"cgroup_device":           cgroupDevAccess,
	"cgroup_sysctl":           sysctlAccess,
	"cgroup_sockopt":          sockoptAccess,
}

// CheckCtxAccess applies progType's context rules to a. Program types
// without rules (those that need kernel BTF) refuse every access.
func CheckCtxAccess(progType string, a CtxAccess) CtxAnswer {
	r := ctxRules[progType]
	if r == nil {
		return CtxAnswer{}
	}
	acc := &access{CtxAccess: a}
	if !r(acc) {
		return CtxAnswer{}
	}
	return CtxAnswer{OK: true, Reg: acc.reg, FieldSize: acc.fieldSize}
}

// HasCtxRules reports whether progType has context access rules here.
func HasCtxRules(progType string) bool { return ctxRules[progType] != nil }

// in reports whether off lies within the named field of s (an array as
// a whole).
func in(off int, s *Struct, name string) bool {
	f := s.Field(name)
	if f == nil {
		panic("BUG: no field " + name + " in " + s.Name)
	}
	return off >= f.Off && off < f.End()
}

// till reports whether off lies from the start of field a to the end of
// field b of s.
func till(off int, s *Struct, a, b string) bool {
	fa, fb := s.Field(a), s.Field(b)
	if fa == nil || fb == nil {
		panic("BUG: no field " + a + "/" + b + " in " + s.Name)
	}
	return off >= fa.Off && off < fb.End()
}

// at reports whether off is exactly the start of the named field.
func at(off int, s *Struct, name string) bool { return s.Field(name).Off == off }

// narrowOK is bpf_ctx_narrow_access_ok: a power-of-two size no larger
// than the field.
func narrowOK(size, fieldSize int) bool { return size <= fieldSize && size&(size-1) == 0 }

// record notes the field size of a narrow-loadable field.
func (a *access) record(fieldSize int) { a.fieldSize = fieldSize }

// skbAccess is bpf_skb_is_valid_access, shared by the __sk_buff types.
func skbAccess(a *access) bool {
	s, off, size := SkBuff, a.Off, a.Size
	if off < 0 || off >= s.Size || off%size != 0 {
		return false
	}
	switch {
	case in(off, s, "cb"):
		if off+size > s.Field("cb").End() {
			return false
		}
	case in(off, s, "remote_ip6"), in(off, s, "local_ip6"), in(off, s, "remote_ip4"), in(off, s, "local_ip4"),
		in(off, s, "data"), in(off, s, "data_meta"), in(off, s, "data_end"):
		if size != 4 {
			return false
		}
	case in(off, s, "flow_keys"):
		return false
	case in(off, s, "hwtstamp"):
		if a.Write || size != 8 {
			return false
		}
	case in(off, s, "tstamp"):
		if size != 8 {
			return false
		}
	case in(off, s, "sk"):
		if a.Write || size != 8 {
			return false
		}
		a.reg = CtxSockCommonOrNull
	case at(off, s, "tstamp_type"), in(off, s, "(padding)"):
		return false
	default:
		if a.Write {
			if size != 4 {
				return false
			}
		} else {
			a.record(4)
			if !narrowOK(size, 4) {
				return false
			}
		}
	}
	return true
}

func skFilterAccess(a *access) bool {
	s, off := SkBuff, a.Off
	if in(off, s, "tc_classid") || in(off, s, "data") || in(off, s, "data_meta") || in(off, s, "data_end") ||
		till(off, s, "family", "local_port") || in(off, s, "tstamp") || in(off, s, "wire_len") ||
		in(off, s, "hwtstamp") {
		return false
	}
	if a.Write && !in(off, s, "cb") {
		return false
	}
	return skbAccess(a)
}

func cgSkbAccess(a *access) bool {
	s, off := SkBuff, a.Off
	switch {
	case in(off, s, "tc_classid"), in(off, s, "data_meta"), in(off, s, "wire_len"):
		return false
	case in(off, s, "data"), in(off, s, "data_end"):
		if !a.BPFCapable {
			return false
		}
	}
	if a.Write {
		switch {
		case in(off, s, "mark"), in(off, s, "priority"), in(off, s, "cb"):
		case in(off, s, "tstamp"):
			if !a.BPFCapable {
				return false
			}
		default:
			return false
		}
	}
	switch {
	case in(off, s, "data"):
		a.reg = CtxPacket
	case in(off, s, "data_end"):
		a.reg = CtxPacketEnd
	}
	return skbAccess(a)
}

func lwtAccess(a *access) bool {
	s, off := SkBuff, a.Off
	if in(off, s, "tc_classid") || till(off, s, "family", "local_port") || in(off, s, "data_meta") ||
		in(off, s, "tstamp") || in(off, s, "wire_len") || in(off, s, "hwtstamp") {
		return false
	}
	if a.Write && !(in(off, s, "mark") || in(off, s, "priority") || in(off, s, "cb")) {
		return false
	}
	switch {
	case in(off, s, "data"):
		a.reg = CtxPacket
	case in(off, s, "data_end"):
		a.reg = CtxPacketEnd
	}
	return skbAccess(a)
}

func tcAccess(a *access) bool {
	s, off := SkBuff, a.Off
	if a.Write {
		switch {
		case in(off, s, "mark"), in(off, s, "tc_index"), in(off, s, "priority"), in(off, s, "tc_classid"),
			in(off, s, "cb"), in(off, s, "tstamp"), in(off, s, "queue_mapping"):
		default:
			return false
		}
	}
	switch {
	case in(off, s, "data"):
		a.reg = CtxPacket
	case in(off, s, "data_meta"):
		a.reg = CtxPacketMeta
	case in(off, s, "data_end"):
		a.reg = CtxPacketEnd
	case till(off, s, "family", "local_port"):
		return false
	case at(off, s, "tstamp_type"):
		return a.Size == 1
	}
	return skbAccess(a)
}

func skSkbAccess(a *access) bool {
	s, off := SkBuff, a.Off
	if in(off, s, "tc_classid") || in(off, s, "data_meta") || in(off, s, "tstamp") || in(off, s, "wire_len") ||
		in(off, s, "hwtstamp") {
		return false
	}
	if a.Write && !(in(off, s, "tc_index") || in(off, s, "priority")) {
		return false
	}
	switch {
	case in(off, s, "mark"):
		return false
	case in(off, s, "data"):
		a.reg = CtxPacket
	case in(off, s, "data_end"):
		a.reg = CtxPacketEnd
	}
	return skbAccess(a)
}

func flowDissectorAccess(a *access) bool {
	s, off, size := SkBuff, a.Off, a.Size
	if off < 0 || off >= s.Size || off%size != 0 || a.Write {
		return false
	}
	switch {
	case in(off, s, "data"):
		a.reg = CtxPacket
		return size == 4
	case in(off, s, "data_end"):
		a.reg = CtxPacketEnd
		return size == 4
	case in(off, s, "flow_keys"):
		a.reg = CtxFlowKeys
		return size == 8
	}
	return false
}

func xdpAccess(a *access) bool {
	s, off := XDPMd, a.Off
	if a.AttachType != "xdp_devmap" && off == s.Field("egress_ifindex").Off {
		return false
	}
	if a.Write {
		return false // rx_queue_index is writable only when offloaded to a device
	}
	switch off {
	case s.Field("data").Off:
		a.reg = CtxPacket
	case s.Field("data_meta").Off:
		a.reg = CtxPacketMeta
	case s.Field("data_end").Off:
		a.reg = CtxPacketEnd
	}
	return off >= 0 && off < s.Size && off%a.Size == 0 && a.Size == 4
}

// sockFieldsByAttach limits bpf_sock fields of cgroup_sock programs by
// attach point.
func sockFieldsByAttach(off int, write bool, attach string) bool {
	s := BPFSock
	switch {
	case at(off, s, "bound_dev_if"), at(off, s, "mark"), at(off, s, "priority"):
		return attach == "cgroup_inet_sock_create" || attach == "cgroup_inet_sock_release"
	case in(off, s, "src_ip4"):
		if attach != "cgroup_inet4_post_bind" {
			return false
		}
	case in(off, s, "src_ip6"):
		if attach != "cgroup_inet6_post_bind" {
			return false
		}
	case in(off, s, "src_port"):
		if attach != "cgroup_inet4_post_bind" && attach != "cgroup_inet6_post_bind" {
			return false
		}
	}
	return !write
}

// sockAccess is bpf_sock_is_valid_access.
func sockAccess(a *access) bool {
	s, off, size := BPFSock, a.Off, a.Size
	if off < 0 || off >= s.Size || off%size != 0 {
		return false
	}
	switch {
	case at(off, s, "state"), at(off, s, "family"), at(off, s, "type"), at(off, s, "protocol"),
		at(off, s, "src_port"), at(off, s, "rx_queue_mapping"), in(off, s, "src_ip4"), in(off, s, "src_ip6"),
		in(off, s, "dst_ip4"), in(off, s, "dst_ip6"):
		a.record(4)
		return narrowOK(size, 4)
	case in(off, s, "dst_port"):
		fs := 2
		if size == 4 {
			fs = 4
		}
		a.record(fs)
		return narrowOK(size, fs)
	case in(off, s, "(padding)"):
		return false
	}
	return size == 4
}

func sockFilterAccess(a *access) bool {
	attach := a.AttachType
	if attach == "" {
		attach = "cgroup_inet_sock_create"
	}
	return sockAccess(a) && sockFieldsByAttach(a.Off, a.Write, attach)
}

func sockAddrAccess(a *access) bool {
	s, off, size := BPFSockAddr, a.Off, a.Size
	if off < 0 || off >= s.Size || off%size != 0 {
		return false
	}
	oneOf := func(ts ...string) bool {
		for _, t := range ts {
			if a.AttachType == t {
				return true
			}
		}
		return false
	}
	switch {
	case in(off, s, "user_ip4"):
		if !oneOf("cgroup_inet4_bind", "cgroup_inet4_connect", "cgroup_inet4_getpeername",
			"cgroup_inet4_getsockname", "cgroup_udp4_sendmsg", "cgroup_udp4_recvmsg") {
			return false
		}
	case in(off, s, "user_ip6"):
		if !oneOf("cgroup_inet6_bind", "cgroup_inet6_connect", "cgroup_inet6_getpeername",
			"cgroup_inet6_getsockname", "cgroup_udp6_sendmsg", "cgroup_udp6_recvmsg") {
			return false
		}
	case in(off, s, "msg_src_ip4"):
		if !oneOf("cgroup_udp4_sendmsg") {
			return false
		}
	case in(off, s, "msg_src_ip6"):
		if !oneOf("cgroup_udp6_sendmsg") {
			return false
		}
	}
	// wide (8-byte) access to two u32 of an address array
	wide := func(name string) bool {
		f := s.Field(name)
		return size == 8 && off >= f.Off && off+size <= f.End() && off%8 == 0
	}
	switch {
	case in(off, s, "user_ip4"), in(off, s, "user_ip6"), in(off, s, "msg_src_ip4"), in(off, s, "msg_src_ip6"),
		in(off, s, "user_port"):
		if !a.Write {
			a.record(4)
		}
		if wide("user_ip6") || wide("msg_src_ip6") {
			return true
		}
		if a.Write {
			return size == 4
		}
		return narrowOK(size, 4)
	case in(off, s, "sk"):
		if a.Write || size != 8 {
			return false
		}
		a.reg = CtxSocket
	case in(off, s, "user_family"), in(off, s, "family"), in(off, s, "type"), in(off, s, "protocol"):
		if a.Write || size != 4 {
			return false
		}
	default:
		return false
	}
	return true
}

func sockOpsAccess(a *access) bool {
	s, off, size := BPFSockOps, a.Off, a.Size
	if off < 0 || off >= s.Size || off%size != 0 {
		return false
	}
	if a.Write {
		// reply is the union at args
		if off == s.Field("args").Off || at(off, s, "sk_txhash") {
			return size == 4
		}
		return false
	}
	switch {
	case till(off, s, "bytes_received", "bytes_acked"):
		return size == 8
	case in(off, s, "sk"):
		a.reg = CtxSocketOrNull
		return size == 8
	case in(off, s, "skb_data"):
		a.reg = CtxPacket
		return size == 8
	case in(off, s, "skb_data_end"):
		a.reg = CtxPacketEnd
		return size == 8
	case at(off, s, "skb_tcp_flags"):
		a.record(4)
		return narrowOK(size, 4)
	}
	return size == 4
}

func skMsgAccess(a *access) bool {
	s, off, size := SkMsgMd, a.Off, a.Size
	if a.Write || off%size != 0 {
		return false
	}
	switch {
	case in(off, s, "data"):
		a.reg = CtxPacket
		return size == 8
	case in(off, s, "data_end"):
		a.reg = CtxPacketEnd
		return size == 8
	case in(off, s, "sk"):
		a.reg = CtxSocket
		return size == 8
	case in(off, s, "family"), in(off, s, "remote_ip4"), in(off, s, "local_ip4"), in(off, s, "remote_ip6"),
		in(off, s, "local_ip6"), in(off, s, "remote_port"), in(off, s, "local_port"), in(off, s, "size"):
		return size == 4
	}
	return false
}

func skReuseportAccess(a *access) bool {
	s, off, size := SkReuseportMd, a.Off, a.Size
	if off < 0 || off >= s.Size || off%size != 0 || a.Write {
		return false
	}
	switch {
	case at(off, s, "data"):
		a.reg = CtxPacket
		return size == 8
	case at(off, s, "data_end"):
		a.reg = CtxPacketEnd
		return size == 8
	case at(off, s, "hash"):
		return size == 4
	case at(off, s, "sk"):
		a.reg = CtxSocket
		return size == 8
	case at(off, s, "migrating_sk"):
		a.reg = CtxSockCommonOrNull
		return size == 8
	case in(off, s, "eth_protocol"):
		if size < 2 { // sizeof(sk_buff.protocol)
			return false
		}
		fallthrough
	case in(off, s, "ip_protocol"), in(off, s, "bind_inany"), in(off, s, "len"):
		a.record(4)
		return narrowOK(size, 4)
	}
	return false
}

func skLookupAccess(a *access) bool {
	s, off, size := BPFSkLookup, a.Off, a.Size
	if off < 0 || off >= s.Size || off%size != 0 || a.Write {
		return false
	}
	switch {
	case in(off, s, "sk"):
		a.reg = CtxSocketOrNull
		return size == 8
	case in(off, s, "family"), in(off, s, "protocol"), in(off, s, "remote_ip4"), in(off, s, "local_ip4"),
		in(off, s, "remote_ip6"), in(off, s, "local_ip6"), in(off, s, "local_port"), in(off, s, "ingress_ifindex"):
		a.record(4)
		return narrowOK(size, 4)
	case in(off, s, "remote_port"):
		if size == 4 {
			return true
		}
		a.record(2)
		return narrowOK(size, 2)
	case in(off, s, "(padding)"):
		a.record(2)
		return narrowOK(size, 2)
	}
	return false
}

func kprobeAccess(a *access) bool {
	off, size := a.Off, a.Size
	return off >= 0 && off < PtRegs.Size && !a.Write && off%size == 0 && off+size <= PtRegs.Size
}

// perfMaxTraceSize is PERF_MAX_TRACE_SIZE.
const perfMaxTraceSize = 2048

func tracepointAccess(a *access) bool {
	return a.Off >= 8 && a.Off < perfMaxTraceSize && !a.Write && a.Off%a.Size == 0
}

func perfEventAccess(a *access) bool {
	s, off, size := BPFPerfEventData, a.Off, a.Size
	if off < 0 || off >= s.Size || a.Write || off%size != 0 {
		return false
	}
	switch {
	case in(off, s, "sample_period"), in(off, s, "addr"):
		a.record(8)
		return narrowOK(size, 8)
	}
	return size == 8
}

// maxBPFFuncArgs is MAX_BPF_FUNC_ARGS: raw tracepoints see up to 12 u64
// arguments.
const maxBPFFuncArgs = 12

func rawTPAccess(a *access) bool {
	return a.Off >= 0 && a.Off < 8*maxBPFFuncArgs && !a.Write && a.Off%a.Size == 0
}

func rawTPWritableAccess(a *access) bool {
	if a.Off == 0 {
		if a.Size != 8 || a.Write {
			return false
		}
		a.reg = CtxTPBuffer
	}
	return rawTPAccess(a)
}

func cgroupDevAccess(a *access) bool {
	s, off, size := BPFCgroupDevCtx, a.Off, a.Size
	if a.Write || off < 0 || off+size > s.Size || off%size != 0 {
		return false
	}
	if in(off, s, "access_type") {
		a.record(4)
		return narrowOK(size, 4)
	}
	return size == 4
}

func sysctlAccess(a *access) bool {
	s, off, size := BPFSysctl, a.Off, a.Size
	if off < 0 || off+size > s.Size || off%size != 0 {
		return false
	}
	switch {
	case in(off, s, "write"):
		if a.Write {
			return false
		}
		a.record(4)
		return narrowOK(size, 4)
	case in(off, s, "file_pos"):
		if !a.Write {
			a.record(4)
			return narrowOK(size, 4)
		}
		return size == 4
	}
	return false
}

func sockoptAccess(a *access) bool {
	s, off, size := BPFSockopt, a.Off, a.Size
	if off < 0 || off >= s.Size || off%size != 0 {
		return false
	}
	if a.Write {
		switch off {
		case s.Field("retval").Off:
			return size == 4 && a.AttachType == "cgroup_getsockopt"
		case s.Field("optname").Off, s.Field("level").Off:
			return size == 4 && a.AttachType == "cgroup_setsockopt"
		case s.Field("optlen").Off:
			return size == 4
		}
		return false
	}
	switch {
	case in(off, s, "sk"):
		a.reg = CtxSocket
		return size == 8
	case in(off, s, "optval"):
		a.reg = CtxPacket
		return size == 8
	case in(off, s, "optval_end"):
		a.reg = CtxPacketEnd
		return size == 8
	case in(off, s, "retval"):
		return size == 4 && a.AttachType == "cgroup_getsockopt"
	}
	return size == 4
}

// SockKind is the kind of socket pointer being dereferenced.
type SockKind uint8

// Socket pointer kinds.
const (
	SockCommon SockKind = iota // sock_common
	Sock                       // sock (struct bpf_sock)
	TCPSock                    // tcp_sock (struct bpf_tcp_sock)
	XDPSock                    // xdp_sock (struct bpf_xdp_sock)
)

// CheckSockAccess applies the rules of loads through socket pointers.
// Stores are never allowed.
func CheckSockAccess(kind SockKind, a CtxAccess) CtxAnswer {
	acc := &access{CtxAccess: a}
	ok := false
	switch kind {
	case SockCommon:
		// sock_common exposes bpf_sock up to (not including) type..priority
		if !till(a.Off, BPFSock, "type", "priority") {
			ok = sockAccess(acc)
		}
	case Sock:
		ok = sockAccess(acc)
	case TCPSock:
		s := BPFTCPSock
		off, size := a.Off, a.Size
		if off >= 0 && off < s.Field("icsk_retransmits").End() && off%size == 0 {
			if at(off, s, "bytes_received") || at(off, s, "bytes_acked") {
				ok = size == 8
			} else {
				ok = size == 4
			}
		}
	case XDPSock:
		ok = a.Off >= 0 && a.Off < 4 && a.Off%a.Size == 0 && a.Size == 4
	}
	if !ok {
		return CtxAnswer{}
	}
	return CtxAnswer{OK: true, Reg: acc.reg, FieldSize: acc.fieldSize}
}
