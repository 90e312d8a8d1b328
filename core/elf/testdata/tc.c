// A tc (sched_cls) program: reads and rewrites packet bytes through
// helpers, sets skb->mark from a .rodata table, calls two subprograms.
// Built by build.sh.
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

static const __u32 marks[4] = { 0x10, 0x20, 0x30, 0x40 };

static __noinline int classify(__u8 first)
{
	return first & 3;
}

static __noinline __u32 checksum(struct __sk_buff *skb)
{
	__u32 sum = 0;
	__u8 buf[4] = {};

	if (bpf_skb_load_bytes(skb, 0, buf, sizeof(buf)) < 0)
		return 0;
#pragma unroll
	for (int i = 0; i < 4; i++)
		sum = sum * 31 + buf[i];
	return sum;
}

SEC("tc")
int tc_mark(struct __sk_buff *skb)
{
	__u8 first = 0;
	int class;

	if (bpf_skb_load_bytes(skb, 0, &first, 1) < 0)
		return TC_ACT_SHOT;
	class = classify(first);
	skb->mark = marks[class] + (checksum(skb) & 0xf);
	return TC_ACT_OK;
}
