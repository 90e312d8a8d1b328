// Cgroup guards in the style of container runtimes and hardening
// agents: a device controller (cgroup/dev) that allows only the usual
// character devices (null, zero, full, random, urandom, tty, ptmx,
// pts) plus read-only mknod, a sysctl guard (cgroup/sysctl) that lets a
// container read everything but write only net.ipv4.ip_local_port_range
// with values it parses, and a setsockopt filter (cgroup/setsockopt)
// that refuses SO_MARK and clamps SO_RCVBUF through optval/optval_end
// bounds checks.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define SOL_SOCKET 1
#define SO_RCVBUF 8
#define SO_MARK 36

SEC("cgroup/dev")
int dev_allow(struct bpf_cgroup_dev_ctx *ctx)
{
	__u32 type = ctx->access_type & 0xffff;
	__u32 access = ctx->access_type >> 16;

	if (type != BPF_DEVCG_DEV_CHAR)
		return 0;
	if (access & BPF_DEVCG_ACC_MKNOD)
		return 0;
	switch (ctx->major) {
	case 1: /* mem: null zero full random urandom */
		return ctx->minor == 3 || ctx->minor == 5 || ctx->minor == 7 ||
		       ctx->minor == 8 || ctx->minor == 9;
	case 5: /* tty, ptmx */
		return ctx->minor == 0 || ctx->minor == 2;
	case 136: /* pts */
		return 1;
	}
	return 0;
}

SEC("cgroup/sysctl")
int sysctl_guard(struct bpf_sysctl *ctx)
{
	char name[64];
	char value[32];
	unsigned long lo = 0;
	long n;
	static const char allowed[] = "net/ipv4/ip_local_port_range";

	if (!ctx->write)
		return 1;
	n = bpf_sysctl_get_name(ctx, name, sizeof(name), 0);
	if (n < 0)
		return 0;
	if (bpf_strncmp(name, sizeof(allowed), allowed))
		return 0;
	n = bpf_sysctl_get_new_value(ctx, value, sizeof(value));
	if (n <= 0)
		return 0;
	if (bpf_strtoul(value, sizeof(value), 10, &lo) < 0)
		return 0;
	return lo >= 1024;
}

SEC("cgroup/setsockopt")
int sockopt_filter(struct bpf_sockopt *ctx)
{
	__u8 *optval = ctx->optval;
	__u8 *optval_end = ctx->optval_end;

	if (ctx->level != SOL_SOCKET)
		return 1;
	if (ctx->optname == SO_MARK)
		return 0;
	if (ctx->optname == SO_RCVBUF) {
		if (optval + sizeof(__u32) > optval_end)
			return 0;
		if (*(__u32 *)optval > 1 << 20)
			*(__u32 *)optval = 1 << 20;
	}
	return 1;
}
