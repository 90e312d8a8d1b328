// An execve tracer in the style of runtime-security agents: on the
// sys_enter_execve tracepoint, build an event in a per-CPU scratch
// buffer (too big for the 512-byte stack), copy the file name and the
// first arguments from user memory (an unrolled loop over argv), add
// pid, uid and comm, and send exactly the filled part of the event to
// user space with bpf_perf_event_output (the length is masked so the
// verifier can bound it).
// variants: v3
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define MAX_ARGS 4
#define ARG_LEN 128
#define PATH_LEN 256

/* The tracepoint's format (tracing/events/syscalls/sys_enter_execve). */
struct sys_enter_execve_args {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	const char *filename;
	const char *const *argv;
	const char *const *envp;
};

struct exec_event {
	__u32 pid;
	__u32 tgid;
	__u32 uid;
	__u32 argc;
	char comm[16];
	char filename[PATH_LEN];
	char args[MAX_ARGS * ARG_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_event);
} event_heap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} exec_events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int trace_execve(struct sys_enter_execve_args *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 zero = 0, off = 0;
	struct exec_event *e;
	int i;

	e = bpf_map_lookup_elem(&event_heap, &zero);
	if (!e)
		return 0;
	e->pid = (__u32)pid_tgid;
	e->tgid = pid_tgid >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->argc = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (bpf_probe_read_user_str(e->filename, sizeof(e->filename), ctx->filename) < 0)
		e->filename[0] = 0;

#pragma unroll
	for (i = 0; i < MAX_ARGS; i++) {
		const char *arg = 0;
		long n;

		if (bpf_probe_read_user(&arg, sizeof(arg), &ctx->argv[i]) < 0 || !arg)
			break;
		n = bpf_probe_read_user_str(&e->args[i * ARG_LEN], ARG_LEN, arg);
		if (n < 0)
			break;
		off = (i + 1) * ARG_LEN;
		e->argc++;
	}
	bpf_perf_event_output(ctx, &exec_events, BPF_F_CURRENT_CPU, e,
			      (__builtin_offsetof(struct exec_event, args) + off) & 0x3ff);
	return 0;
}
