// An XDP flow-bypass filter in the style of an IDS capture path: the
// IDS marks flows it no longer needs to inspect in a per-CPU hash; the
// XDP program looks each IPv4 TCP/UDP packet's flow up (in either
// direction, by ordering the addresses), updates the flow's counters
// and timestamp and drops bypassed packets before they reach capture.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct flow_v4 {
	__u32 src, dst;
	__u16 port16[2];
	__u8 ip_proto;
	__u8 pad[3];
};

struct flow_counters {
	__u64 packets;
	__u64 bytes;
	__u64 last_seen;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 32768);
	__type(key, struct flow_v4);
	__type(value, struct flow_counters);
} flow_table_v4 SEC(".maps");

static __always_inline void order_flow(struct flow_v4 *f)
{
	if (f->src > f->dst) {
		__u32 a = f->src;
		__u16 p = f->port16[0];

		f->src = f->dst;
		f->dst = a;
		f->port16[0] = f->port16[1];
		f->port16[1] = p;
	}
}

SEC("xdp")
int xdp_bypass(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct flow_v4 f = {};
	struct flow_counters *c;
	__u16 *ports;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;
	if (ip->protocol != IPPROTO_TCP && ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	ports = (void *)ip + ip->ihl * 4;
	if ((void *)(ports + 2) > data_end)
		return XDP_PASS;

	f.src = bpf_ntohl(ip->saddr);
	f.dst = bpf_ntohl(ip->daddr);
	f.port16[0] = bpf_ntohs(ports[0]);
	f.port16[1] = bpf_ntohs(ports[1]);
	f.ip_proto = ip->protocol;
	order_flow(&f);

	c = bpf_map_lookup_elem(&flow_table_v4, &f);
	if (!c)
		return XDP_PASS;
	c->packets++;
	c->bytes += data_end - data;
	c->last_seen = bpf_ktime_get_ns();
	return XDP_DROP;
}
