// An XDP responder in the style of the kernel's adjust_tail sample and
// tunnel endpoints: a UDP datagram bigger than the tunnel MTU gets an
// ICMP "fragmentation needed" back. The frame is grown at the head
// (bpf_xdp_adjust_head) for the new IP + ICMP headers and cut at the
// tail (bpf_xdp_adjust_tail) after the quoted 28 bytes; the checksums
// are computed with unrolled loops.
// variants: v3
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

const volatile __u16 tunnel_mtu = 100;

#define ICMP_DEST_UNREACH 3
#define ICMP_FRAG_NEEDED 4

struct icmphdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__be16 unused;
	__be16 mtu;
};

#define QUOTE_LEN (sizeof(struct iphdr) + 8)
#define HDRS (sizeof(struct iphdr) + sizeof(struct icmphdr))
#define REPLY_LEN (sizeof(struct ethhdr) + HDRS + QUOTE_LEN)

static __always_inline __u16 csum_words(__u16 *p, int words)
{
	__u32 sum = 0;

#pragma unroll
	for (int i = 0; i < words; i++)
		sum += p[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

SEC("xdp")
int xdp_icmp_toobig(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data, eth_copy;
	struct iphdr *ip = (void *)(eth + 1), *outer;
	struct icmphdr *icmp;
	__be32 saddr, daddr;
	int len;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return XDP_PASS;
	len = data_end - data;
	if (len - (int)sizeof(*eth) <= tunnel_mtu)
		return XDP_PASS;
	saddr = ip->saddr;
	daddr = ip->daddr;
	__builtin_memcpy(&eth_copy, eth, sizeof(eth_copy));

	if (bpf_xdp_adjust_head(ctx, -(int)HDRS))
		return XDP_DROP;
	if (bpf_xdp_adjust_tail(ctx, (int)REPLY_LEN - (len + (int)HDRS)))
		return XDP_DROP;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	outer = (void *)(eth + 1);
	icmp = (void *)(outer + 1);
	if ((void *)icmp + sizeof(*icmp) + QUOTE_LEN > data_end)
		return XDP_DROP;

	__builtin_memcpy(eth->h_dest, eth_copy.h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth_copy.h_dest, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IP);

	icmp->type = ICMP_DEST_UNREACH;
	icmp->code = ICMP_FRAG_NEEDED;
	icmp->checksum = 0;
	icmp->unused = 0;
	icmp->mtu = bpf_htons(tunnel_mtu);
	icmp->checksum = csum_words((__u16 *)icmp, (sizeof(*icmp) + QUOTE_LEN) / 2);

	outer->version = 4;
	outer->ihl = 5;
	outer->tos = 0;
	outer->tot_len = bpf_htons(HDRS + QUOTE_LEN);
	outer->id = 0;
	outer->frag_off = 0;
	outer->ttl = 64;
	outer->protocol = IPPROTO_ICMP;
	outer->check = 0;
	outer->saddr = daddr;
	outer->daddr = saddr;
	outer->check = csum_words((__u16 *)outer, sizeof(*outer) / 2);
	return XDP_TX;
}
