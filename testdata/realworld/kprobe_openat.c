// A file-open tracer in the style of observability tools: a kprobe on
// do_sys_openat2 reserves a ring-buffer record, fills it with the pid,
// comm and file name (bpf_probe_read_user_str), and submits it — or
// discards it when the pid filter (a .rodata knob the loader sets)
// does not match; a kretprobe adds the return value through a hash map
// keyed by pid_tgid. Arguments come from pt_regs (BPF_KPROBE).
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 target_tgid = 0; /* 0: every process */

struct open_event {
	__u32 tgid;
	__s32 dfd;
	__s64 ret;
	char comm[16];
	char path[128];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} open_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __s32);
} inflight SEC(".maps");

SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(openat_enter, int dfd, const char *filename)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	struct open_event *e;

	e = bpf_ringbuf_reserve(&open_events, sizeof(*e), 0);
	if (!e)
		return 0;
	if (target_tgid && tgid != target_tgid) {
		bpf_ringbuf_discard(e, 0);
		return 0;
	}
	e->tgid = tgid;
	e->dfd = dfd;
	e->ret = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (bpf_probe_read_user_str(e->path, sizeof(e->path), filename) < 0)
		e->path[0] = 0;
	bpf_map_update_elem(&inflight, &id, &dfd, BPF_ANY);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("kretprobe/do_sys_openat2")
int BPF_KRETPROBE(openat_exit, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct open_event *e;
	__s32 *dfd;

	dfd = bpf_map_lookup_elem(&inflight, &id);
	if (!dfd)
		return 0;
	e = bpf_ringbuf_reserve(&open_events, sizeof(*e), 0);
	if (e) {
		__builtin_memset(e, 0, sizeof(*e));
		e->tgid = id >> 32;
		e->dfd = *dfd;
		e->ret = ret;
		bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	}
	bpf_map_delete_elem(&inflight, &id);
	return 0;
}
