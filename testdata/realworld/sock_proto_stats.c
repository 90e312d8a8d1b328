// Socket filters in the style of the kernel's socket examples: the
// first reads the IPv4 protocol with a legacy absolute load (LD_ABS)
// and adds the packet's length to a per-protocol counter; the second
// dissects the flow (IPv4 with options, TCP/UDP ports) with
// bpf_skb_load_bytes and keeps packet and byte counts per destination
// address in a hash map. Both return 0: the socket only counts.
// variants: v3
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, long);
} proto_bytes SEC(".maps");

SEC("socket")
int sock_count_bytes(struct __sk_buff *skb)
{
	__u32 index;
	long *value;

	if (load_half(skb, offsetof(struct ethhdr, h_proto)) != ETH_P_IP)
		return 0;
	index = load_byte(skb, ETH_HLEN + offsetof(struct iphdr, protocol));
	if (skb->pkt_type != PACKET_OUTGOING && skb->pkt_type != PACKET_HOST)
		return 0;
	value = bpf_map_lookup_elem(&proto_bytes, &index);
	if (value)
		__sync_fetch_and_add(value, skb->len);
	return 0;
}

struct flow_stats {
	long packets;
	long bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __be32);
	__type(value, struct flow_stats);
} dst_stats SEC(".maps");

struct flow_keys {
	__be32 src, dst;
	__be16 sport, dport;
	__u8 ip_proto;
};

static __always_inline int dissect(struct __sk_buff *skb, struct flow_keys *flow)
{
	struct iphdr ip;
	__u32 l4;

	if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)) < 0)
		return 0;
	if (ip.version != 4 || (ip.frag_off & __builtin_bswap16(0x3fff)))
		return 0;
	flow->src = ip.saddr;
	flow->dst = ip.daddr;
	flow->ip_proto = ip.protocol;
	l4 = ETH_HLEN + ip.ihl * 4;
	if (ip.protocol == IPPROTO_TCP || ip.protocol == IPPROTO_UDP) {
		__be16 ports[2];

		if (bpf_skb_load_bytes(skb, l4, ports, sizeof(ports)) < 0)
			return 0;
		flow->sport = ports[0];
		flow->dport = ports[1];
	}
	return 1;
}

SEC("socket")
int sock_flow_stats(struct __sk_buff *skb)
{
	struct flow_keys flow = {};
	struct flow_stats *st, init = {};

	if (skb->protocol != __builtin_bswap16(ETH_P_IP))
		return 0;
	if (!dissect(skb, &flow))
		return 0;
	st = bpf_map_lookup_elem(&dst_stats, &flow.dst);
	if (!st) {
		bpf_map_update_elem(&dst_stats, &flow.dst, &init, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&dst_stats, &flow.dst);
		if (!st)
			return 0;
	}
	__sync_fetch_and_add(&st->packets, 1);
	__sync_fetch_and_add(&st->bytes, skb->len);
	return 0;
}
