// An XDP program that strips an 802.1Q tag before the frame reaches the
// stack, as edge routers and VLAN-aware load balancers do: move the MAC
// addresses forward by four bytes, shrink the head with
// bpf_xdp_adjust_head, and check the bounds again on the new packet.
// Untagged frames pass; the VLAN id is remembered in the last map slot.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} vlan_seen SEC(".maps");

SEC("xdp")
int xdp_vlan_pop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct vlan_hdr *vh;
	struct ethhdr copy;
	__u32 vid;
	__u64 *n;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_8021Q))
		return XDP_PASS;
	vh = (void *)(eth + 1);
	if ((void *)(vh + 1) > data_end)
		return XDP_DROP;

	vid = bpf_ntohs(vh->tci) & 0x0fff;
	n = bpf_map_lookup_elem(&vlan_seen, &vid);
	if (n)
		__sync_fetch_and_add(n, 1);

	__builtin_memcpy(&copy, eth, sizeof(copy));
	copy.h_proto = vh->encap_proto;
	if (bpf_xdp_adjust_head(ctx, (int)sizeof(*vh)))
		return XDP_DROP;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	__builtin_memcpy(eth, &copy, sizeof(*eth));
	return XDP_PASS;
}
