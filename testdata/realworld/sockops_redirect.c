// Socket-level acceleration in the style of service meshes: a sockops
// program puts every established IPv4 TCP socket into a sockhash keyed
// by its 4-tuple, and an sk_msg program redirects each message to the
// peer socket (the key with the ends swapped), so local traffic skips
// the TCP/IP stack.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2

struct sock_key {
	__u32 sip, dip;
	__u32 sport, dport; /* host order */
};

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 65535);
	__type(key, struct sock_key);
	__type(value, __u32);
} sock_map SEC(".maps");

SEC("sockops")
int sockops_track(struct bpf_sock_ops *skops)
{
	struct sock_key key = {};

	if (skops->family != AF_INET)
		return 0;
	switch (skops->op) {
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
		key.sip = skops->local_ip4;
		key.dip = skops->remote_ip4;
		key.sport = skops->local_port;
		key.dport = bpf_ntohl(skops->remote_port);
		bpf_sock_hash_update(skops, &sock_map, &key, BPF_NOEXIST);
		break;
	}
	return 0;
}

SEC("sk_msg")
int msg_redirect(struct sk_msg_md *msg)
{
	struct sock_key peer = {};

	if (msg->family != AF_INET)
		return SK_PASS;
	peer.sip = msg->remote_ip4;
	peer.dip = msg->local_ip4;
	peer.sport = bpf_ntohl(msg->remote_port);
	peer.dport = msg->local_port;
	return bpf_msg_redirect_hash(msg, &sock_map, &peer, BPF_F_INGRESS);
}
