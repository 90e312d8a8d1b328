// REJECTED by Linux: an option parser that adds a length read from the
// packet to a packet pointer without bounding it first; the verifier
// cannot tell the sum stays within the packet's 64 KiB range.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tc")
int tc_skip_options(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	__u8 *opt = (void *)(eth + 1);
	__u32 skip;

	if ((void *)(opt + 4) > data_end || eth->h_proto != bpf_htons(0x88b5))
		return TC_ACT_OK;
	skip = *(__u32 *)opt; /* a 32-bit length from the wire */
	opt += skip;
	if ((void *)(opt + 1) > data_end)
		return TC_ACT_SHOT;
	return *opt ? TC_ACT_OK : TC_ACT_SHOT;
}
