// A sampling CPU profiler in the style of continuous-profiling agents:
// a perf_event program (run on each sample) takes the kernel and user
// stack ids with bpf_get_stackid and counts samples per (pid, stacks,
// comm) in a hash map; a sample period read from the context feeds a
// per-CPU total.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define MAX_STACK_DEPTH 127

struct stack_key {
	__u32 pid;
	__s32 kern_stack;
	__s32 user_stack;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 4096);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MAX_STACK_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct stack_key);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} period_total SEC(".maps");

SEC("perf_event")
int profile_sample(struct bpf_perf_event_data *ctx)
{
	struct stack_key key = {};
	__u64 one = 1, *n;
	__u32 zero = 0;

	key.pid = bpf_get_current_pid_tgid() >> 32;
	if (key.pid == 0)
		return 0; /* idle */
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.kern_stack = bpf_get_stackid(ctx, &stacks, 0);
	key.user_stack = bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK);

	n = bpf_map_lookup_elem(&counts, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);

	n = bpf_map_lookup_elem(&period_total, &zero);
	if (n)
		*n += ctx->sample_period;
	return 0;
}
