package realworld

import "github.com/bpfplay/bpfplay/core/record"

// runVariants run some programs again on other packets, so the test
// runs cover their other paths (the verifier's answer is the same as
// the base record's; the kernel is asked anyway).
var runVariants = []Program{
	{
		Object: "xdp_lb4", Func: "xdp_lb4", Variant: "udp",
		Note: "a UDP service: the UDP checksum is rewritten too",
		Data: udp4(macRouter, ip4(10, 1, 2, 3), ip4(10, 0, 0, 100), 40001, 53, []byte("query")),
		Init: map[string][]record.Entry{
			"lb4_services": {entry(cat(ip4(10, 0, 0, 100), be16(53), []byte{protoUDP, 0}), cat(le32(1), le16(1), le16(0)))},
			"lb4_backends": {entry(le32(1), cat(ip4(10, 0, 1, 2), be16(5353), []byte{2, 0, 0, 0, 0, 2}))},
		},
	},
	{
		Object: "xdp_lb4", Func: "xdp_lb4", Variant: "no-service",
		Note: "no service for the destination: XDP_PASS, counted",
		Data: tcp4(macRouter, ip4(10, 1, 2, 3), ip4(10, 0, 0, 200), 40000, 80, tcpSYN, 0, nil),
	},
	{
		Object: "tc_snat", Func: "tc_snat", Variant: "mid-stream",
		Note: "an ACK of a flow the table does not know: TC_ACT_SHOT",
		Data: tcp4(macRouter, ip4(10, 1, 2, 3), ip4(93, 184, 216, 34), 40000, 443, tcpACK, 0, []byte("data")),
	},
	{
		Object: "xdp_conntrack", Func: "xdp_conntrack", Variant: "udp",
		Note: "a UDP flow starts without a handshake",
		Data: udp4(macRouter, ip4(172, 16, 0, 5), ip4(172, 16, 9, 9), 5000, 53, []byte("q")),
	},
	{
		Object: "xdp_conntrack", Func: "xdp_conntrack", Variant: "ack-new",
		Note: "a TCP ACK without a tracked flow: XDP_DROP",
		Data: tcp4(macRouter, ip4(172, 16, 0, 5), ip4(172, 16, 9, 9), 33000, 8443, tcpACK, 0, nil),
	},
	{
		Object: "tc_policy6", Func: "tc_policy6", Variant: "deny",
		Note: "a source outside the allowed prefix: TC_ACT_SHOT",
		Data: cat(ether(macHost, macClient, ethIPv6), ipv6(addr6(9, 1), addr6(2, 1), protoTCP,
			tcp(50000, 22, tcpSYN, nil, func(n int) uint32 { return pseudo6(addr6(9, 1), addr6(2, 1), protoTCP, n) }))),
		Init: map[string][]record.Entry{
			"policy6": {entry(cat(le32(64), addr6(1, 0)), cat(le32(7), []byte{1, 0, 0, 0}, le64(1<<22), le64(0), le64(0), le64(0)))},
		},
	},
	{
		Object: "xdp_vlan_pop", Func: "xdp_vlan_pop", Variant: "untagged",
		Note: "an untagged frame passes unchanged",
		Data: udp4(macRouter, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 1234, 5678, []byte("plain")),
	},
	{
		Object: "xdp_icmp_toobig", Func: "xdp_icmp_toobig", Variant: "small",
		Note: "a datagram under the MTU passes",
		Data: udp4(macRouter, ip4(10, 1, 2, 3), ip4(10, 0, 0, 1), 4000, 4789, make([]byte, 20)),
	},
	{
		Object: "sock_proto_stats", Func: "sock_count_bytes", Variant: "otherhost",
		Note: "a frame for another MAC address: pkt_type PACKET_OTHERHOST, not counted",
		Data: tcp4(macRouter, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 40000, 80, tcpSYN|tcpACK, 0, nil),
	},
	{
		Object: "xdp_proto_count", Func: "xdp_count_tx", Variant: "ipv6",
		Note: "an IPv6 UDP frame is reflected",
		Data: cat(ether(macRouter, macClient, ethIPv6), ipv6(addr6(1, 1), addr6(2, 2), protoUDP,
			udp(546, 547, []byte("dhcp6"), func(n int) uint32 { return pseudo6(addr6(1, 1), addr6(2, 2), protoUDP, n) }))),
	},
	{
		Object: "tc_qos_globals", Func: "tc_qos", Variant: "af41",
		Note: "AF41: class 2, not demoted, the packet unchanged",
		Data: tcp4(macHost, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 5004, 5004, tcpACK, 34<<2, []byte("video")),
	},
	{
		Object: "tc_datapath", Func: "tc_from_container", Variant: "denied",
		Note: "a port the policy does not allow: dropped with DROP_POLICY counted",
		Data: tcp4(macRouter, ip4(10, 0, 5, 5), ip4(10, 0, 0, 2), 41000, 443, tcpSYN, 0, nil),
		Init: map[string][]record.Entry{
			"ipcache4": {entry(cat(le32(32), ip4(10, 0, 0, 2)), le32(1234))},
			"policy":   {entry(cat(le32(1234), le16(80), []byte{protoTCP, 1}), cat([]byte{0, 0}, le16(0), le32(0), le64(0)))},
		},
	},
	{
		Object: "xdp_bypass", Func: "xdp_bypass", Variant: "miss",
		Note: "a flow not bypassed: XDP_PASS",
		Data: udp4(macRouter, ip4(10, 9, 8, 7), ip4(10, 0, 0, 1), 4789, 53001, make([]byte, 32)),
	},
}
