// An XDP connection tracker in the style of a firewall datapath: the
// parsing and the state machine live in separate bpf-to-bpf functions
// (static __noinline) that take pointers into the caller's stack; flows
// live in an LRU hash keyed by the 5-tuple, and new flows start only on
// a TCP SYN (or any UDP packet).
// variants: v3
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct tuple {
	__be32 saddr, daddr;
	__be16 sport, dport;
	__u8 proto;
	__u8 pad[3];
};

enum ct_state { CT_NEW = 1, CT_ESTABLISHED, CT_CLOSING };

struct ct_value {
	__u32 state;
	__u32 packets;
	__u8 seen_flags;
	__u8 pad[7];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct tuple);
	__type(value, struct ct_value);
} ct_table SEC(".maps");

#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04
#define TCP_FLAG_ACK 0x10

/* Returns the TCP flags (0 for UDP), or a negative value when the
 * packet is not IPv4 TCP/UDP or is truncated. */
static __noinline int parse_tuple(struct xdp_md *ctx, struct tuple *t)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	void *l4;

	if ((void *)(ip + 1) > data_end)
		return -1;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return -1;
	l4 = (void *)ip + ip->ihl * 4;
	t->saddr = ip->saddr;
	t->daddr = ip->daddr;
	t->proto = ip->protocol;
	if (ip->protocol == IPPROTO_TCP) {
		struct tcphdr *tcp = l4;

		if ((void *)(tcp + 1) > data_end)
			return -1;
		t->sport = tcp->source;
		t->dport = tcp->dest;
		return ((__u8 *)tcp)[13];
	}
	if (ip->protocol == IPPROTO_UDP) {
		struct udphdr *udp = l4;

		if ((void *)(udp + 1) > data_end)
			return -1;
		t->sport = udp->source;
		t->dport = udp->dest;
		return 0;
	}
	return -1;
}

static __noinline int ct_update(struct tuple *t, int flags)
{
	struct ct_value *v, nv = {};

	v = bpf_map_lookup_elem(&ct_table, t);
	if (!v) {
		if (t->proto == IPPROTO_TCP && (flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) != TCP_FLAG_SYN)
			return -1;
		nv.state = CT_NEW;
		nv.packets = 1;
		nv.seen_flags = flags;
		return bpf_map_update_elem(&ct_table, t, &nv, BPF_ANY) ? -1 : CT_NEW;
	}
	v->packets++;
	v->seen_flags |= flags;
	if (flags & (TCP_FLAG_FIN | TCP_FLAG_RST))
		v->state = CT_CLOSING;
	else if (v->state == CT_NEW && (flags & TCP_FLAG_ACK))
		v->state = CT_ESTABLISHED;
	return v->state;
}

SEC("xdp")
int xdp_conntrack(struct xdp_md *ctx)
{
	struct tuple t = {};
	int flags, state;

	flags = parse_tuple(ctx, &t);
	if (flags < 0)
		return XDP_PASS;
	state = ct_update(&t, flags);
	if (state < 0)
		return XDP_DROP;
	return XDP_PASS;
}
