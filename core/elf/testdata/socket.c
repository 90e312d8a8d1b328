// A socket filter with BTF-defined maps, global data in .data, .rodata
// and .bss, a bpf-to-bpf call and a bounded loop. Built by build.sh.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

const volatile __u32 min_len = 14;	/* .rodata: set before load */
__u64 packets = 0;			/* .bss */
__u32 last_len = 1;			/* .data */

static __noinline __u32 sum_bytes(struct __sk_buff *skb)
{
	__u32 sum = 0;
	__u8 b;

	/* A real loop (not unrolled): the verifier walks it eight times. */
#pragma clang loop unroll(disable)
	for (int i = 0; i < 8; i++) {
		if (bpf_skb_load_bytes(skb, i, &b, 1) < 0)
			break;
		sum += b;
	}
	return sum;
}

SEC("socket")
int count_packets(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *val;

	packets++;
	last_len = skb->len;
	if (skb->len < min_len)
		return 0;
	val = bpf_map_lookup_elem(&counters, &key);
	if (val)
		__sync_fetch_and_add(val, sum_bytes(skb));
	return skb->len;
}
