package cbpf

import "testing"

// Ancillary loads on lib/test_bpf.c's skb (TestBPFSkb), with the values
// that module expects for its LD_* tests (the dev corpus has only a few
// of them): programs written here in bpf_asm syntax, data zero-padded to
// the subtest's size as test_bpf does.
func TestAncillaryTestBPF(t *testing.T) {
	nlattr := []byte{0xff, 0xff, 4, 0, 2, 0, 4, 0, 3, 0}
	nlnest := []byte{0xff, 0xff, 12, 0, 1, 0, 4, 0, 2, 0, 4, 0, 3, 0}
	pad := func(b []byte, n int) []byte {
		out := make([]byte, n)
		copy(out, b)
		return out
	}
	for _, c := range []struct {
		name string
		src  string
		data []byte
		size int
		want uint32
	}{
		{"pkttype", "ld #type\nret a", nil, 1, TestSkbType},
		{"mark", "ld #mark\nret a", nil, 1, TestSkbMark},
		{"rxhash", "ld #rxhash\nret a", nil, 1, TestSkbHash},
		{"queue", "ld #queue\nret a", nil, 1, TestSkbQueue},
		{"protocol", "ld #proto\nret a", nil, 1, 0x0800},
		{"vlan tag", "ld #vlan_tci\nret a", nil, 10, TestSkbVlanTCI},
		{"vlan present", "ld #vlan_avail\nret a", nil, 10, 1},
		{"vlan tpid", "ld #vlan_tpid\nret a", nil, 10, 0x0800},
		{"ifindex", "ld #ifidx\nret a", nil, 1, TestSkbDevIndex},
		{"hatype", "ld #hatype\nret a", nil, 1, TestSkbDevType},
		{"cpu", "ld #cpu\ntax\nld #cpu\nsub x\nret a", nil, 1, 0},
		{"xor x", "ld #10\nldx #300\nld [-4056]\nret a", nil, 4, 10 ^ 300},
		{"nla short", "ldx #2\ntxa\nldx #3\nld #nla\nret a", nlattr, 4, 0},
		{"nla", "ldx #2\ntxa\nldx #3\nld #nla\nret a", nlattr, 20, 6},
		{"nlan short", "ld #2\nldx #3\nld #nlan\nld #2\nld #nlan\nret a", nlnest, 4, 0},
		{"nlan", "ld #2\nldx #3\nld #nlan\nld #2\nld #nlan\nret a", nlnest, 20, 10},
		{"ldh proto is the 16-bit field", "ldh [-4096]\nret a", nil, 1, 0x0800},
	} {
		p, err := ParseBPFAsm(c.src)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		skb := TestBPFSkb(pad(c.data, c.size))
		got, err := Run(p, skb)
		if err != nil || got != c.want {
			t.Errorf("%s: got %d (%v), want %d", c.name, got, err, c.want)
		}
		conv, err := Convert(p)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := execConverted(conv, skb); err != nil || got != c.want {
			t.Errorf("%s: converted eBPF gives %d (%v), want %d", c.name, got, err, c.want)
		}
	}
	// Without a device, ifindex and hatype loads end the filter with 0.
	p, _ := ParseBPFAsm("ld #ifidx\nret #7")
	skb := TestBPFSkb(nil)
	skb.NoDev = true
	if got, _ := Run(p, skb); got != 0 {
		t.Errorf("ifindex without device: %d", got)
	}
}
