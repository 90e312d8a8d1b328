/* TC classifier: per-flow byte and packet counters keyed by the IPv4
 * 5-tuple (Cilium/OVS-style conntrack-lite), marking flows over a byte
 * budget. */
#include "common.h"

struct flow_key {
	__u32 saddr, daddr;
	__u16 sport, dport;
	__u8 proto;
	__u8 pad[3];
};

struct flow_val {
	__u64 packets, bytes;
};

MAP(flows, BPF_MAP_TYPE_HASH, sizeof(struct flow_key), sizeof(struct flow_val), 1024, 0);

SEC("tc")
int tc_prog(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct flow_key key = {};
	struct flow_val *val, init = {};

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return TC_ACT_OK;
	key.saddr = ip->saddr;
	key.daddr = ip->daddr;
	key.proto = ip->protocol;
	if (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) {
		__u16 *ports = (void *)(ip + 1);
		if ((void *)(ports + 2) > end)
			return TC_ACT_OK;
		key.sport = ports[0];
		key.dport = ports[1];
	}
	val = bpf_map_lookup_elem(&flows, &key);
	if (!val) {
		bpf_map_update_elem(&flows, &key, &init, BPF_NOEXIST);
		val = bpf_map_lookup_elem(&flows, &key);
		if (!val)
			return TC_ACT_OK;
	}
	__sync_fetch_and_add(&val->packets, 1);
	__sync_fetch_and_add(&val->bytes, skb->len);
	if (val->bytes > (1 << 20))
		skb->mark = 0x42;
	return TC_ACT_OK;
}
