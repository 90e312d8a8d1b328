/* XDP: walk up to 6 IPv6 extension headers with a bounded loop to find
 * the transport protocol (a pattern of IPv6-aware load balancers). */
#include "common.h"

MAP(l4_count, BPF_MAP_TYPE_ARRAY, 4, 8, 256, 0);

struct ext_hdr {
	__u8 nexthdr;
	__u8 hdrlen;
};

SEC("xdp")
int xdp_ext(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6;
	void *cur;
	__u32 next;
	__u64 *cnt;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IPV6))
		return XDP_PASS;
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > end)
		return XDP_PASS;
	next = ip6->nexthdr;
	cur = ip6 + 1;
	for (int i = 0; i < 6; i++) {
		struct ext_hdr *h = cur;
		if (next != IPPROTO_HOPOPTS && next != IPPROTO_ROUTING && next != IPPROTO_DSTOPTS)
			break;
		if ((void *)(h + 1) > end)
			return XDP_DROP;
		next = h->nexthdr;
		cur += (h->hdrlen + 1) * 8;
	}
	cnt = bpf_map_lookup_elem(&l4_count, &next);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	return XDP_PASS;
}
