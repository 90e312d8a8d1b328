// A per-source token bucket in the style of edge rate limiters: the
// bucket lives in a hash-map value guarded by a bpf_spin_lock, refilled
// from bpf_ktime_get_ns on each packet. Loaded without BTF for its maps
// (as the oracle and old loaders do), Linux refuses the spin lock; with
// BTF it would be accepted. Kept for the error message.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct bucket {
	struct bpf_spin_lock lock;
	__u32 tokens;
	__u64 last_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __be32);
	__type(value, struct bucket);
} buckets SEC(".maps");

#define RATE_PER_MS 10
#define BURST 100

SEC("tc")
int tc_rate_limit(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct bucket *b;
	__u64 now, ms;
	int pass;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	b = bpf_map_lookup_elem(&buckets, &ip->saddr);
	if (!b)
		return TC_ACT_OK;
	now = bpf_ktime_get_ns();
	bpf_spin_lock(&b->lock);
	ms = (now - b->last_ns) / 1000000;
	if (ms) {
		__u64 t = b->tokens + ms * RATE_PER_MS;

		b->tokens = t > BURST ? BURST : t;
		b->last_ns = now;
	}
	pass = b->tokens > 0;
	if (pass)
		b->tokens--;
	bpf_spin_unlock(&b->lock);
	return pass ? TC_ACT_OK : TC_ACT_SHOT;
}
