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

// The layouts are composite literals of constants, which the linker lays
// out as data: helper calls here (u32("len", 0)) made the package's init
// one long function, which the browser compiled twice (Liftoff, then
// TurboFan in the background) at start-up (docs/web.md, "Compile cost of
// big init functions").

// SkBuff is struct __sk_buff of Linux 6.1 (192 bytes).
var SkBuff = &skBuff

var skBuff = Struct{Name: "__sk_buff", Size: 192, Fields: []Field{
	{Name: "len", Off: 0, Size: 4, Elem: 4}, {Name: "pkt_type", Off: 4, Size: 4, Elem: 4},
	{Name: "mark", Off: 8, Size: 4, Elem: 4}, {Name: "queue_mapping", Off: 12, Size: 4, Elem: 4},
	{Name: "protocol", Off: 16, Size: 4, Elem: 4}, {Name: "vlan_present", Off: 20, Size: 4, Elem: 4},
	{Name: "vlan_tci", Off: 24, Size: 4, Elem: 4}, {Name: "vlan_proto", Off: 28, Size: 4, Elem: 4},
	{Name: "priority", Off: 32, Size: 4, Elem: 4},
	{Name: "ingress_ifindex", Off: 36, Size: 4, Elem: 4},
	{Name: "ifindex", Off: 40, Size: 4, Elem: 4}, {Name: "tc_index", Off: 44, Size: 4, Elem: 4},
	{Name: "cb", Off: 48, Size: 20, Elem: 4}, {Name: "hash", Off: 68, Size: 4, Elem: 4},
	{Name: "tc_classid", Off: 72, Size: 4, Elem: 4},
	{Name: "data", Off: 76, Size: 4, Elem: 4, Kind: PtrPacket},
	{Name: "data_end", Off: 80, Size: 4, Elem: 4, Kind: PtrPacketEnd},
	{Name: "napi_id", Off: 84, Size: 4, Elem: 4},
	{Name: "family", Off: 88, Size: 4, Elem: 4}, {Name: "remote_ip4", Off: 92, Size: 4, Elem: 4},
	{Name: "local_ip4", Off: 96, Size: 4, Elem: 4},
	{Name: "remote_ip6", Off: 100, Size: 16, Elem: 4},
	{Name: "local_ip6", Off: 116, Size: 16, Elem: 4},
	{Name: "remote_port", Off: 132, Size: 4, Elem: 4},
	{Name: "local_port", Off: 136, Size: 4, Elem: 4},
	{Name: "data_meta", Off: 140, Size: 4, Elem: 4, Kind: PtrPacketMeta},
	{Name: "flow_keys", Off: 144, Size: 8, Elem: 8, Kind: PtrFlowKeys},
	{Name: "tstamp", Off: 152, Size: 8, Elem: 8}, {Name: "wire_len", Off: 160, Size: 4, Elem: 4},
	{Name: "gso_segs", Off: 164, Size: 4, Elem: 4},
	{Name: "sk", Off: 168, Size: 8, Elem: 8, Kind: PtrSock},
	{Name: "gso_size", Off: 176, Size: 4, Elem: 4},
	{Name: "tstamp_type", Off: 180, Size: 1, Elem: 1},
	{Name: "(padding)", Off: 181, Size: 3, Elem: 3, Kind: Padding},
	{Name: "hwtstamp", Off: 184, Size: 8, Elem: 8},
}}

// XDPMd is struct xdp_md of Linux 6.1 (24 bytes).
var XDPMd = &xdpMd

var xdpMd = Struct{Name: "xdp_md", Size: 24, Fields: []Field{
	{Name: "data", Off: 0, Size: 4, Elem: 4, Kind: PtrPacket},
	{Name: "data_end", Off: 4, Size: 4, Elem: 4, Kind: PtrPacketEnd},
	{Name: "data_meta", Off: 8, Size: 4, Elem: 4, Kind: PtrPacketMeta},
	{Name: "ingress_ifindex", Off: 12, Size: 4, Elem: 4},
	{Name: "rx_queue_index", Off: 16, Size: 4, Elem: 4},
	{Name: "egress_ifindex", Off: 20, Size: 4, Elem: 4},
}}

// PtRegs is struct pt_regs of x86-64 (168 bytes), what kprobe programs
// receive.
var PtRegs = &ptRegs

var ptRegs = Struct{Name: "pt_regs", Size: 168, Fields: []Field{
	{Name: "r15", Off: 0, Size: 8, Elem: 8}, {Name: "r14", Off: 8, Size: 8, Elem: 8},
	{Name: "r13", Off: 16, Size: 8, Elem: 8}, {Name: "r12", Off: 24, Size: 8, Elem: 8},
	{Name: "bp", Off: 32, Size: 8, Elem: 8}, {Name: "bx", Off: 40, Size: 8, Elem: 8},
	{Name: "r11", Off: 48, Size: 8, Elem: 8}, {Name: "r10", Off: 56, Size: 8, Elem: 8},
	{Name: "r9", Off: 64, Size: 8, Elem: 8}, {Name: "r8", Off: 72, Size: 8, Elem: 8},
	{Name: "ax", Off: 80, Size: 8, Elem: 8}, {Name: "cx", Off: 88, Size: 8, Elem: 8},
	{Name: "dx", Off: 96, Size: 8, Elem: 8}, {Name: "si", Off: 104, Size: 8, Elem: 8},
	{Name: "di", Off: 112, Size: 8, Elem: 8}, {Name: "orig_ax", Off: 120, Size: 8, Elem: 8},
	{Name: "ip", Off: 128, Size: 8, Elem: 8},
	{Name: "cs", Off: 136, Size: 8, Elem: 8}, {Name: "flags", Off: 144, Size: 8, Elem: 8},
	{Name: "sp", Off: 152, Size: 8, Elem: 8}, {Name: "ss", Off: 160, Size: 8, Elem: 8},
}}

// BPFSock is struct bpf_sock of Linux 6.1 (80 bytes).
var BPFSock = &bpfSock

var bpfSock = Struct{Name: "bpf_sock", Size: 80, Fields: []Field{
	{Name: "bound_dev_if", Off: 0, Size: 4, Elem: 4}, {Name: "family", Off: 4, Size: 4, Elem: 4},
	{Name: "type", Off: 8, Size: 4, Elem: 4}, {Name: "protocol", Off: 12, Size: 4, Elem: 4},
	{Name: "mark", Off: 16, Size: 4, Elem: 4}, {Name: "priority", Off: 20, Size: 4, Elem: 4},
	{Name: "src_ip4", Off: 24, Size: 4, Elem: 4}, {Name: "src_ip6", Off: 28, Size: 16, Elem: 4},
	{Name: "src_port", Off: 44, Size: 4, Elem: 4}, {Name: "dst_port", Off: 48, Size: 2, Elem: 2},
	{Name: "(padding)", Off: 50, Size: 2, Elem: 2, Kind: Padding},
	{Name: "dst_ip4", Off: 52, Size: 4, Elem: 4}, {Name: "dst_ip6", Off: 56, Size: 16, Elem: 4},
	{Name: "state", Off: 72, Size: 4, Elem: 4}, {Name: "rx_queue_mapping", Off: 76, Size: 4, Elem: 4},
}}

// FlowKeys is struct bpf_flow_keys of Linux 6.1 (56 bytes). ipv4_src/dst
// share their bytes with the start of ipv6_src.
var FlowKeys = &Struct{Name: "bpf_flow_keys", Size: 56, Fields: []Field{
	{Name: "nhoff", Off: 0, Size: 2, Elem: 2}, {Name: "thoff", Off: 2, Size: 2, Elem: 2},
	{Name: "addr_proto", Off: 4, Size: 2, Elem: 2}, {Name: "is_frag", Off: 6, Size: 1, Elem: 1},
	{Name: "is_first_frag", Off: 7, Size: 1, Elem: 1}, {Name: "is_encap", Off: 8, Size: 1, Elem: 1},
	{Name: "ip_proto", Off: 9, Size: 1, Elem: 1}, {Name: "n_proto", Off: 10, Size: 2, Elem: 2},
	{Name: "sport", Off: 12, Size: 2, Elem: 2}, {Name: "dport", Off: 14, Size: 2, Elem: 2},
	{Name: "ipv4_src", Off: 16, Size: 4, Elem: 4}, {Name: "ipv4_dst", Off: 20, Size: 4, Elem: 4},
	{Name: "ipv6_src[2:4]", Off: 24, Size: 8, Elem: 4}, {Name: "ipv6_dst", Off: 32, Size: 16, Elem: 4},
	{Name: "flags", Off: 48, Size: 4, Elem: 4}, {Name: "flow_label", Off: 52, Size: 4, Elem: 4},
}}
