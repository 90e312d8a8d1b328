// A tc program that samples drops to user space the way network
// observability agents do: packets from blocked sources are dropped and
// a small event (source, protocol, length, reason) is pushed into a
// bounded queue map (BPF_EXIST overwrites the oldest when full); VLAN
// metadata and the ingress interface come from __sk_buff.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct drop_event {
	__be32 saddr;
	__u32 len;
	__u32 ifindex;
	__u16 vlan;
	__u8 proto;
	__u8 reason;
};

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 128);
	__uint(key_size, 0);
	__uint(value_size, sizeof(struct drop_event));
} drop_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __be32);
	__type(value, __u8); /* reason */
} blocklist SEC(".maps");

SEC("tc")
int tc_drop_sampler(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct drop_event ev = {};
	__u8 *reason;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	reason = bpf_map_lookup_elem(&blocklist, &ip->saddr);
	if (!reason)
		return TC_ACT_OK;
	ev.saddr = ip->saddr;
	ev.proto = ip->protocol;
	ev.len = skb->len;
	ev.ifindex = skb->ingress_ifindex;
	ev.vlan = skb->vlan_present ? skb->vlan_tci & 0xfff : 0;
	ev.reason = *reason;
	bpf_map_push_elem(&drop_events, &ev, BPF_EXIST);
	return TC_ACT_SHOT;
}
