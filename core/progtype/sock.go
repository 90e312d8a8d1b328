package progtype

import "encoding/binary"

// BPFSockSize is sizeof(struct bpf_sock) in Linux 6.1.
const BPFSockSize = 80

// Offsets in struct bpf_sock.
const (
	sockFamily      = 4
	sockSrcIP4      = 24
	sockSrcIP6      = 28
	sockDstIP4      = 52
	sockDstIP6      = 56
	sockState       = 72
	sockRxQueue     = 76
	tcpClose        = 7 // TCP_CLOSE: a socket nobody connected
	afInet, afInet6 = 2, 10
)

// testRunSock gives an skb the socket BPF_PROG_TEST_RUN attaches to it:
// a fresh, unconnected socket (state TCP_CLOSE, no queue mapping) whose
// family and addresses come from the packet's IPv4 or IPv6 header, the
// source as its local address and the destination as its peer's. Other
// packets leave it AF_UNSPEC with no addresses. The same values show
// through __sk_buff's family, local_ip4, remote_ip4, ... fields.
// (Measured with the kernel oracle: helpers/net/skb_sk_fields and
// skb_sock_words in core/helpers' oracle cases.)
func testRunSock(s *SKB, frame []byte) {
	sk := make([]byte, BPFSockSize)
	binary.LittleEndian.PutUint32(sk[sockState:], tcpClose)
	binary.LittleEndian.PutUint32(sk[sockRxQueue:], 0xffffffff)
	l3 := frame[ETHHLen:]
	switch binary.BigEndian.Uint16(frame[12:]) {
	case 0x0800:
		s.Family = afInet
		if len(l3) >= 20 {
			copy(sk[sockSrcIP4:], l3[12:16])
			copy(sk[sockDstIP4:], l3[16:20])
			s.LocalIP4 = binary.LittleEndian.Uint32(l3[12:])
			s.RemoteIP4 = binary.LittleEndian.Uint32(l3[16:])
		}
	case 0x86dd:
		s.Family = afInet6
		if len(l3) >= 40 {
			copy(sk[sockSrcIP6:], l3[8:24])
			copy(sk[sockDstIP6:], l3[24:40])
			copy(s.LocalIP6[:], l3[8:24])
			copy(s.RemoteIP6[:], l3[24:40])
		}
	}
	binary.LittleEndian.PutUint32(sk[sockFamily:], s.Family)
	s.Sock = sk
}
