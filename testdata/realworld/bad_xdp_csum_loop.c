// REJECTED by Linux: a checksum over the whole frame with a loop bounded
// only by data_end. Each iteration is a new state for the verifier and
// it gives up (too many pending branches / too many instructions); the
// fix is a constant bound on the loop.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int xdp_frame_sum(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 sum = 0;

	while ((void *)(p + 1) <= data_end) {
		sum += *p;
		p++;
	}
	return sum & 1 ? XDP_PASS : XDP_DROP;
}
