/* A classic mistake: the bounds check covers the IPv4 header but the
 * program reads the UDP port after it. Linux rejects it. */
#include "common.h"

SEC("xdp")
int xdp_bug(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);

	if ((void *)(ip + 1) > end)
		return XDP_PASS;
	if (ip->protocol == IPPROTO_UDP && udp->dest == bpf_htons(53))
		return XDP_DROP;
	return XDP_PASS;
}
