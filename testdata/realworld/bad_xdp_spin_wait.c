// REJECTED by Linux: a program that waits for user space to set a
// "ready" flag in a map value before it forwards anything. Nothing in
// the loop changes the verifier's state, so it is an infinite loop.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct config {
	__u32 ready;
	__u32 action;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct config);
} cfg SEC(".maps");

SEC("xdp")
int xdp_wait_ready(struct xdp_md *ctx)
{
	__u32 zero = 0;
	struct config *c = bpf_map_lookup_elem(&cfg, &zero);

	if (!c)
		return XDP_PASS;
	while (!*(volatile __u32 *)&c->ready)
		;
	return c->action;
}
