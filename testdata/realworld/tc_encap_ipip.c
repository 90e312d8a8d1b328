// A tc egress encapsulation in the style of direct-server-return load
// balancers: packets to a virtual IP get an outer IPv4 header (IPIP)
// towards the chosen real server. bpf_skb_adjust_room makes room after
// the MAC header, the outer header is built on the stack with its
// checksum from bpf_csum_diff, and written with bpf_skb_store_bytes.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct real_server {
	__be32 addr;
	__u32 weight;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __be32); /* VIP */
	__type(value, struct real_server);
} vip_to_real SEC(".maps");

const volatile __be32 local_addr = 0x0a0a0a0a; /* 10.10.10.10 */

static __always_inline __u16 fold(__s64 csum)
{
	__u32 sum = csum;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

SEC("tc")
int tc_encap(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *inner = (void *)(eth + 1);
	struct real_server *rs;
	struct iphdr outer = {};
	__u16 inner_len;

	if ((void *)(inner + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	rs = bpf_map_lookup_elem(&vip_to_real, &inner->daddr);
	if (!rs)
		return TC_ACT_OK;

	inner_len = bpf_ntohs(inner->tot_len);
	outer.version = 4;
	outer.ihl = 5;
	outer.tos = inner->tos;
	outer.tot_len = bpf_htons(inner_len + sizeof(outer));
	outer.frag_off = bpf_htons(0x4000);
	outer.ttl = 64;
	outer.protocol = IPPROTO_IPIP;
	outer.saddr = local_addr;
	outer.daddr = rs->addr;
	outer.check = fold(bpf_csum_diff(0, 0, (__be32 *)&outer, sizeof(outer), 0));

	if (bpf_skb_adjust_room(skb, sizeof(outer), BPF_ADJ_ROOM_MAC,
				BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_FIXED_GSO))
		return TC_ACT_SHOT;
	if (bpf_skb_store_bytes(skb, ETH_HLEN, &outer, sizeof(outer), 0))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}
