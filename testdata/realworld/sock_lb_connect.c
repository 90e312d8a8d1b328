// variants: v3
// Socket-level load balancing in the style of kube-proxy replacements:
// cgroup/connect4 rewrites a TCP or UDP connect() to a service address
// into a backend address before any packet exists, cgroup/sendmsg4 does
// the same for unconnected UDP, and cgroup/recvmsg4 maps replies back
// to the service address via a reverse-NAT table keyed by socket
// cookie. A cgroup/sock_create hook keeps raw sockets out of the pod.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2
#define SOCK_RAW 3

struct svc_key {
	__be32 addr;
	__be16 port;
	__u8 proto;
	__u8 pad;
};

struct backend {
	__be32 addr;
	__be16 port;
	__u16 pad;
};

struct rev_nat {
	__be32 addr;
	__be16 port;
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct svc_key);
	__type(value, struct backend);
} lb_services SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct rev_nat);
} lb_rev_nat SEC(".maps");

static __always_inline int translate(struct bpf_sock_addr *ctx, __u8 proto)
{
	struct svc_key key = {
		.addr = ctx->user_ip4,
		.port = (__be16)ctx->user_port,
		.proto = proto,
	};
	struct rev_nat rn = { .addr = key.addr, .port = key.port };
	struct backend *be;
	__u64 cookie;

	be = bpf_map_lookup_elem(&lb_services, &key);
	if (!be)
		return 1;
	cookie = bpf_get_socket_cookie(ctx);
	bpf_map_update_elem(&lb_rev_nat, &cookie, &rn, BPF_ANY);
	ctx->user_ip4 = be->addr;
	ctx->user_port = be->port;
	return 1;
}

SEC("cgroup/connect4")
int sock_connect4(struct bpf_sock_addr *ctx)
{
	if (ctx->family != AF_INET)
		return 1;
	if (ctx->protocol != IPPROTO_TCP && ctx->protocol != IPPROTO_UDP)
		return 1;
	return translate(ctx, ctx->protocol);
}

SEC("cgroup/sendmsg4")
int sock_sendmsg4(struct bpf_sock_addr *ctx)
{
	if (ctx->type != 2 /* SOCK_DGRAM */)
		return 1;
	return translate(ctx, IPPROTO_UDP);
}

SEC("cgroup/recvmsg4")
int sock_recvmsg4(struct bpf_sock_addr *ctx)
{
	__u64 cookie = bpf_get_socket_cookie(ctx);
	struct rev_nat *rn = bpf_map_lookup_elem(&lb_rev_nat, &cookie);

	if (rn) {
		ctx->user_ip4 = rn->addr;
		ctx->user_port = rn->port;
	}
	return 1;
}

SEC("cgroup/sock_create")
int sock_no_raw(struct bpf_sock *sk)
{
	if (sk->type == SOCK_RAW)
		return 0;
	sk->mark = 0x100; /* tag the pod's sockets */
	sk->priority = 2;
	return 1;
}
