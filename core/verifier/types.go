package verifier

// regType is the kernel's enum bpf_reg_type: a base type in the low 8 bits
// and flags above (PTR_MAYBE_NULL, MEM_RDONLY, ...). The numeric values
// only matter inside bpfplay, but their names are what the log prints.
type regType uint32

// Base register types (Linux 6.1 order).
const (
	notInit regType = iota
	scalarValue
	ptrToCtx
	constPtrToMap
	ptrToMapValue
	ptrToMapKey
	ptrToStack
	ptrToPacketMeta
	ptrToPacket
	ptrToPacketEnd
	ptrToFlowKeys
	ptrToSocket
	ptrToSockCommon
	ptrToTCPSock
	ptrToTPBuffer
	ptrToXDPSock
	ptrToBTFID
	ptrToMem
	ptrToBuf
	ptrToFunc
	ptrToDynptr
	numBaseTypes
)

// Type flags.
const (
	baseTypeBits         = 8
	ptrMaybeNull regType = 1 << (baseTypeBits + iota)
	memRdonly
	memAlloc
	memUser
	memPercpu
	objRelease
	ptrUntrusted
	memUninit
	dynptrTypeLocal
	dynptrTypeRingbuf
	memFixedSize
)

const baseTypeMask regType = 1<<baseTypeBits - 1

func (t regType) base() regType      { return t & baseTypeMask }
func (t regType) mayBeNull() bool    { return t&ptrMaybeNull != 0 }
func (t regType) isPktPointer() bool { return t == ptrToPacket || t == ptrToPacketMeta }

var regTypeNames = [...]string{
	notInit:         "?",
	scalarValue:     "scalar",
	ptrToCtx:        "ctx",
	constPtrToMap:   "map_ptr",
	ptrToMapValue:   "map_value",
	ptrToStack:      "fp",
	ptrToPacket:     "pkt",
	ptrToPacketMeta: "pkt_meta",
	ptrToPacketEnd:  "pkt_end",
	ptrToFlowKeys:   "flow_keys",
	ptrToSocket:     "sock",
	ptrToSockCommon: "sock_common",
	ptrToTCPSock:    "tcp_sock",
	ptrToTPBuffer:   "tp_buffer",
	ptrToXDPSock:    "xdp_sock",
	ptrToBTFID:      "ptr_",
	ptrToMem:        "mem",
	ptrToBuf:        "buf",
	ptrToFunc:       "func",
	ptrToMapKey:     "map_key",
	ptrToDynptr:     "dynptr_ptr",
}

// String is the kernel's reg_type_str: prefix for memory flags, base
// name, "_or_null" postfix.
func (t regType) String() string {
	prefix, postfix := "", ""
	if t&ptrMaybeNull != 0 {
		if t.base() == ptrToBTFID {
			postfix = "or_null_"
		} else {
			postfix = "_or_null"
		}
	}
	if t&memRdonly != 0 {
		prefix = "rdonly_"
	}
	if t&memAlloc != 0 {
		prefix = "alloc_"
	}
	if t&memUser != 0 {
		prefix = "user_"
	}
	if t&memPercpu != 0 {
		prefix = "percpu_"
	}
	if t&ptrUntrusted != 0 {
		prefix = "untrusted_"
	}
	b := t.base()
	name := "?"
	if int(b) < len(regTypeNames) {
		name = regTypeNames[b]
	}
	return prefix + name + postfix
}

// liveness is enum bpf_reg_liveness.
type liveness uint8

const (
	liveNone    liveness = 0
	liveRead32  liveness = 1
	liveRead64  liveness = 2
	liveRead             = liveRead32 | liveRead64
	liveWritten liveness = 4
	liveDone    liveness = 8
)

// Stack slot byte types (enum bpf_stack_slot_type).
const (
	stackInvalid uint8 = iota
	stackSpill
	stackMisc
	stackZero
	stackDynptr
)

var slotTypeChar = [...]byte{stackInvalid: '?', stackSpill: 'r', stackMisc: 'm', stackZero: '0', stackDynptr: 'd'}

// Map types (enum bpf_map_type, Linux 6.1).
type mapType uint32

const (
	mapUnspec mapType = iota
	mapHash
	mapArray
	mapProgArray
	mapPerfEventArray
	mapPercpuHash
	mapPercpuArray
	mapStackTrace
	mapCgroupArray
	mapLRUHash
	mapLRUPercpuHash
	mapLPMTrie
	mapArrayOfMaps
	mapHashOfMaps
	mapDevmap
	mapSockmap
	mapCpumap
	mapXskmap
	mapSockhash
	mapCgroupStorage
	mapReuseportSockarray
	mapPercpuCgroupStorage
	mapQueue
	mapStack
	mapSkStorage
	mapDevmapHash
	mapStructOps
	mapRingbuf
	mapInodeStorage
	mapTaskStorage
	mapBloomFilter
	mapUserRingbuf
	numMapTypes
)

var mapTypeNames = [...]string{
	"unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash", "percpu_array",
	"stack_trace", "cgroup_array", "lru_hash", "lru_percpu_hash", "lpm_trie", "array_of_maps",
	"hash_of_maps", "devmap", "sockmap", "cpumap", "xskmap", "sockhash", "cgroup_storage",
	"reuseport_sockarray", "percpu_cgroup_storage", "queue", "stack", "sk_storage", "devmap_hash",
	"struct_ops", "ringbuf", "inode_storage", "task_storage", "bloom_filter", "user_ringbuf",
}

func (m mapType) String() string {
	if int(m) < len(mapTypeNames) {
		return mapTypeNames[m]
	}
	return "unknown"
}

// MapTypeByName finds a map type by its kernel name without
// BPF_MAP_TYPE_, lower case ("hash", "array", ...).
func mapTypeByName(name string) (mapType, bool) {
	for i, n := range mapTypeNames {
		if n == name {
			return mapType(i), true
		}
	}
	return 0, false
}

// Program types (enum bpf_prog_type, Linux 6.1).
type progType uint32

const (
	progUnspec progType = iota
	progSocketFilter
	progKprobe
	progSchedCls
	progSchedAct
	progTracepoint
	progXDP
	progPerfEvent
	progCgroupSkb
	progCgroupSock
	progLwtIn
	progLwtOut
	progLwtXmit
	progSockOps
	progSkSkb
	progCgroupDevice
	progSkMsg
	progRawTracepoint
	progCgroupSockAddr
	progLwtSeg6local
	progLircMode2
	progSkReuseport
	progFlowDissector
	progCgroupSysctl
	progRawTracepointWritable
	progCgroupSockopt
	progTracing
	progStructOps
	progExt
	progLSM
	progSkLookup
	progSyscall
	numProgTypes
)

var progTypeNames = [...]string{
	"unspec", "socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint", "xdp", "perf_event",
	"cgroup_skb", "cgroup_sock", "lwt_in", "lwt_out", "lwt_xmit", "sock_ops", "sk_skb", "cgroup_device",
	"sk_msg", "raw_tracepoint", "cgroup_sock_addr", "lwt_seg6local", "lirc_mode2", "sk_reuseport",
	"flow_dissector", "cgroup_sysctl", "raw_tracepoint_writable", "cgroup_sockopt", "tracing",
	"struct_ops", "ext", "lsm", "sk_lookup", "syscall",
}

func (p progType) String() string {
	if int(p) < len(progTypeNames) {
		return progTypeNames[p]
	}
	return "unknown"
}

// Attach types (enum bpf_attach_type, Linux 6.1).
type attachType uint32

var attachTypeNames = [...]string{
	"cgroup_inet_ingress", "cgroup_inet_egress", "cgroup_inet_sock_create", "cgroup_sock_ops",
	"sk_skb_stream_parser", "sk_skb_stream_verdict", "cgroup_device", "sk_msg_verdict",
	"cgroup_inet4_bind", "cgroup_inet6_bind", "cgroup_inet4_connect", "cgroup_inet6_connect",
	"cgroup_inet4_post_bind", "cgroup_inet6_post_bind", "cgroup_udp4_sendmsg", "cgroup_udp6_sendmsg",
	"lirc_mode2", "flow_dissector", "cgroup_sysctl", "cgroup_udp4_recvmsg", "cgroup_udp6_recvmsg",
	"cgroup_getsockopt", "cgroup_setsockopt", "trace_raw_tp", "trace_fentry", "trace_fexit",
	"modify_return", "lsm_mac", "trace_iter", "cgroup_inet4_getpeername", "cgroup_inet6_getpeername",
	"cgroup_inet4_getsockname", "cgroup_inet6_getsockname", "xdp_devmap", "cgroup_inet_sock_release",
	"xdp_cpumap", "sk_lookup", "xdp", "sk_skb_verdict", "sk_reuseport_select",
	"sk_reuseport_select_or_migrate", "perf_event", "trace_kprobe_multi", "lsm_cgroup",
}

const (
	attachCgroupInetIngress       attachType = 0
	attachCgroupInetEgress        attachType = 1
	attachCgroupInetSockCreate    attachType = 2
	attachCgroupInet4Bind         attachType = 8
	attachCgroupInet6Bind         attachType = 9
	attachCgroupInet4Connect      attachType = 10
	attachCgroupInet6Connect      attachType = 11
	attachCgroupInet4PostBind     attachType = 12
	attachCgroupInet6PostBind     attachType = 13
	attachCgroupUDP4Sendmsg       attachType = 14
	attachCgroupUDP6Sendmsg       attachType = 15
	attachCgroupUDP4Recvmsg       attachType = 19
	attachCgroupUDP6Recvmsg       attachType = 20
	attachCgroupGetsockopt        attachType = 21
	attachCgroupSetsockopt        attachType = 22
	attachTraceRawTp              attachType = 23
	attachTraceFentry             attachType = 24
	attachTraceFexit              attachType = 25
	attachModifyReturn            attachType = 26
	attachLSMMac                  attachType = 27
	attachTraceIter               attachType = 28
	attachCgroupInet4Getpeername  attachType = 29
	attachCgroupInet6Getpeername  attachType = 30
	attachCgroupInet4Getsockname  attachType = 31
	attachCgroupInet6Getsockname  attachType = 32
	attachXDPDevmap               attachType = 33
	attachCgroupInetSockRelease   attachType = 34
	attachXDPCpumap               attachType = 35
	attachSkLookup                attachType = 36
	attachXDP                     attachType = 37
	attachSkReuseportSelect       attachType = 39
	attachSkReuseportSelectOrMigr attachType = 40
	attachLSMCgroup               attachType = 43
)

func (a attachType) String() string {
	if int(a) < len(attachTypeNames) {
		return attachTypeNames[a]
	}
	return "unknown"
}
