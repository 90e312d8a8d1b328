// REJECTED by Linux: the length returned by bpf_probe_read_user_str is
// passed on to bpf_perf_event_output without checking it for an error
// (a negative value), so the size argument's minimum is negative.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 1);
} events SEC(".maps");

SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(open_path, int dfd, const char *filename)
{
	char path[64];
	long n;

	n = bpf_probe_read_user_str(path, sizeof(path), filename);
	/* Missing: if (n < 0) return 0; */
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, path, n);
	return 0;
}
