// An XDP payload scanner in the style of an inline IPS: copy the start
// of the TCP payload into a per-CPU scratch buffer with
// bpf_xdp_load_bytes, then walk it with bpf_loop (a callback per byte,
// with a context struct on the stack) looking for the "GET " / "POST"
// method and counting line breaks; requests to blocked ports are
// dropped.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define SCAN_LEN 64

struct scan_buf {
	__u8 bytes[SCAN_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scan_buf);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u16);
	__type(value, __u8);
} blocked_ports SEC(".maps");

struct scan_ctx {
	struct scan_buf *buf;
	__u32 len;
	__u32 newlines;
	__u32 method; /* 1 GET, 2 POST */
};

static long scan_byte(__u32 i, void *data)
{
	struct scan_ctx *c = data;
	__u8 b;

	if (i >= c->len || i >= SCAN_LEN)
		return 1; /* stop */
	b = c->buf->bytes[i];
	if (b == '\n')
		c->newlines++;
	if (i == 3 && !c->method) {
		__u8 *p = c->buf->bytes;

		if (p[0] == 'G' && p[1] == 'E' && p[2] == 'T' && p[3] == ' ')
			c->method = 1;
		else if (p[0] == 'P' && p[1] == 'O' && p[2] == 'S' && p[3] == 'T')
			c->method = 2;
	}
	return 0;
}

SEC("xdp")
int xdp_http_scan(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp;
	struct scan_ctx sc = {};
	__u32 zero = 0, off, avail, len;
	__u16 dport;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (ip->protocol != IPPROTO_TCP || ip->ihl != 5)
		return XDP_PASS;
	tcp = (void *)(ip + 1);
	if ((void *)(tcp + 1) > data_end)
		return XDP_PASS;
	dport = bpf_ntohs(tcp->dest);
	off = sizeof(*eth) + sizeof(*ip) + tcp->doff * 4;
	avail = data_end - data;
	if (off >= avail)
		return XDP_PASS;
	len = avail - off;
	if (len > SCAN_LEN)
		len = SCAN_LEN;
	sc.len = len;

	sc.buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!sc.buf)
		return XDP_PASS;
	if (bpf_xdp_load_bytes(ctx, off, sc.buf->bytes, len) < 0)
		return XDP_PASS;
	bpf_loop(SCAN_LEN, scan_byte, &sc, 0);
	if (sc.method && bpf_map_lookup_elem(&blocked_ports, &dport))
		return XDP_DROP;
	return XDP_PASS;
}
