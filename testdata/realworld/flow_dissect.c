// A flow dissector in the style of the kernel's BPF flow dissector
// replacement for tunnels: starting at keys->nhoff, parse IPv4 or IPv6
// (with the IPv4 header length checked) with bpf_skb_load_bytes into
// the stack, then the TCP/UDP ports, and fill struct bpf_flow_keys
// (addresses, protocol, ports, thoff). Unknown protocols stop early.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#ifndef BPF_OK
#define BPF_OK 0
#define BPF_DROP 2
#endif

static __always_inline int parse_ports(struct __sk_buff *skb, struct bpf_flow_keys *keys, __u8 proto)
{
	__be16 ports[2];

	keys->ip_proto = proto;
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return BPF_OK;
	if (bpf_skb_load_bytes(skb, keys->thoff, ports, sizeof(ports)))
		return BPF_DROP;
	keys->sport = ports[0];
	keys->dport = ports[1];
	return BPF_OK;
}

SEC("flow_dissector")
int dissect(struct __sk_buff *skb)
{
	struct bpf_flow_keys *keys = skb->flow_keys;

	if (keys->n_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr ip;

		if (bpf_skb_load_bytes(skb, keys->nhoff, &ip, sizeof(ip)))
			return BPF_DROP;
		if (ip.ihl < 5)
			return BPF_DROP;
		keys->addr_proto = ETH_P_IP;
		keys->ipv4_src = ip.saddr;
		keys->ipv4_dst = ip.daddr;
		keys->thoff = keys->nhoff + ip.ihl * 4;
		if (ip.frag_off & bpf_htons(0x1fff | 0x2000)) {
			keys->is_frag = 1;
			return BPF_OK;
		}
		return parse_ports(skb, keys, ip.protocol);
	}
	if (keys->n_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6;

		if (bpf_skb_load_bytes(skb, keys->nhoff, &ip6, sizeof(ip6)))
			return BPF_DROP;
		keys->addr_proto = ETH_P_IPV6;
		__builtin_memcpy(keys->ipv6_src, &ip6.saddr, 16);
		__builtin_memcpy(keys->ipv6_dst, &ip6.daddr, 16);
		keys->thoff = keys->nhoff + sizeof(ip6);
		return parse_ports(skb, keys, ip6.nexthdr);
	}
	return BPF_DROP;
}
