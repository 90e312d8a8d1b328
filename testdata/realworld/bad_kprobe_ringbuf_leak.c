// REJECTED by Linux: a ring-buffer record is reserved before the
// filter, and the filter's early return forgets to discard it (every
// reserved record must be submitted or discarded on every path).
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct event {
	__u32 pid;
	__u32 sig;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

SEC("kprobe/do_send_sig_info")
int BPF_KPROBE(trace_signal, int sig)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	if (sig != 9)
		return 0; /* leaks e */
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->sig = sig;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}
