package helpers

import (
	"encoding/binary"

	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/progtype"
)

// VLAN tags: the skb carries one tag out of band (vlan_present,
// vlan_tci, vlan_proto, as a NIC's acceleration does); more tags live
// in the packet after the MAC addresses.

func init() {
	reg("skb_vlan_push", skbVlanPush)
	reg("skb_vlan_pop", skbVlanPop)
}

// Ethernet types as skb->protocol stores them (network order in memory,
// read as a little-endian u16).
const (
	protoVlan8021Q  = 0x0081 // htons(ETH_P_8021Q)
	protoVlan8021AD = 0xa888 // htons(ETH_P_8021AD)
	vlanHLen        = 4
)

func isVlanProto(p uint32) bool { return p == protoVlan8021Q || p == protoVlan8021AD }

func skbVlanPush(m Machine, a *[5]uint64) (uint64, error) {
	s := skbOf(m)
	if s == nil {
		return 0, noSKB{}
	}
	proto, tci := uint32(uint16(a[1])), uint32(uint16(a[2]))
	if !isVlanProto(proto) {
		proto = protoVlan8021Q
	}
	if s.VlanPresent != 0 {
		// The tag already carried moves into the packet.
		if s.Data != s.MacHeader || s.Len() < 2*6 {
			return neg(maps.EINVAL), nil
		}
		grow(s, vlanHLen, 0)
		copy(s.Buf[s.Data-vlanHLen:], s.Buf[s.Data:s.Data+12])
		s.Data -= vlanHLen
		if s.Meta > s.Data {
			s.Meta = s.Data
		}
		s.MacHeader = s.Data
		binary.LittleEndian.PutUint16(s.Buf[s.Data+12:], uint16(s.VlanProto))
		binary.BigEndian.PutUint16(s.Buf[s.Data+14:], uint16(s.VlanTCI))
		s.Protocol = s.VlanProto
	}
	s.VlanPresent, s.VlanTCI, s.VlanProto = 1, tci, proto
	m.PacketChanged()
	return 0, nil
}

// popPayloadTag is __skb_vlan_pop: the tag after the MAC addresses
// leaves the packet; the protocol becomes the encapsulated one.
func popPayloadTag(s *progtype.SKB) (uint32, bool) {
	if s.Data != s.MacHeader || s.Len() < 18 {
		return 0, false
	}
	tci := uint32(binary.BigEndian.Uint16(s.Buf[s.Data+14:]))
	inner := binary.BigEndian.Uint16(s.Buf[s.Data+16:])
	copy(s.Buf[s.Data+vlanHLen:], s.Buf[s.Data:s.Data+12])
	s.Data += vlanHLen
	s.MacHeader = s.Data
	if s.Meta < s.Data {
		s.Meta = s.Data
	}
	// vlan_set_encap_proto: an Ethernet type, or 802.3/802.2 by the two
	// bytes at data (the MAC header here, as the kernel's code reads).
	switch {
	case inner >= 0x600:
	case s.Buf[s.Data] == 0xff && s.Buf[s.Data+1] == 0xff:
		inner = 0x0001 // ETH_P_802_3
	default:
		inner = 0x0004 // ETH_P_802_2
	}
	s.Protocol = uint32(inner>>8) | uint32(inner&0xff)<<8
	if s.NetHeader-s.MacHeader < progtype.ETHHLen {
		s.NetHeader = s.MacHeader + progtype.ETHHLen
	}
	return tci, true
}

func skbVlanPop(m Machine, a *[5]uint64) (uint64, error) {
	s := skbOf(m)
	if s == nil {
		return 0, noSKB{}
	}
	defer m.PacketChanged()
	if s.VlanPresent != 0 {
		s.VlanPresent = 0
	} else {
		if !isVlanProto(s.Protocol) {
			return 0, nil
		}
		if _, ok := popPayloadTag(s); !ok {
			return neg(maps.EINVAL), nil
		}
	}
	if !isVlanProto(s.Protocol) {
		return 0, nil
	}
	proto := s.Protocol
	tci, ok := popPayloadTag(s)
	if !ok {
		return neg(maps.EINVAL), nil
	}
	s.VlanPresent, s.VlanTCI, s.VlanProto = 1, tci, proto
	return 0, nil
}
