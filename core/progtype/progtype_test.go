package progtype

import "testing"

// Offsets and sizes as gcc reports them for Linux 6.1's uapi headers
// (offsetof/sizeof on /usr/include/linux/bpf.h, linux-libc-dev 6.1).
func TestLayouts(t *testing.T) {
	cases := []struct {
		s         *Struct
		field     string
		off, size int
	}{
		{SkBuff, "len", 0, 4}, {SkBuff, "mark", 8, 4}, {SkBuff, "protocol", 16, 4},
		{SkBuff, "priority", 32, 4}, {SkBuff, "ifindex", 40, 4}, {SkBuff, "cb", 48, 20},
		{SkBuff, "hash", 68, 4}, {SkBuff, "data", 76, 4}, {SkBuff, "data_end", 80, 4},
		{SkBuff, "family", 88, 4}, {SkBuff, "remote_ip6", 100, 16}, {SkBuff, "local_port", 136, 4},
		{SkBuff, "data_meta", 140, 4}, {SkBuff, "flow_keys", 144, 8}, {SkBuff, "tstamp", 152, 8},
		{SkBuff, "sk", 168, 8}, {SkBuff, "gso_size", 176, 4}, {SkBuff, "tstamp_type", 180, 1},
		{SkBuff, "hwtstamp", 184, 8},
		{XDPMd, "data", 0, 4}, {XDPMd, "data_meta", 8, 4}, {XDPMd, "egress_ifindex", 20, 4},
		{BPFSock, "src_ip6", 28, 16}, {BPFSock, "dst_port", 48, 2}, {BPFSock, "rx_queue_mapping", 76, 4},
		{FlowKeys, "n_proto", 10, 2}, {FlowKeys, "flow_label", 52, 4},
		{PtRegs, "di", 112, 8}, {PtRegs, "ss", 160, 8},
	}
	for _, c := range cases {
		f := c.s.Field(c.field)
		if f == nil {
			t.Errorf("%s.%s missing", c.s.Name, c.field)
			continue
		}
		if f.Off != c.off || f.Size != c.size {
			t.Errorf("%s.%s = off %d size %d, want %d %d", c.s.Name, c.field, f.Off, f.Size, c.off, c.size)
		}
	}
	for _, s := range []struct {
		s    *Struct
		size int
	}{{SkBuff, 192}, {XDPMd, 24}, {BPFSock, 80}, {FlowKeys, 56}, {PtRegs, 168}} {
		if s.s.Size != s.size {
			t.Errorf("sizeof %s = %d, want %d", s.s.Name, s.s.Size, s.size)
		}
	}
}

// The registry's attach types are written with their numbers (data, not
// init code): each must be enum bpf_attach_type's entry of that name.
func TestAttachTypesOfTypes(t *testing.T) {
	for _, ty := range types {
		for _, a := range ty.AttachTypes {
			want, ok := AttachByName(a.Name)
			if !ok || want != a {
				t.Errorf("%s: attach type %+v, want %+v (known %v)", ty.Name, a, want, ok)
			}
		}
	}
}

func TestRegistry(t *testing.T) {
	for i, ty := range All() {
		if int(ty.Num) != i {
			t.Errorf("%s: Num %d at index %d", ty.Name, ty.Num, i)
		}
	}
	for _, c := range []struct {
		in  string
		num uint32
	}{{"socket_filter", 1}, {"BPF_PROG_TYPE_XDP", 6}, {"sched_cls", 3}, {"flow_dissector", 22}, {"31", 31}, {"raw_tracepoint", 17}} {
		ty, ok := Lookup(c.in)
		if !ok || ty.Num != c.num {
			t.Errorf("Lookup(%q) = %v %v, want %d", c.in, ty, ok, c.num)
		}
	}
	if a, ok := AttachByName("BPF_XDP"); !ok || a.Num != 37 {
		t.Errorf("BPF_XDP = %v", a)
	}
	if a, ok := AttachByName("cgroup_inet_egress"); !ok || a.Num != 1 {
		t.Errorf("cgroup_inet_egress = %v", a)
	}
	xdp, _ := ByName("xdp")
	if n := xdp.ReturnName(1); n != "XDP_DROP" {
		t.Errorf("xdp return 1 = %q", n)
	}
	tc, _ := ByName("sched_cls")
	if n := tc.ReturnName(0xffffffff); n != "TC_ACT_UNSPEC" {
		t.Errorf("tc return -1 = %q", n)
	}
}

func TestSKBRun(t *testing.T) {
	sf, _ := ByName("socket_filter")
	pkt := make([]byte, 60)
	pkt[12], pkt[13] = 0x08, 0x00
	r, err := NewRun(sf, Input{Data: pkt})
	if err != nil {
		t.Fatal(err)
	}
	s := r.Ctx.(*SKB)
	if s.Len() != 46 || s.Protocol != 0x0008 || s.PktType != 0 || s.Ifindex != 1 {
		t.Errorf("skb len %d proto %#x type %d ifindex %d", s.Len(), s.Protocol, s.PktType, s.Ifindex)
	}
	v, _, err := s.LoadField(16, 2)
	if err != nil || v != 0x0008 {
		t.Errorf("narrow protocol load = %#x %v", v, err)
	}
	if _, _, err := s.LoadField(76, 2); err == nil {
		t.Errorf("narrow load of data accepted")
	}
	if err := s.StoreField(48+4, 4, 7); err != nil || s.CB[4] != 7 {
		t.Errorf("cb[1] store: %v", err)
	}
	if out := r.DataOut(); len(out) != 60 {
		t.Errorf("data_out %d bytes", len(out))
	}
	tc, _ := ByName("sched_cls")
	r, _ = NewRun(tc, Input{Data: pkt})
	if r.Ctx.(*SKB).Len() != 60 {
		t.Errorf("tc skb len %d, want 60", r.Ctx.(*SKB).Len())
	}
}
