// variants: v3
// A container egress datapath in the style of a CNI's per-endpoint
// program, large enough for the verifier's pruning to matter: IPv4 and
// IPv6 parsing (IPv6 extension headers in a real bounded loop), ICMP
// echo handled inline, an identity lookup, a policy check keyed by
// (identity, port, protocol) with a wildcard-port fallback, connection
// tracking with per-direction counters, service translation with an
// incremental checksum update, and a tail call to the next stage (the
// program goes on when the slot is empty). Each stage is a bpf-to-bpf
// function taking the packet context and a shared state on the stack.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define DROP_POLICY -131
#define DROP_INVALID -132
#define DROP_CT -133
#define MAX_EXT 6

struct ctx_state {
	__u32 l3_off;
	__u32 l4_off;
	__u32 identity;
	__u8 family;
	__u8 proto;
	__u8 tcp_flags;
	__u8 ct_new;
	__be16 sport, dport;
	__be32 saddr4, daddr4;
	__u32 saddr6[4], daddr6[4];
};

struct policy_key {
	__u32 identity;
	__u16 dport; /* host order, 0 = any */
	__u8 proto;
	__u8 egress;
};

struct policy_entry {
	__u8 deny;
	__u8 audit;
	__u16 proxy_port;
	__u64 packets;
};

struct ct_key {
	__u32 saddr[4], daddr[4];
	__be16 sport, dport;
	__u8 proto;
	__u8 family;
	__u16 pad;
};

struct ct_entry {
	__u64 tx_packets, tx_bytes;
	__u64 rx_packets, rx_bytes;
	__u32 lifetime;
	__u16 flags;
	__u16 rev_nat;
};

struct svc_key {
	__be32 addr;
	__be16 port;
	__u16 pad;
};

struct svc_entry {
	__be32 backend;
	__be16 backend_port;
	__u16 rev_nat;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct { __u32 prefixlen; __u32 addr; });
	__type(value, __u32);
} ipcache4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct policy_key);
	__type(value, struct policy_entry);
} policy SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct ct_key);
	__type(value, struct ct_entry);
} ct_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct svc_key);
	__type(value, struct svc_entry);
} services SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} next_stage SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static __noinline int count_drop(int reason)
{
	__u32 k = (__u32)(-reason) & 0xff;
	__u64 *n = bpf_map_lookup_elem(&drops, &k);

	if (n)
		*n += 1;
	return TC_ACT_SHOT;
}

static __noinline int parse_l4(struct __sk_buff *skb, struct ctx_state *st)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u32 off = st->l4_off;

	if (off > 512)
		return DROP_INVALID;
	if (st->proto == IPPROTO_TCP) {
		struct tcphdr *tcp = data + off;

		if ((void *)(tcp + 1) > data_end)
			return DROP_INVALID;
		st->sport = tcp->source;
		st->dport = tcp->dest;
		st->tcp_flags = ((__u8 *)tcp)[13];
	} else if (st->proto == IPPROTO_UDP) {
		struct udphdr *udp = data + off;

		if ((void *)(udp + 1) > data_end)
			return DROP_INVALID;
		st->sport = udp->source;
		st->dport = udp->dest;
	} else {
		st->sport = st->dport = 0;
	}
	return 0;
}

static __noinline int parse_ipv6(struct __sk_buff *skb, struct ctx_state *st)
{
	struct ipv6hdr ip6;
	__u32 off = ETH_HLEN + sizeof(ip6);
	__u8 nh;
	int i;

	if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip6, sizeof(ip6)) < 0)
		return DROP_INVALID;
	__builtin_memcpy(st->saddr6, &ip6.saddr, 16);
	__builtin_memcpy(st->daddr6, &ip6.daddr, 16);
	nh = ip6.nexthdr;
	for (i = 0; i < MAX_EXT; i++) {
		__u8 ext[2];

		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING && nh != IPPROTO_DSTOPTS)
			break;
		if (bpf_skb_load_bytes(skb, off, ext, sizeof(ext)) < 0)
			return DROP_INVALID;
		nh = ext[0];
		off += (ext[1] + 1) * 8;
	}
	if (i == MAX_EXT)
		return DROP_INVALID;
	st->proto = nh;
	st->l4_off = off;
	st->identity = 2; /* world */
	return 0;
}

static __noinline int parse_ipv4(struct __sk_buff *skb, struct ctx_state *st)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data + ETH_HLEN;
	struct { __u32 prefixlen; __u32 addr; } key;
	__u32 *id;

	if ((void *)(ip + 1) > data_end)
		return DROP_INVALID;
	if (ip->ihl < 5)
		return DROP_INVALID;
	st->saddr4 = ip->saddr;
	st->daddr4 = ip->daddr;
	st->proto = ip->protocol;
	st->l4_off = ETH_HLEN + ip->ihl * 4;
	key.prefixlen = 32;
	key.addr = ip->daddr;
	id = bpf_map_lookup_elem(&ipcache4, &key);
	st->identity = id ? *id : 2;
	return 0;
}

static __noinline int policy_check(struct ctx_state *st)
{
	struct policy_key key = {
		.identity = st->identity,
		.dport = bpf_ntohs(st->dport),
		.proto = st->proto,
		.egress = 1,
	};
	struct policy_entry *e;

	e = bpf_map_lookup_elem(&policy, &key);
	if (!e) {
		key.dport = 0;
		e = bpf_map_lookup_elem(&policy, &key);
	}
	if (!e || e->deny)
		return DROP_POLICY;
	__sync_fetch_and_add(&e->packets, 1);
	return e->proxy_port;
}

static __noinline int ct_lookup(struct __sk_buff *skb, struct ctx_state *st)
{
	struct ct_key key = {};
	struct ct_entry *e, fresh = {};

	if (st->family == 4) {
		key.saddr[0] = st->saddr4;
		key.daddr[0] = st->daddr4;
	} else {
		__builtin_memcpy(key.saddr, st->saddr6, 16);
		__builtin_memcpy(key.daddr, st->daddr6, 16);
	}
	key.sport = st->sport;
	key.dport = st->dport;
	key.proto = st->proto;
	key.family = st->family;
	e = bpf_map_lookup_elem(&ct_map, &key);
	if (e) {
		__sync_fetch_and_add(&e->tx_packets, 1);
		__sync_fetch_and_add(&e->tx_bytes, skb->len);
		if (st->tcp_flags & 0x05) /* FIN or RST */
			e->lifetime = 10;
		return 0;
	}
	if (st->proto == IPPROTO_TCP && !(st->tcp_flags & 0x02))
		return DROP_CT;
	fresh.tx_packets = 1;
	fresh.tx_bytes = skb->len;
	fresh.lifetime = st->proto == IPPROTO_TCP ? 21600 : 60;
	st->ct_new = 1;
	if (bpf_map_update_elem(&ct_map, &key, &fresh, BPF_NOEXIST))
		return DROP_CT;
	return 0;
}

static __noinline int svc_translate(struct __sk_buff *skb, struct ctx_state *st)
{
	struct svc_key key = { .addr = st->daddr4, .port = st->dport };
	struct svc_entry *svc;
	__u32 csum_off;
	__be32 old_addr = st->daddr4;

	if (st->family != 4)
		return 0;
	svc = bpf_map_lookup_elem(&services, &key);
	if (!svc)
		return 0;
	csum_off = st->proto == IPPROTO_TCP ? offsetof(struct tcphdr, check) : offsetof(struct udphdr, check);
	if (bpf_l4_csum_replace(skb, st->l4_off + csum_off, old_addr, svc->backend, BPF_F_PSEUDO_HDR | 4) < 0)
		return DROP_INVALID;
	if (bpf_l3_csum_replace(skb, ETH_HLEN + offsetof(struct iphdr, check), old_addr, svc->backend, 4) < 0)
		return DROP_INVALID;
	if (bpf_skb_store_bytes(skb, ETH_HLEN + offsetof(struct iphdr, daddr), &svc->backend, 4, 0) < 0)
		return DROP_INVALID;
	st->daddr4 = svc->backend;
	return svc->rev_nat;
}

SEC("tc")
int tc_from_container(struct __sk_buff *skb)
{
	struct ctx_state st = {};
	int ret;

	switch (skb->protocol) {
	case bpf_htons(ETH_P_IP):
		st.family = 4;
		ret = parse_ipv4(skb, &st);
		break;
	case bpf_htons(ETH_P_IPV6):
		st.family = 6;
		ret = parse_ipv6(skb, &st);
		break;
	case bpf_htons(ETH_P_ARP):
		return TC_ACT_OK;
	default:
		return count_drop(DROP_INVALID);
	}
	if (ret < 0)
		return count_drop(ret);
	ret = parse_l4(skb, &st);
	if (ret < 0)
		return count_drop(ret);
	if (st.proto == IPPROTO_ICMP || st.proto == IPPROTO_ICMPV6)
		return TC_ACT_OK; /* echo and errors always pass */
	ret = policy_check(&st);
	if (ret < 0)
		return count_drop(ret);
	ret = ct_lookup(skb, &st);
	if (ret < 0)
		return count_drop(ret);
	ret = svc_translate(skb, &st);
	if (ret < 0)
		return count_drop(ret);
	skb->mark = st.identity << 16 | (ret & 0xffff);
	bpf_tail_call(skb, &next_stage, 0);
	return TC_ACT_OK;
}
