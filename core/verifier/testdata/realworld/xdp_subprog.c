/* XDP with bpf-to-bpf calls: non-inlined parsing helpers and a checksum
 * fold, as large programs split their code. */
#include "common.h"

MAP(stats, BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);

static __attribute__((noinline)) int parse_eth(void *data, void *end)
{
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end)
		return -1;
	return bpf_ntohs(eth->h_proto);
}

static __attribute__((noinline)) __u32 fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

SEC("xdp")
int xdp_calls(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 key = 0;
	__u64 *v;
	int proto = parse_eth(data, end);

	if (proto < 0)
		return XDP_ABORTED;
	key = fold(proto) & 3;
	v = bpf_map_lookup_elem(&stats, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}
