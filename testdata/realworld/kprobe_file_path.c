// variants: v3
// A file-path reconstructor in the style of runtime-security sensors:
// on vfs_open, walk the dentry chain upwards (a bounded loop of 16
// steps, CO-RE reads of d_parent and d_name), copying each component
// with bpf_probe_read_kernel_str into a per-CPU buffer from the end
// backwards; the offsets are masked so every write stays in bounds.
// The event goes out through a ring buffer with the path's length.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

#define MAX_DEPTH 16
#define NAME_MAX_LEN 64
#define BUF_LEN 2048
#define HALF (BUF_LEN / 2)

struct qstr {
	union {
		struct {
			__u32 hash;
			__u32 len;
		};
		__u64 hash_len;
	};
	const unsigned char *name;
} __attribute__((preserve_access_index));

struct dentry {
	struct dentry *d_parent;
	struct qstr d_name;
} __attribute__((preserve_access_index));

struct path {
	void *mnt;
	struct dentry *dentry;
} __attribute__((preserve_access_index));

struct path_buf {
	char data[BUF_LEN];
};

struct path_event {
	__u32 pid;
	__u32 len;
	__u32 depth;
	__u32 pad;
	char path[HALF];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_buf);
} bufs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} path_events SEC(".maps");

SEC("kprobe/vfs_open")
int BPF_KPROBE(trace_vfs_open, const struct path *path)
{
	struct dentry *d, *parent;
	struct path_buf *buf;
	struct path_event *ev;
	__u32 zero = 0, off = HALF, depth = 0;
	int i;

	buf = bpf_map_lookup_elem(&bufs, &zero);
	if (!buf)
		return 0;
	d = BPF_CORE_READ(path, dentry);
	for (i = 0; i < MAX_DEPTH; i++) {
		struct qstr name;
		long n;

		parent = BPF_CORE_READ(d, d_parent);
		if (!parent || parent == d)
			break;
		if (bpf_core_read(&name, sizeof(name), &d->d_name) < 0)
			break;
		if (name.len == 0 || name.len > NAME_MAX_LEN - 1)
			break;
		off -= name.len + 1;
		if (off > HALF)
			break;
		n = bpf_probe_read_kernel_str(&buf->data[off & (HALF - 1)], NAME_MAX_LEN, name.name);
		if (n < 0)
			break;
		buf->data[(off + name.len) & (BUF_LEN - 1)] = '/';
		depth++;
		d = parent;
	}
	ev = bpf_ringbuf_reserve(&path_events, sizeof(*ev), 0);
	if (!ev)
		return 0;
	ev->pid = bpf_get_current_pid_tgid() >> 32;
	ev->len = HALF - off;
	ev->depth = depth;
	ev->pad = 0;
	bpf_probe_read_kernel(ev->path, sizeof(ev->path), &buf->data[off & (HALF - 1)]);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}
