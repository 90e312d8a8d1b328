/* kprobe (Falco/tracee-style): count calls per PID and send an event with
 * the command name to user space through a perf buffer. */
#include "common.h"
#include <linux/ptrace.h>

struct event {
	__u32 pid;
	__u32 tgid;
	__u64 ts;
	char comm[16];
};

MAP(calls, BPF_MAP_TYPE_HASH, 4, 8, 4096, 0);
MAP(events, BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 2, 0);

SEC("kprobe/do_sys_openat2")
int probe(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	__u64 one = 1, *n;
	struct event ev = {};

	n = bpf_map_lookup_elem(&calls, &tgid);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&calls, &tgid, &one, BPF_ANY);
	ev.pid = (__u32)id;
	ev.tgid = tgid;
	ev.ts = bpf_ktime_get_ns();
	bpf_get_current_comm(ev.comm, sizeof(ev.comm));
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &ev, sizeof(ev));
	return 0;
}
