// A per-cgroup egress firewall in the style of container security
// agents: a cgroup_skb program (the packet starts at the IP header)
// reads the headers with direct packet access, denies connections to a
// blocked port set and raw sockets, and counts allowed bytes per socket
// owner uid; the socket comes from skb->sk through bpf_sk_fullsock.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, __u16);
	__type(value, __u8);
} blocked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} bytes_by_uid SEC(".maps");

SEC("cgroup_skb/egress")
int cgroup_egress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data;
	struct bpf_sock *sk;
	__u32 uid, proto = 0;
	__u64 len = skb->len, *total;

	if ((void *)(ip + 1) > data_end)
		return 1;
	if (ip->version != 4)
		return 1;
	if (ip->protocol == IPPROTO_TCP && ip->ihl == 5) {
		struct tcphdr *tcp = (void *)(ip + 1);
		__u16 dport;

		if ((void *)(tcp + 1) > data_end)
			return 1;
		dport = bpf_ntohs(tcp->dest);
		if (bpf_map_lookup_elem(&blocked, &dport))
			return 0;
	}
	sk = skb->sk;
	if (sk) {
		sk = bpf_sk_fullsock(sk);
		if (sk)
			proto = sk->protocol;
	}
	uid = bpf_get_socket_uid(skb);
	total = bpf_map_lookup_elem(&bytes_by_uid, &uid);
	if (total)
		__sync_fetch_and_add(total, len);
	else
		bpf_map_update_elem(&bytes_by_uid, &uid, &len, BPF_NOEXIST);
	return proto == IPPROTO_RAW ? 0 : 1; /* no raw sockets */
}
