// Socket steering in the style of edge proxies: an sk_lookup program
// sends connections for a range of ports to one listening socket kept
// in a sockmap (so one socket can serve many ports), and an sk_skb
// stream verdict program forwards each message to the peer socket of a
// sockmap-based local proxy, after a look at the first bytes.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} listeners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} proxy_peers SEC(".maps");

const volatile __u16 port_lo = 7000, port_hi = 7999;

SEC("sk_lookup")
int steer_ports(struct bpf_sk_lookup *ctx)
{
	struct bpf_sock *sk;
	__u32 key = ctx->protocol == IPPROTO_TCP ? 0 : 1;
	long err;

	if (ctx->local_port < port_lo || ctx->local_port > port_hi)
		return SK_PASS;
	sk = bpf_map_lookup_elem(&listeners, &key);
	if (!sk)
		return SK_PASS;
	err = bpf_sk_assign(ctx, sk, 0);
	bpf_sk_release(sk);
	return err ? SK_DROP : SK_PASS;
}

SEC("sk_skb/stream_verdict")
int proxy_verdict(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u32 peer = skb->local_port == 8080 ? 1 : 0;

	if (data + 4 <= data_end && *(__u32 *)data == 0x20544547 /* "GET " */)
		skb->mark = 1;
	return bpf_sk_redirect_map(skb, &proxy_peers, peer, 0);
}
