// build: -mcpu=v3
// A tc egress SNAT in the style of a container-networking datapath:
// direct packet access to find the IPv4/TCP headers, a connection table
// in an LRU hash, port allocation from a counter in .bss, the rewrite
// through bpf_skb_store_bytes with bpf_l3_csum_replace /
// bpf_l4_csum_replace (packet pointers are reloaded after each helper
// that may move the data), then bpf_redirect to the uplink interface
// configured in .rodata.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define IP_CSUM_OFF (ETH_HLEN + offsetof(struct iphdr, check))
#define IP_SRC_OFF (ETH_HLEN + offsetof(struct iphdr, saddr))
#define TCP_CSUM_OFF (ETH_HLEN + sizeof(struct iphdr) + offsetof(struct tcphdr, check))
#define TCP_SPORT_OFF (ETH_HLEN + sizeof(struct iphdr) + offsetof(struct tcphdr, source))

struct ct_key {
	__be32 saddr, daddr;
	__be16 sport, dport;
	__u32 proto;
};

struct ct_entry {
	__be32 nat_addr;
	__be16 nat_port;
	__u16 flags;
	__u64 packets;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct ct_key);
	__type(value, struct ct_entry);
} snat_ct SEC(".maps");

/* Set by the loader before the program is loaded. */
const volatile __be32 snat_addr = 0x0101a8c0; /* 192.168.1.1 */
const volatile __u32 uplink_ifindex = 2;
const volatile __u16 port_min = 32768;

__u32 next_port; /* .bss: allocation cursor */

static __always_inline int snat_rewrite(struct __sk_buff *skb, struct ct_entry *e,
					__be32 old_addr, __be16 old_port)
{
	__be32 new_addr = e->nat_addr;
	__be16 new_port = e->nat_port;

	if (bpf_l4_csum_replace(skb, TCP_CSUM_OFF, old_addr, new_addr, BPF_F_PSEUDO_HDR | sizeof(new_addr)))
		return -1;
	if (bpf_l4_csum_replace(skb, TCP_CSUM_OFF, old_port, new_port, sizeof(new_port)))
		return -1;
	if (bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_addr, new_addr, sizeof(new_addr)))
		return -1;
	if (bpf_skb_store_bytes(skb, IP_SRC_OFF, &new_addr, sizeof(new_addr), 0))
		return -1;
	if (bpf_skb_store_bytes(skb, TCP_SPORT_OFF, &new_port, sizeof(new_port), 0))
		return -1;
	return 0;
}

SEC("tc")
int tc_snat(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct tcphdr *tcp = data + sizeof(*eth) + sizeof(*ip);
	struct ct_key key = {};
	struct ct_entry *e, fresh = {};

	if ((void *)(tcp + 1) > data_end)
		return TC_ACT_OK;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 || ip->protocol != IPPROTO_TCP)
		return TC_ACT_OK;

	key.saddr = ip->saddr;
	key.daddr = ip->daddr;
	key.sport = tcp->source;
	key.dport = tcp->dest;
	key.proto = IPPROTO_TCP;

	e = bpf_map_lookup_elem(&snat_ct, &key);
	if (!e) {
		if (!tcp->syn)
			return TC_ACT_SHOT; /* mid-stream packet of an unknown flow */
		fresh.nat_addr = snat_addr;
		fresh.nat_port = bpf_htons(port_min + (__sync_fetch_and_add(&next_port, 1) & 0x7fff));
		if (bpf_map_update_elem(&snat_ct, &key, &fresh, BPF_NOEXIST))
			return TC_ACT_SHOT;
		e = bpf_map_lookup_elem(&snat_ct, &key);
		if (!e)
			return TC_ACT_SHOT;
	}
	e->packets++;

	if (snat_rewrite(skb, e, key.saddr, key.sport) < 0)
		return TC_ACT_SHOT;

	/* The helpers above invalidated every packet pointer: check again
	 * before touching the headers. */
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	ip = data + sizeof(struct ethhdr);
	if ((void *)(ip + 1) > data_end)
		return TC_ACT_SHOT;
	if (ip->ttl <= 1)
		return TC_ACT_SHOT;

	skb->mark = 0x5a7; /* tell the host stack this flow is NATed */
	return bpf_redirect(uplink_ifindex, 0);
}
