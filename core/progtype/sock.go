package progtype

import "encoding/binary"

const (
	tcpClose        = 7 // TCP_CLOSE: a socket nobody connected
	afInet, afInet6 = 2, 10
)

// SockField returns the bytes of a field of a struct bpf_sock (BPFSock)
// held in sk.
func SockField(sk []byte, name string) []byte {
	f := BPFSock.Field(name)
	return sk[f.Off:f.End()]
}

// testRunSock gives an skb the socket BPF_PROG_TEST_RUN attaches to it:
// a fresh, unconnected socket (state TCP_CLOSE, no queue mapping) whose
// family and addresses come from the packet's IPv4 or IPv6 header, the
// source as its local address and the destination as its peer's. Other
// packets leave it AF_UNSPEC with no addresses. The same values show
// through __sk_buff's family, local_ip4, remote_ip4, ... fields.
// (Measured with the kernel oracle: helpers/net/skb_sk_fields and
// skb_sock_words in core/helpers' oracle cases.)
func testRunSock(s *SKB, frame []byte) {
	sk := make([]byte, BPFSock.Size)
	binary.LittleEndian.PutUint32(SockField(sk, "state"), tcpClose)
	binary.LittleEndian.PutUint32(SockField(sk, "rx_queue_mapping"), 0xffffffff)
	l3 := frame[ETHHLen:]
	switch binary.BigEndian.Uint16(frame[12:]) {
	case 0x0800:
		s.Family = afInet
		if len(l3) >= 20 {
			copy(SockField(sk, "src_ip4"), l3[12:16])
			copy(SockField(sk, "dst_ip4"), l3[16:20])
			s.LocalIP4 = binary.LittleEndian.Uint32(l3[12:])
			s.RemoteIP4 = binary.LittleEndian.Uint32(l3[16:])
		}
	case 0x86dd:
		s.Family = afInet6
		if len(l3) >= 40 {
			copy(SockField(sk, "src_ip6"), l3[8:24])
			copy(SockField(sk, "dst_ip6"), l3[24:40])
			copy(s.LocalIP6[:], l3[8:24])
			copy(s.RemoteIP6[:], l3[24:40])
		}
	}
	binary.LittleEndian.PutUint32(SockField(sk, "family"), s.Family)
	s.Sock = sk
}
