// A socket filter that counts packets per (protocol, port) with a key
// struct whose padding is never written. Root may pass partly
// uninitialised stack to a helper; an unprivileged user may not, so the
// unprivileged load is refused ("invalid indirect read from stack") --
// a classic portability bug of filters meant for unprivileged use.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");

struct port_key {
	__u8 proto;      /* 3 bytes of padding follow */
	__u32 port;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct port_key);
	__type(value, __u64);
} port_counts SEC(".maps");

SEC("socket")
int sock_port_counter(struct __sk_buff *skb)
{
	struct port_key key;
	__u64 one = 1, *n;
	__u32 ihl;

	if (load_half(skb, 12) != ETH_P_IP)
		return 0;
	key.proto = load_byte(skb, ETH_HLEN + 9);
	ihl = (load_byte(skb, ETH_HLEN) & 0xf) * 4;
	key.port = load_half(skb, ETH_HLEN + ihl + 2);
	n = bpf_map_lookup_elem(&port_counts, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&port_counts, &key, &one, BPF_ANY);
	return 0;
}
