package cbpf

// Facts about the Linux build bpfplay mirrors (Debian 6.1.0-56-amd64,
// 6.1.192), which the converted program depends on.
//
// Offsets into struct sk_buff and struct net_device were read from that
// kernel's BTF (the .BTF section of its vmlinux); the call immediates are
// the distance of each kernel function from __bpf_call_base, taken from
// the same build's /proc/kallsyms under nokaslr (the kernel oracle's
// kallsyms.json). An eBPF call instruction's imm is exactly this
// distance, so the converted program's bytes are the kernel's.
const (
	skbDev          = 16  // struct net_device *dev
	skbLen          = 112 // unsigned int len
	skbDataLen      = 116 // unsigned int data_len
	skbQueueMapping = 124 // __u16 queue_mapping
	skbPktTypeOff   = 128 // byte holding the 3-bit pkt_type (bits 0-2)
	skbVlanPresOff  = 130 // byte holding the 1-bit vlan_present (bit 0)
	skbHash         = 148 // __u32 hash
	skbVlanProto    = 152 // __be16 vlan_proto
	skbVlanTCI      = 154 // __u16 vlan_tci
	skbMark         = 168 // __u32 mark
	skbProtocol     = 180 // __be16 protocol
	skbData         = 208 // unsigned char *data
	devIfIndex      = 216 // struct net_device: int ifindex
	devType         = 296 // struct net_device: unsigned short type

	pktTypeMax = 7 // PKT_TYPE_MAX: the mask of the pkt_type bits
)

// KernelFunc is a kernel-internal function the converted program calls
// (not a BPF helper: classic programs are never verified, so these need
// no helper id).
type KernelFunc struct {
	Name string
	Imm  int32 // the call instruction's imm: address - __bpf_call_base
}

// The kernel functions converted classic programs call.
var (
	FuncLoadBytes8   = KernelFunc{"bpf_skb_load_helper_8", 0x6088f0}
	FuncLoadBytes16  = KernelFunc{"bpf_skb_load_helper_16", 0x6089d0}
	FuncLoadBytes32  = KernelFunc{"bpf_skb_load_helper_32", 0x608ab0}
	FuncPayOffset    = KernelFunc{"bpf_skb_get_pay_offset", 0x5fe660}
	FuncNlAttr       = KernelFunc{"bpf_skb_get_nlattr", 0x5fe680}
	FuncNlAttrNest   = KernelFunc{"bpf_skb_get_nlattr_nest", 0x5fe6e0}
	FuncRawCPUID     = KernelFunc{"bpf_get_raw_cpu_id", 0x7270}
	FuncUserRndU32   = KernelFunc{"bpf_user_rnd_u32", 0x7230}
	kernelFuncsByImm = map[int32]KernelFunc{}
)

func init() {
	for _, f := range []KernelFunc{FuncLoadBytes8, FuncLoadBytes16, FuncLoadBytes32, FuncPayOffset,
		FuncNlAttr, FuncNlAttrNest, FuncRawCPUID, FuncUserRndU32} {
		kernelFuncsByImm[f.Imm] = f
	}
}

// KernelFuncByImm names the kernel function a converted program's call
// instruction (src 0, imm) reaches; ok is false for ordinary helpers.
func KernelFuncByImm(imm int32) (KernelFunc, bool) {
	f, ok := kernelFuncsByImm[imm]
	return f, ok
}
