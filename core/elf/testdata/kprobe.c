// A kprobe using CO-RE: the kernel types are declared here with
// preserve_access_index (no vmlinux.h), so field offsets are relocated
// against the target kernel's BTF at load time. Built by build.sh.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <asm/ptrace.h>	/* struct pt_regs: same layout as the kernel's */
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct task_struct {
	int pid;
	int tgid;
	char comm[16];
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} opens SEC(".maps");

SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(trace_openat2, int dfd, const char *filename)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 ppid = BPF_CORE_READ(task, real_parent, tgid);
	__u64 one = 1, *n;

	if (!filename)
		return 0;
	n = bpf_map_lookup_elem(&opens, &ppid);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&opens, &ppid, &one, BPF_NOEXIST);
	return 0;
}
