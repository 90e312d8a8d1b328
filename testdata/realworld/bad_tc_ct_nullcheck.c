// REJECTED by Linux: a connection-tracking lookup whose result is used
// without the NULL check (the map may not hold the flow).
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct ct_key {
	__be32 saddr, daddr;
};

struct ct_val {
	__u64 packets;
	__u32 mark;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct ct_key);
	__type(value, struct ct_val);
} ct SEC(".maps");

SEC("tc")
int tc_ct_mark(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct ct_key key = {};
	struct ct_val *v;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	key.saddr = ip->saddr;
	key.daddr = ip->daddr;
	v = bpf_map_lookup_elem(&ct, &key);
	/* Missing: if (!v) return TC_ACT_OK; */
	v->packets++;
	skb->mark = v->mark;
	return TC_ACT_OK;
}
