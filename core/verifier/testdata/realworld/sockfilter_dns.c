/* socket filter: keep only UDP DNS queries (port 53), reading the packet
 * with bpf_skb_load_bytes as tcpdump-like filters do. */
#include "common.h"

SEC("socket")
int dns_only(struct __sk_buff *skb)
{
	struct iphdr ip;
	struct udphdr udp;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)) < 0)
		return 0;
	if (ip.protocol != IPPROTO_UDP || ip.ihl < 5)
		return 0;
	if (bpf_skb_load_bytes(skb, ETH_HLEN + ip.ihl * 4, &udp, sizeof(udp)) < 0)
		return 0;
	if (udp.dest != bpf_htons(53))
		return 0;
	return skb->len;
}
