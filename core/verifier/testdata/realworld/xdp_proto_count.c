/* XDP: parse Ethernet/IPv4/IPv6 and UDP/TCP, count packets per IP
 * protocol in a per-CPU array, drop UDP to port 9 (Suricata-style
 * bypass filter). */
#include "common.h"

MAP(proto_count, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 256, 0);
MAP(drop_ports, BPF_MAP_TYPE_HASH, 2, 8, 64, 0);

static __always_inline int count(__u32 proto)
{
	__u64 *v = bpf_map_lookup_elem(&proto_count, &proto);
	if (v)
		*v += 1;
	return 0;
}

SEC("xdp")
int xdp_prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u8 proto;
	void *l4;

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		if ((void *)(ip + 1) > end)
			return XDP_PASS;
		proto = ip->protocol;
		l4 = (void *)ip + ip->ihl * 4;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		if ((void *)(ip6 + 1) > end)
			return XDP_PASS;
		proto = ip6->nexthdr;
		l4 = ip6 + 1;
	} else {
		return XDP_PASS;
	}
	count(proto);
	if (proto == IPPROTO_UDP) {
		struct udphdr *udp = l4;
		__u16 port;
		__u64 *hits;
		if ((void *)(udp + 1) > end)
			return XDP_PASS;
		port = bpf_ntohs(udp->dest);
		hits = bpf_map_lookup_elem(&drop_ports, &port);
		if (hits) {
			__sync_fetch_and_add(hits, 1);
			return XDP_DROP;
		}
	}
	return XDP_PASS;
}
