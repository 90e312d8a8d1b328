// A variable-length event logger in the style of newer tracing tools:
// a kprobe on do_unlinkat reserves a ring-buffer record through a
// dynptr (bpf_ringbuf_reserve_dynptr), writes a fixed header and the
// file name it read from user memory with bpf_dynptr_write, and submits
// or discards the dynptr (the verifier tracks it like a reference).
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct hdr {
	__u32 pid;
	__u32 name_len;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} log_rb SEC(".maps");

struct filename_like {
	const char *name;
};

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(log_unlink, int dfd, struct filename_like *fn)
{
	struct bpf_dynptr ptr;
	struct hdr h = {};
	char name[64];
	const char *uname = 0;
	long n;

	if (bpf_probe_read_kernel(&uname, sizeof(uname), &fn->name) < 0)
		return 0;
	n = bpf_probe_read_kernel_str(name, sizeof(name), uname);
	if (n <= 0)
		return 0;
	h.pid = bpf_get_current_pid_tgid() >> 32;
	h.name_len = n;
	if (bpf_ringbuf_reserve_dynptr(&log_rb, sizeof(h) + sizeof(name), 0, &ptr) < 0) {
		bpf_ringbuf_discard_dynptr(&ptr, 0);
		return 0;
	}
	if (bpf_dynptr_write(&ptr, 0, &h, sizeof(h), 0) < 0 ||
	    bpf_dynptr_write(&ptr, sizeof(h), name, n & 63, 0) < 0) {
		bpf_ringbuf_discard_dynptr(&ptr, 0);
		return 0;
	}
	bpf_ringbuf_submit_dynptr(&ptr, 0);
	return 0;
}
