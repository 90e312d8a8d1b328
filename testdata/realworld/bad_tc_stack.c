// REJECTED by Linux: each function fits in 512 bytes of stack but the
// call chain does not (the verifier adds up the frames of a call chain).
// A header rewriter that keeps a copy of the headers in the caller and
// a scratch buffer in the callee.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

static __noinline int rewrite(struct __sk_buff *skb, __u8 *hdr)
{
	__u8 scratch[256];

	if (bpf_skb_load_bytes(skb, 0, scratch, sizeof(scratch)) < 0)
		return -1;
	for (int i = 0; i < 64; i++)
		scratch[i] ^= hdr[i];
	return bpf_skb_store_bytes(skb, 0, scratch, 64, 0);
}

SEC("tc")
int tc_rewrite_headers(struct __sk_buff *skb)
{
	__u8 hdr[320];

	if (bpf_skb_load_bytes(skb, 0, hdr, sizeof(hdr)) < 0)
		return TC_ACT_OK;
	if (rewrite(skb, hdr) < 0)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}
