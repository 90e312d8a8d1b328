// A scheduler tracer in the style of CPU-profiling agents: on the
// sched_switch raw tracepoint, read the previous and the next task from
// the tracepoint's arguments, fetch their pids with CO-RE reads
// (bpf_probe_read_kernel at offsets relocated against the kernel's BTF),
// and count switches per next pid and per previous state.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct task_struct {
	int pid;
	int tgid;
	unsigned int __state;
	char comm[16];
} __attribute__((preserve_access_index));

struct switch_stats {
	__u64 switched_in;
	__u64 preempted;
	__u64 last_prev_pid;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct switch_stats);
} per_pid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} read_errors SEC(".maps");

SEC("raw_tp/sched_switch")
int sched_switch(struct bpf_raw_tracepoint_args *ctx)
{
	/* TP_PROTO(bool preempt, struct task_struct *prev, struct task_struct *next, ...) */
	__u64 preempt = ctx->args[0];
	struct task_struct *prev = (struct task_struct *)ctx->args[1];
	struct task_struct *next = (struct task_struct *)ctx->args[2];
	struct switch_stats *st, zero = {};
	int prev_pid = 0, next_pid = 0;
	__u32 k = 0;

	if (BPF_CORE_READ_INTO(&prev_pid, prev, pid) < 0 ||
	    BPF_CORE_READ_INTO(&next_pid, next, pid) < 0) {
		__u64 *errs = bpf_map_lookup_elem(&read_errors, &k);

		if (errs)
			__sync_fetch_and_add(errs, 1);
	}
	k = next_pid;
	st = bpf_map_lookup_elem(&per_pid, &k);
	if (!st) {
		bpf_map_update_elem(&per_pid, &k, &zero, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&per_pid, &k);
		if (!st)
			return 0;
	}
	st->switched_in++;
	if (preempt)
		st->preempted++;
	st->last_prev_pid = prev_pid;
	return 0;
}
