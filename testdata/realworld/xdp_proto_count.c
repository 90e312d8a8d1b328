// Two XDP programs in the style of the kernel's samples: the first
// parses Ethernet with up to two VLAN tags, finds the IPv4 protocol or
// the IPv6 next header and counts packets per protocol in a per-CPU
// array before dropping; the second also swaps the MAC addresses and
// sends the frame back out (XDP_TX).
// variants: v3
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct vlan_hdr {
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, long);
} rxcnt SEC(".maps");

static __always_inline int l3_proto(void *data, __u64 off, void *data_end, __u16 h_proto)
{
	if (h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = data + off;

		if ((void *)(ip + 1) > data_end)
			return 0;
		return ip->protocol;
	}
	if (h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = data + off;

		if ((void *)(ip6 + 1) > data_end)
			return 0;
		return ip6->nexthdr;
	}
	return 0;
}

static __always_inline int count_proto(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	__u64 off = sizeof(*eth);
	__u16 h_proto;
	__u32 proto;
	long *value;

	if (data + off > data_end)
		return -1;
	h_proto = eth->h_proto;
#pragma unroll
	for (int i = 0; i < 2; i++) {
		if (h_proto == bpf_htons(ETH_P_8021Q) || h_proto == bpf_htons(ETH_P_8021AD)) {
			struct vlan_hdr *vh = data + off;

			off += sizeof(struct vlan_hdr);
			if (data + off > data_end)
				return -1;
			h_proto = vh->h_vlan_encapsulated_proto;
		}
	}
	proto = l3_proto(data, off, data_end, h_proto);
	value = bpf_map_lookup_elem(&rxcnt, &proto);
	if (value)
		*value += 1;
	return proto;
}

SEC("xdp")
int xdp_count_drop(struct xdp_md *ctx)
{
	if (count_proto(ctx) < 0)
		return XDP_ABORTED;
	return XDP_DROP;
}

static __always_inline void swap_src_dst_mac(struct ethhdr *eth)
{
	__u16 *p = (__u16 *)eth;
	__u16 dst[3];

	dst[0] = p[0];
	dst[1] = p[1];
	dst[2] = p[2];
	p[0] = p[3];
	p[1] = p[4];
	p[2] = p[5];
	p[3] = dst[0];
	p[4] = dst[1];
	p[5] = dst[2];
}

SEC("xdp")
int xdp_count_tx(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	int proto = count_proto(ctx);

	if (proto < 0)
		return XDP_ABORTED;
	if (data + sizeof(struct ethhdr) > data_end)
		return XDP_ABORTED;
	if (proto == 17) /* UDP: reflect */
		swap_src_dst_mac(data);
	return proto == 17 ? XDP_TX : XDP_PASS;
}
