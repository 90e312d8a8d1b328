// build: -mcpu=v3
// A lock-free per-class rate limiter in the style of egress bandwidth
// managers: each class keeps a token count and a timestamp in an array
// value; tokens are taken with a compare-and-swap retry loop (bounded
// to 4 attempts) instead of a spin lock, refills use atomic exchange.
// Built with -mcpu=v3 for the atomic instructions with fetch.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct bucket {
	__u64 tokens;
	__u64 last_refill;
	__u64 rate; /* tokens per millisecond */
	__u64 burst;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct bucket);
} buckets SEC(".maps");

SEC("tc")
int tc_police(struct __sk_buff *skb)
{
	__u32 cls = skb->priority & 15;
	struct bucket *b = bpf_map_lookup_elem(&buckets, &cls);
	__u64 now, last, cur;
	int i;

	if (!b || b->rate == 0)
		return TC_ACT_OK;
	now = bpf_ktime_get_ns() / 1000000;
	last = __sync_lock_test_and_set(&b->last_refill, now);
	if (now > last) {
		__u64 add = (now - last) * b->rate;

		__sync_fetch_and_add(&b->tokens, add);
		if (b->tokens > b->burst)
			__sync_lock_test_and_set(&b->tokens, b->burst);
	}
	for (i = 0; i < 4; i++) {
		cur = b->tokens;
		if (cur < skb->len)
			return TC_ACT_SHOT;
		if (__sync_val_compare_and_swap(&b->tokens, cur, cur - skb->len) == cur)
			return TC_ACT_OK;
	}
	return TC_ACT_SHOT; /* contended: drop rather than spin */
}
