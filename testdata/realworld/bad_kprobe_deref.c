// REJECTED by Linux: a kprobe that dereferences a kernel pointer taken
// from the registers directly, instead of through bpf_probe_read_kernel
// (or a BTF-aware program type).
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct file_like {
	void *f_path[2];
	void *f_inode;
	void *f_op;
	unsigned int f_flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} flags_seen SEC(".maps");

SEC("kprobe/vfs_write")
int BPF_KPROBE(write_flags, struct file_like *file)
{
	__u32 flags = file->f_flags; /* should be bpf_probe_read_kernel */
	__u64 one = 1;

	bpf_map_update_elem(&flags_seen, &flags, &one, BPF_ANY);
	return 0;
}
