// A tc QoS classifier driven by global variables, the way libbpf
// programs take their configuration: a .rodata table of DSCP -> class
// (const volatile, set before load), a mutable .data default, and .bss
// counters shared with user space. It sets skb->priority and
// skb->tc_classid, and rewrites the DSCP field of IPv4 packets of
// demoted classes with bpf_skb_store_bytes + bpf_l3_csum_replace.
// variants: v3
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define NCLASSES 4

const volatile __u8 dscp_class[64] = {
	[46] = 3, /* EF */
	[34] = 2, [36] = 2, [38] = 2, /* AF4x */
	[10] = 1, [12] = 1, [14] = 1, /* AF1x */
};
const volatile __u32 class_major = 0x10000;

__u32 default_class = 1; /* .data: AF1 unless told otherwise */
__u32 demote_above = 2;  /* .data: classes above this get demoted */

__u64 class_packets[NCLASSES]; /* .bss */
__u64 demoted;

SEC("tc")
int tc_qos(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u8 tos, dscp;
	__u32 cls;

	cls = default_class;
	if ((void *)(ip + 1) <= data_end && eth->h_proto == bpf_htons(ETH_P_IP)) {
		tos = ip->tos;
		dscp = tos >> 2;
		cls = dscp_class[dscp];
		if (cls > demote_above) {
			__u8 new_tos = (tos & 3) | (0 << 2);
			__u16 old = bpf_htons((__u16)tos), new = bpf_htons((__u16)new_tos);

			bpf_l3_csum_replace(skb, ETH_HLEN + offsetof(struct iphdr, check), old, new, 2);
			bpf_skb_store_bytes(skb, ETH_HLEN + offsetof(struct iphdr, tos), &new_tos, 1, 0);
			__sync_fetch_and_add(&demoted, 1);
			cls = demote_above;
		}
	}
	cls &= NCLASSES - 1; /* a mask, not a clamp: clang may check a copy of cls */
	__sync_fetch_and_add(&class_packets[cls], 1);
	skb->priority = cls;
	skb->tc_classid = class_major | (cls + 1);
	return TC_ACT_OK;
}
