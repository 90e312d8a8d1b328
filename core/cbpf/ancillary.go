package cbpf

// Linux's negative-offset load ranges (linux/filter.h). Absolute loads at
// k >= AncOffset are ancillary data (skb fields, helpers); from NetOffset
// they read relative to the network header, from LLOffset relative to the
// link-layer (MAC) header.
const (
	AncOffset = 0xfffff000 // SKF_AD_OFF = -0x1000
	NetOffset = 0xfff00000 // SKF_NET_OFF = -0x100000
	LLOffset  = 0xffe00000 // SKF_LL_OFF = -0x200000
)

// Anc is an ancillary data field: the k of `ld [k]` minus AncOffset.
type Anc uint32

// The ancillary fields Linux 6.1 knows (SKF_AD_*).
const (
	AncProtocol       Anc = 0  // skb->protocol (network byte order, converted)
	AncPktType        Anc = 4  // skb->pkt_type
	AncIfIndex        Anc = 8  // skb->dev->ifindex
	AncNlAttr         Anc = 12 // netlink attribute search from offset A for type X
	AncNlAttrNest     Anc = 16 // nested netlink attribute search
	AncMark           Anc = 20 // skb->mark
	AncQueue          Anc = 24 // skb->queue_mapping
	AncHaType         Anc = 28 // skb->dev->type
	AncRxHash         Anc = 32 // skb->hash
	AncCPU            Anc = 36 // raw_smp_processor_id()
	AncAluXorX        Anc = 40 // A ^= X
	AncVlanTag        Anc = 44 // skb->vlan_tci
	AncVlanTagPresent Anc = 48 // skb_vlan_tag_present()
	AncPayOffset      Anc = 52 // skb_get_poff(): offset of the transport payload
	AncRandom         Anc = 56 // prandom_u32()
	AncVlanTPID       Anc = 60 // skb->vlan_proto
	ancMax            Anc = 64 // SKF_AD_MAX
	ancNamesLen           = ancMax / 4
)

// ancNames are the bpf_asm spellings (`ld #proto`), the ones the kernel's
// documentation (Documentation/networking/filter.rst) lists.
var ancNames = [ancNamesLen]string{
	AncProtocol / 4:       "proto",
	AncPktType / 4:        "type",
	AncIfIndex / 4:        "ifidx",
	AncNlAttr / 4:         "nla",
	AncNlAttrNest / 4:     "nlan",
	AncMark / 4:           "mark",
	AncQueue / 4:          "queue",
	AncHaType / 4:         "hatype",
	AncRxHash / 4:         "rxhash",
	AncCPU / 4:            "cpu",
	AncAluXorX / 4:        "",
	AncVlanTag / 4:        "vlan_tci",
	AncVlanTagPresent / 4: "vlan_avail",
	AncPayOffset / 4:      "poff",
	AncRandom / 4:         "rand",
	AncVlanTPID / 4:       "vlan_tpid",
}

// ancillary returns the ancillary field an absolute load refers to, and
// whether Linux knows it. Linux recognises the fields for absolute loads
// of every size (a byte load of #proto still yields the 16-bit protocol),
// and only at their exact offsets.
func ancillary(i Instruction) (Anc, bool) {
	if i.Class() != ClassLd || i.Mode() != ModeAbs || i.K < AncOffset {
		return 0, false
	}
	a := Anc(i.K - AncOffset)
	if a >= ancMax || a%4 != 0 {
		return a, false
	}
	return a, true
}

// AncName returns the bpf_asm name of an ancillary field ("proto"), or
// "" for the ones without a load spelling (AncAluXorX).
func AncName(a Anc) string {
	if a >= ancMax || a%4 != 0 {
		return ""
	}
	return ancNames[a/4]
}

// ancByName maps bpf_asm names back to fields; "len" is not an ancillary
// field but the BPF_LEN mode, handled by the parser.
func ancByName(name string) (Anc, bool) {
	for i, n := range ancNames {
		if n != "" && n == name {
			return Anc(i * 4), true
		}
	}
	return 0, false
}
