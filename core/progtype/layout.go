package progtype

// Struct is the layout of a uapi context struct (x86-64).
type Struct struct {
	Name   string // C name, e.g. "__sk_buff"
	Size   int
	Fields []Field
}

// Field is one member of a context struct.
type Field struct {
	Name string
	Off  int
	Size int // total size in bytes (an array's whole size)
	Elem int // element size for arrays (cb[5]: 4), else equal to Size
	Kind FieldKind
}

// FieldKind says what a field's value means to the interpreter and the
// verifier.
type FieldKind uint8

// Field kinds.
const (
	Scalar        FieldKind = iota // a number
	PtrPacket                      // pointer to the start of packet data (data)
	PtrPacketEnd                   // pointer one past the packet data (data_end)
	PtrPacketMeta                  // pointer to the metadata before the data (data_meta)
	PtrFlowKeys                    // pointer to struct bpf_flow_keys (flow_dissector)
	PtrSock                        // pointer to struct bpf_sock, may be NULL
	Padding                        // no field: accesses are invalid
	PtrMem                         // pointer to other memory of the context (see Pointees)
)

// IsArray reports a field that is an array (cb[5], remote_ip6[4], ...).
func (f *Field) IsArray() bool { return f.Elem != 0 && f.Elem != f.Size }

// End returns the offset one past the field.
func (f *Field) End() int { return f.Off + f.Size }

// FieldAt returns the field containing byte off, or nil.
func (s *Struct) FieldAt(off int) *Field {
	for i := range s.Fields {
		f := &s.Fields[i]
		if off >= f.Off && off < f.End() {
			return f
		}
	}
	return nil
}

// Field returns the named field, or nil. Array elements are named
// "cb[2]"-style only by FieldAt's caller; here the array name is used.
func (s *Struct) Field(name string) *Field {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return &s.Fields[i]
		}
	}
	return nil
}

func u32(name string, off int) Field { return Field{Name: name, Off: off, Size: 4, Elem: 4} }
func u64(name string, off int) Field { return Field{Name: name, Off: off, Size: 8, Elem: 8} }
func arr(name string, off, n, elem int) Field {
	return Field{Name: name, Off: off, Size: n * elem, Elem: elem}
}
func ptr(name string, off, size int, k FieldKind) Field {
	return Field{Name: name, Off: off, Size: size, Elem: size, Kind: k}
}

// SkBuff is struct __sk_buff of Linux 6.1 (192 bytes).
var SkBuff = &Struct{Name: "__sk_buff", Size: 192, Fields: []Field{
	u32("len", 0), u32("pkt_type", 4), u32("mark", 8), u32("queue_mapping", 12),
	u32("protocol", 16), u32("vlan_present", 20), u32("vlan_tci", 24), u32("vlan_proto", 28),
	u32("priority", 32), u32("ingress_ifindex", 36), u32("ifindex", 40), u32("tc_index", 44),
	arr("cb", 48, 5, 4), u32("hash", 68), u32("tc_classid", 72),
	ptr("data", 76, 4, PtrPacket), ptr("data_end", 80, 4, PtrPacketEnd), u32("napi_id", 84),
	u32("family", 88), u32("remote_ip4", 92), u32("local_ip4", 96),
	arr("remote_ip6", 100, 4, 4), arr("local_ip6", 116, 4, 4),
	u32("remote_port", 132), u32("local_port", 136),
	ptr("data_meta", 140, 4, PtrPacketMeta), ptr("flow_keys", 144, 8, PtrFlowKeys),
	u64("tstamp", 152), u32("wire_len", 160), u32("gso_segs", 164),
	ptr("sk", 168, 8, PtrSock), u32("gso_size", 176),
	{Name: "tstamp_type", Off: 180, Size: 1, Elem: 1},
	{Name: "(padding)", Off: 181, Size: 3, Elem: 3, Kind: Padding},
	u64("hwtstamp", 184),
}}

// XDPMd is struct xdp_md of Linux 6.1 (24 bytes).
var XDPMd = &Struct{Name: "xdp_md", Size: 24, Fields: []Field{
	ptr("data", 0, 4, PtrPacket), ptr("data_end", 4, 4, PtrPacketEnd), ptr("data_meta", 8, 4, PtrPacketMeta),
	u32("ingress_ifindex", 12), u32("rx_queue_index", 16), u32("egress_ifindex", 20),
}}

// PtRegs is struct pt_regs of x86-64 (168 bytes), what kprobe programs
// receive.
var PtRegs = &Struct{Name: "pt_regs", Size: 168, Fields: []Field{
	u64("r15", 0), u64("r14", 8), u64("r13", 16), u64("r12", 24), u64("bp", 32), u64("bx", 40),
	u64("r11", 48), u64("r10", 56), u64("r9", 64), u64("r8", 72), u64("ax", 80), u64("cx", 88),
	u64("dx", 96), u64("si", 104), u64("di", 112), u64("orig_ax", 120), u64("ip", 128),
	u64("cs", 136), u64("flags", 144), u64("sp", 152), u64("ss", 160),
}}

// BPFSock is struct bpf_sock of Linux 6.1 (80 bytes).
var BPFSock = &Struct{Name: "bpf_sock", Size: 80, Fields: []Field{
	u32("bound_dev_if", 0), u32("family", 4), u32("type", 8), u32("protocol", 12),
	u32("mark", 16), u32("priority", 20), u32("src_ip4", 24), arr("src_ip6", 28, 4, 4),
	u32("src_port", 44), {Name: "dst_port", Off: 48, Size: 2, Elem: 2},
	{Name: "(padding)", Off: 50, Size: 2, Elem: 2, Kind: Padding},
	u32("dst_ip4", 52), arr("dst_ip6", 56, 4, 4), u32("state", 72), u32("rx_queue_mapping", 76),
}}

// FlowKeys is struct bpf_flow_keys of Linux 6.1 (56 bytes). ipv4_src/dst
// share their bytes with the start of ipv6_src.
var FlowKeys = &Struct{Name: "bpf_flow_keys", Size: 56, Fields: []Field{
	{Name: "nhoff", Off: 0, Size: 2, Elem: 2}, {Name: "thoff", Off: 2, Size: 2, Elem: 2},
	{Name: "addr_proto", Off: 4, Size: 2, Elem: 2}, {Name: "is_frag", Off: 6, Size: 1, Elem: 1},
	{Name: "is_first_frag", Off: 7, Size: 1, Elem: 1}, {Name: "is_encap", Off: 8, Size: 1, Elem: 1},
	{Name: "ip_proto", Off: 9, Size: 1, Elem: 1}, {Name: "n_proto", Off: 10, Size: 2, Elem: 2},
	{Name: "sport", Off: 12, Size: 2, Elem: 2}, {Name: "dport", Off: 14, Size: 2, Elem: 2},
	u32("ipv4_src", 16), u32("ipv4_dst", 20),
	{Name: "ipv6_src[2:4]", Off: 24, Size: 8, Elem: 4}, arr("ipv6_dst", 32, 4, 4),
	u32("flags", 48), u32("flow_label", 52),
}}
