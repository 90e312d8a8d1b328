// A tc ingress IPv6 policy in the style of a cloud-native firewall:
// walk up to four IPv6 extension headers (an unrolled loop with bounds
// checks at each step), then match the source address against CIDR
// rules in an LPM trie and the destination port against a per-rule
// port bitmap; tag accepted packets with skb->mark and count verdicts.
// variants: v3
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define MAX_EXT_HDRS 4

struct policy_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct policy_rule {
	__u32 id;
	__u8 action; /* 0 deny, 1 allow */
	__u8 pad[3];
	__u64 ports[4]; /* bitmap of destination ports 0..255 */
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 128);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct policy_key);
	__type(value, struct policy_rule);
} policy6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} verdicts SEC(".maps");

static __always_inline int verdict(int allow)
{
	__u32 k = allow;
	__u64 *n = bpf_map_lookup_elem(&verdicts, &k);

	if (n)
		__sync_fetch_and_add(n, 1);
	return allow ? TC_ACT_OK : TC_ACT_SHOT;
}

struct ext_hdr {
	__u8 nexthdr;
	__u8 hdrlen;
};

SEC("tc")
int tc_policy6(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6;
	struct policy_key key = { .prefixlen = 128 };
	struct policy_rule *rule;
	void *cursor;
	__u8 nexthdr;
	__u16 dport;
	int i;

	if ((void *)(eth + 1) > data_end)
		return TC_ACT_OK;
	if (eth->h_proto != bpf_htons(ETH_P_IPV6))
		return TC_ACT_OK;
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > data_end)
		return TC_ACT_SHOT;

	nexthdr = ip6->nexthdr;
	cursor = ip6 + 1;
#pragma unroll
	for (i = 0; i < MAX_EXT_HDRS; i++) {
		struct ext_hdr *h = cursor;

		if (nexthdr != IPPROTO_HOPOPTS && nexthdr != IPPROTO_ROUTING &&
		    nexthdr != IPPROTO_DSTOPTS && nexthdr != IPPROTO_FRAGMENT)
			break;
		if ((void *)(h + 1) > data_end)
			return verdict(0);
		nexthdr = h->nexthdr;
		if (nexthdr == IPPROTO_FRAGMENT)
			cursor += 8;
		else
			cursor += (h->hdrlen + 1) * 8;
	}

	if (nexthdr == IPPROTO_TCP) {
		struct tcphdr *tcp = cursor;

		if ((void *)(tcp + 1) > data_end)
			return verdict(0);
		dport = bpf_ntohs(tcp->dest);
	} else if (nexthdr == IPPROTO_UDP) {
		struct udphdr *udp = cursor;

		if ((void *)(udp + 1) > data_end)
			return verdict(0);
		dport = bpf_ntohs(udp->dest);
	} else {
		return verdict(0);
	}

	__builtin_memcpy(key.addr, &ip6->saddr, sizeof(key.addr));
	rule = bpf_map_lookup_elem(&policy6, &key);
	if (!rule || !rule->action)
		return verdict(0);
	if (dport >= 256 || !(rule->ports[dport / 64] & (1ULL << (dport % 64))))
		return verdict(0);
	skb->mark = rule->id;
	return verdict(1);
}
