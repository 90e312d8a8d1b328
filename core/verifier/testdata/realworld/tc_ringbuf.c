/* TC: sample TCP SYN packets to a ring buffer (reserve/submit), a
 * typical observability pattern. */
#include "common.h"

struct sample {
	__u32 saddr, daddr;
	__u16 sport, dport;
	__u32 len;
};

MAP(rb, BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0);

SEC("tc")
int syn_sample(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp;
	struct sample *s;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != IPPROTO_TCP)
		return TC_ACT_OK;
	tcp = (void *)(ip + 1);
	if ((void *)(tcp + 1) > end || !tcp->syn || tcp->ack)
		return TC_ACT_OK;
	s = bpf_ringbuf_reserve(&rb, sizeof(*s), 0);
	if (!s)
		return TC_ACT_OK;
	s->saddr = ip->saddr;
	s->daddr = ip->daddr;
	s->sport = tcp->source;
	s->dport = tcp->dest;
	s->len = skb->len;
	bpf_ringbuf_submit(s, 0);
	return TC_ACT_OK;
}
