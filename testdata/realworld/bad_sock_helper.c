// REJECTED by Linux: a socket filter that tries to tag packets with the
// current process id; socket filters cannot call the task helpers
// (they run in softirq context on behalf of no particular task).
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} bytes_by_pid SEC(".maps");

SEC("socket")
int sock_bytes_by_pid(struct __sk_buff *skb)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u64 len = skb->len, *n;

	n = bpf_map_lookup_elem(&bytes_by_pid, &pid);
	if (n)
		__sync_fetch_and_add(n, len);
	else
		bpf_map_update_elem(&bytes_by_pid, &pid, &len, BPF_ANY);
	return skb->len;
}
