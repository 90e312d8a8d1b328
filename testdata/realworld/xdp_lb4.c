// An XDP layer-4 load balancer in the style of a Kubernetes datapath:
// parse Ethernet / IPv4 / TCP or UDP with explicit bounds checks, look
// the (VIP, port, protocol) up in a service map, pick a backend slot by
// flow hash, rewrite the destination (DNAT) with incremental checksum
// updates, swap the MAC addresses and bounce the frame (XDP_TX).
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

#define LB_MAX_BACKENDS 256

struct lb4_key {
	__be32 vip;
	__be16 dport;
	__u8 proto;
	__u8 pad;
};

struct lb4_service {
	__u32 backend_base; /* first slot in lb4_backends */
	__u16 count;        /* number of slots */
	__u16 flags;
};

struct lb4_backend {
	__be32 addr;
	__be16 port;
	__u8 mac[6];
};

enum { STAT_RX, STAT_NO_SVC, STAT_FWD, STAT_DROP, STAT_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct lb4_key);
	__type(value, struct lb4_service);
} lb4_services SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LB_MAX_BACKENDS);
	__type(key, __u32);
	__type(value, struct lb4_backend);
} lb4_backends SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} lb4_stats SEC(".maps");

static __always_inline void count(__u32 what)
{
	__u64 *v = bpf_map_lookup_elem(&lb4_stats, &what);

	if (v)
		*v += 1;
}

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* RFC 1624 incremental update of a 16-bit one's complement checksum. */
static __always_inline void csum_replace4(__u16 *sum, __be32 from, __be32 to)
{
	__u32 s = (__u16)~*sum;

	s += (__u16)~(from & 0xffff);
	s += (__u16)~(from >> 16);
	s += to & 0xffff;
	s += to >> 16;
	*sum = csum_fold(s);
}

static __always_inline void csum_replace2(__u16 *sum, __be16 from, __be16 to)
{
	__u32 s = (__u16)~*sum;

	s += (__u16)~from;
	s += to;
	*sum = csum_fold(s);
}

static __always_inline __u32 flow_hash(__be32 saddr, __be16 sport)
{
	__u32 h = saddr ^ ((__u32)sport << 16);

	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	return h;
}

SEC("xdp")
int xdp_lb4(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct lb4_key key = {};
	struct lb4_service *svc;
	struct lb4_backend *be;
	__be16 *dport_p, *l4csum;
	__u32 slot;
	__be16 sport;

	count(STAT_RX);
	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_DROP;
	if (ip->ihl != 5 || (ip->frag_off & bpf_htons(0x3fff)))
		return XDP_PASS; /* options or fragments: leave to the stack */

	if (ip->protocol == IPPROTO_TCP) {
		struct tcphdr *tcp = (void *)(ip + 1);

		if ((void *)(tcp + 1) > data_end)
			return XDP_DROP;
		sport = tcp->source;
		dport_p = &tcp->dest;
		l4csum = &tcp->check;
	} else if (ip->protocol == IPPROTO_UDP) {
		struct udphdr *udp = (void *)(ip + 1);

		if ((void *)(udp + 1) > data_end)
			return XDP_DROP;
		sport = udp->source;
		dport_p = &udp->dest;
		l4csum = &udp->check;
	} else {
		return XDP_PASS;
	}

	key.vip = ip->daddr;
	key.dport = *dport_p;
	key.proto = ip->protocol;
	svc = bpf_map_lookup_elem(&lb4_services, &key);
	if (!svc) {
		count(STAT_NO_SVC);
		return XDP_PASS;
	}
	if (svc->count == 0) {
		count(STAT_DROP);
		return XDP_DROP;
	}
	slot = svc->backend_base + flow_hash(ip->saddr, sport) % svc->count;
	be = bpf_map_lookup_elem(&lb4_backends, &slot);
	if (!be) {
		count(STAT_DROP);
		return XDP_DROP;
	}

	/* DNAT: the L4 checksum covers the pseudo header, so it changes
	 * with the address as well as with the port. */
	csum_replace4(&ip->check, ip->daddr, be->addr);
	if (*l4csum || ip->protocol == IPPROTO_TCP) {
		csum_replace4(l4csum, ip->daddr, be->addr);
		csum_replace2(l4csum, *dport_p, be->port);
	}
	ip->daddr = be->addr;
	*dport_p = be->port;

	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, be->mac, ETH_ALEN);
	count(STAT_FWD);
	return XDP_TX;
}
