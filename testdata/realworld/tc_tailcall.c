// A tc entry program that dispatches per protocol through a prog_array
// (bpf_tail_call), the way large datapaths split their logic into
// stages; when a slot is empty the tail call falls through and the
// program counts the miss and lets the packet pass. Two stage programs
// share a per-CPU scratch map with the entry program.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

enum { STAGE_IPV4, STAGE_IPV6, STAGE_ARP, STAGE_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, STAGE_MAX);
	__type(key, __u32);
	__type(value, __u32);
} stages SEC(".maps");

struct scratch {
	__u32 l3_off;
	__u32 l4_off;
	__u8 l4_proto;
	__u8 pad[3];
	__u32 misses;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

static __always_inline struct scratch *get_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch_map, &zero);
}

SEC("tc")
int tc_entry(struct __sk_buff *skb)
{
	struct scratch *s = get_scratch();
	__u32 stage;

	if (!s)
		return TC_ACT_OK;
	s->l3_off = ETH_HLEN;
	switch (skb->protocol) {
	case bpf_htons(ETH_P_IP):
		stage = STAGE_IPV4;
		break;
	case bpf_htons(ETH_P_IPV6):
		stage = STAGE_IPV6;
		break;
	case bpf_htons(ETH_P_ARP):
		stage = STAGE_ARP;
		break;
	default:
		return TC_ACT_OK;
	}
	bpf_tail_call(skb, &stages, stage);
	/* Only reached when the slot is empty. */
	s->misses++;
	return TC_ACT_OK;
}

SEC("tc")
int tc_stage_ipv4(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct scratch *s = get_scratch();
	struct iphdr *ip;

	if (!s || s->l3_off != ETH_HLEN)
		return TC_ACT_SHOT;
	ip = data + ETH_HLEN;
	if ((void *)(ip + 1) > data_end)
		return TC_ACT_SHOT;
	s->l4_off = ETH_HLEN + ip->ihl * 4;
	s->l4_proto = ip->protocol;
	if (ip->ttl == 0)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

SEC("tc")
int tc_stage_ipv6(struct __sk_buff *skb)
{
	struct scratch *s = get_scratch();
	struct ipv6hdr ip6;

	if (!s)
		return TC_ACT_SHOT;
	if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip6, sizeof(ip6)) < 0)
		return TC_ACT_SHOT;
	s->l4_off = ETH_HLEN + sizeof(ip6);
	s->l4_proto = ip6.nexthdr;
	return ip6.hop_limit ? TC_ACT_OK : TC_ACT_SHOT;
}
