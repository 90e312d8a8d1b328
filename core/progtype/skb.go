package progtype

import "encoding/binary"

// Headroom the runtime leaves before packet data, as the kernel's test
// runs do (NET_SKB_PAD + NET_IP_ALIGN for skbs, XDP_PACKET_HEADROOM for
// XDP), so that adjust_head and data_meta have room to grow into.
const (
	SKBHeadroom = 64 + 2
	XDPHeadroom = 256
	Tailroom    = 320
	ETHHLen     = 14
)

// SKB models the parts of the kernel's struct sk_buff that __sk_buff
// shows. The uapi field values are kept in their uapi encoding: Protocol
// holds the big-endian u16 exactly as skb->protocol stores it.
type SKB struct {
	Buf       []byte // headroom + data + tailroom
	Meta      int    // offset of data_meta in Buf (== Data when no metadata)
	Data      int    // offset of skb->data in Buf
	End       int    // offset one past the linear data
	MacHeader int    // offset of the MAC header in Buf (LD_ABS with SKF_LL_OFF)
	NetHeader int    // offset of the network header in Buf (SKF_NET_OFF)

	PktType, Mark, QueueMapping, Protocol     uint32
	VlanPresent, VlanTCI, VlanProto, Priority uint32
	IngressIfindex, Ifindex, TCIndex          uint32
	CB                                        [20]byte
	Hash, TCClassid, NapiID                   uint32
	Tstamp, Hwtstamp                          uint64
	WireLen, GSOSegs, GSOSize                 uint32
	TstampType                                uint8
	// Socket fields (family, remote_ip4, ...), readable by sk_skb and
	// friends; zero when the skb has no socket.
	Family, RemoteIP4, LocalIP4, RemotePort, LocalPort uint32
	RemoteIP6, LocalIP6                                [16]byte
	// Sock is the skb's socket as struct bpf_sock (BPFSock, read-only), what skb->sk points to; nil when it has none.
	Sock []byte
	// NoDataEnd says data_end reads as 0: the kernel's test run sets
	// the packet pointers only for types with direct packet access
	// (tc, lwt), so a cgroup_skb program's bounds checks all fail.
	NoDataEnd bool
	// FlowKeys is the flow_dissector's output struct (56 bytes) when
	// the program type is flow_dissector.
	FlowKeys []byte
	// L4Hash reports that Hash was computed (bpf_get_hash_recalc).
	L4Hash bool
	// CsumUnnecessary and CsumLevel are ip_summed ==
	// CHECKSUM_UNNECESSARY and csum_level (bpf_csum_level); a test
	// run's skb starts at CHECKSUM_NONE.
	CsumUnnecessary bool
	CsumLevel       uint8
}

// Struct returns __sk_buff.
func (s *SKB) Struct() *Struct { return SkBuff }

// Packet returns the buffer and the packet's bounds in it.
func (s *SKB) Packet() ([]byte, int, int, int) { return s.Buf, s.Meta, s.Data, s.End }

// Len is skb->len: the linear data length (the runtime has no frags).
func (s *SKB) Len() int { return s.End - s.Data }

// Bytes returns the packet data.
func (s *SKB) Bytes() []byte { return s.Buf[s.Data:s.End] }

// LoadField reads a __sk_buff field.
func (s *SKB) LoadField(off, size int) (uint64, FieldKind, error) {
	f := SkBuff.FieldAt(off)
	if f == nil || f.Kind == Padding {
		return 0, 0, &AccessError{Struct: SkBuff.Name, Off: off, Size: size}
	}
	if f.Kind != Scalar {
		if off != f.Off || (size != 4 && size != 8) || (f.Size == 4 && size != 4) {
			return 0, 0, &AccessError{Struct: SkBuff.Name, Off: off, Size: size}
		}
		return 0, f.Kind, nil
	}
	if f.Name == "cb" {
		// cb[] is plain bytes to the verifier: any size inside it,
		// 8-byte accesses included.
		i := off - f.Off
		if !validSize(size) || i+size > len(s.CB) {
			return 0, 0, &AccessError{Struct: SkBuff.Name, Off: off, Size: size}
		}
		var b [8]byte
		copy(b[:], s.CB[i:i+size])
		return binary.LittleEndian.Uint64(b[:]), Scalar, nil
	}
	return scalarLoad(SkBuff, f, s.field(f, off), off, size)
}

// field returns the value of the element of f containing off.
func (s *SKB) field(f *Field, off int) uint64 {
	idx := (off - f.Off) / f.Elem
	switch f.Name {
	case "len":
		return uint64(s.Len())
	case "pkt_type":
		return uint64(s.PktType)
	case "mark":
		return uint64(s.Mark)
	case "queue_mapping":
		return uint64(s.QueueMapping)
	case "protocol":
		return uint64(s.Protocol)
	case "vlan_present":
		return uint64(s.VlanPresent)
	case "vlan_tci":
		return uint64(s.VlanTCI)
	case "vlan_proto":
		return uint64(s.VlanProto)
	case "priority":
		return uint64(s.Priority)
	case "ingress_ifindex":
		return uint64(s.IngressIfindex)
	case "ifindex":
		return uint64(s.Ifindex)
	case "tc_index":
		return uint64(s.TCIndex)
	case "cb":
		return uint64(le32(s.CB[idx*4:]))
	case "hash":
		return uint64(s.Hash)
	case "tc_classid":
		return uint64(s.TCClassid)
	case "napi_id":
		return uint64(s.NapiID)
	case "family":
		return uint64(s.Family)
	case "remote_ip4":
		return uint64(s.RemoteIP4)
	case "local_ip4":
		return uint64(s.LocalIP4)
	case "remote_ip6":
		return uint64(le32(s.RemoteIP6[idx*4:]))
	case "local_ip6":
		return uint64(le32(s.LocalIP6[idx*4:]))
	case "remote_port":
		return uint64(s.RemotePort)
	case "local_port":
		return uint64(s.LocalPort)
	case "tstamp":
		return s.Tstamp
	case "wire_len":
		return uint64(s.WireLen)
	case "gso_segs":
		return uint64(s.GSOSegs)
	case "gso_size":
		return uint64(s.GSOSize)
	case "tstamp_type":
		return uint64(s.TstampType)
	case "hwtstamp":
		return s.Hwtstamp
	}
	return 0
}

// StoreField writes a __sk_buff field. The fields some program type may
// write are writable here (mark, priority, queue_mapping, tc_index,
// tc_classid, cb[], tstamp, tstamp_type); which type may write which is
// the verifier's business.
func (s *SKB) StoreField(off, size int, v uint64) error {
	f := SkBuff.FieldAt(off)
	bad := &AccessError{Struct: SkBuff.Name, Off: off, Size: size, Write: true}
	if f == nil || f.Kind != Scalar {
		return bad
	}
	if f.Name == "cb" {
		// cb[] takes any size that stays inside it.
		i := off - f.Off
		if !validSize(size) || i+size > len(s.CB) {
			return bad
		}
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], v)
		copy(s.CB[i:i+size], b[:size])
		return nil
	}
	if within := (off - f.Off) % f.Elem; within+size > f.Elem || size != f.Elem {
		return bad
	}
	switch f.Name {
	case "mark":
		s.Mark = uint32(v)
	case "priority":
		s.Priority = uint32(v)
	case "queue_mapping":
		s.QueueMapping = uint32(v)
	case "tc_index":
		s.TCIndex = uint32(v)
	case "tc_classid":
		s.TCClassid = uint32(v)
	case "tstamp":
		s.Tstamp = v
	case "tstamp_type":
		s.TstampType = uint8(v)
	default:
		return bad
	}
	return nil
}

func validSize(n int) bool { return n == 1 || n == 2 || n == 4 || n == 8 }
