// A socket filter that samples flows the way virtual switches and
// flow exporters do: hash the 5-tuple with a Jenkins-style mix in a
// real (not unrolled) bounded loop, keep 1 flow in `sample_rate`
// (.rodata knob), and pass whole packets of sampled flows to the socket
// (return skb->len) while recording the hash in a hash map.
// variants: v3
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 sample_rate = 4;
const volatile __u32 hash_seed = 0x9e3779b9;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 512);
	__type(key, __u32);
	__type(value, __u64);
} sampled SEC(".maps");

#define rol32(x, k) (((x) << (k)) | ((x) >> (32 - (k))))

static __always_inline __u32 mix_words(const __u32 *w, int n, __u32 seed)
{
	__u32 a = seed, b = seed, c = seed;
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < n; i++) {
		a += w[i];
		a -= c; a ^= rol32(c, 4);  c += b;
		b -= a; b ^= rol32(a, 6);  a += c;
		c -= b; c ^= rol32(b, 8);  b += a;
	}
	c ^= b; c -= rol32(b, 14);
	a ^= c; a -= rol32(c, 11);
	b ^= a; b -= rol32(a, 25);
	return c;
}

SEC("socket")
int sock_flow_sample(struct __sk_buff *skb)
{
	__u32 words[4] = {};
	__u8 vihl, proto;
	__u32 h;
	__u64 one = 1, *n;

	if (skb->protocol != __builtin_bswap16(ETH_P_IP))
		return 0;
	if (bpf_skb_load_bytes(skb, ETH_HLEN, &vihl, 1) < 0)
		return 0;
	if (bpf_skb_load_bytes(skb, ETH_HLEN + 9, &proto, 1) < 0)
		return 0;
	/* saddr and daddr */
	if (bpf_skb_load_bytes(skb, ETH_HLEN + 12, words, 8) < 0)
		return 0;
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
		if (bpf_skb_load_bytes(skb, ETH_HLEN + (vihl & 0xf) * 4, &words[2], 4) < 0)
			return 0;
	}
	words[3] = proto;
	h = mix_words(words, 4, hash_seed);
	if (sample_rate == 0 || h % sample_rate != 0)
		return 0;
	n = bpf_map_lookup_elem(&sampled, &h);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&sampled, &h, &one, BPF_NOEXIST);
	return skb->len;
}
