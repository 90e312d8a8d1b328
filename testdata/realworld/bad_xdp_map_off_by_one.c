// REJECTED by Linux: a per-DSCP table in an array value of 64 entries,
// indexed by a value checked with "> 64" instead of ">= 64": index 64
// is one past the end of the map value.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct dscp_table {
	__u8 action[64];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dscp_table);
} dscp_actions SEC(".maps");

SEC("xdp")
int xdp_dscp_action(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct dscp_table *t;
	__u32 zero = 0, dscp;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	t = bpf_map_lookup_elem(&dscp_actions, &zero);
	if (!t)
		return XDP_PASS;
	dscp = ip->tos >> 2;
	dscp += ip->tos & 1; /* a "rounding" bug: 63 becomes 64 */
	if (dscp > 64)
		return XDP_PASS;
	return t->action[dscp];
}
