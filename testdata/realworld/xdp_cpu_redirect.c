// XDP receive-side steering in the style of DDoS scrubbers and the
// kernel's cpumap sample: hash the IPv4 5-tuple, pick a CPU among those
// user space enabled, and redirect through a cpumap; with no CPU entry
// bpf_redirect_map falls back to XDP_PASS (its flags' low bits).
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define MAX_CPUS 8

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, MAX_CPUS);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpu_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_CPUS);
	__type(key, __u32);
	__type(value, __u32);
} cpus_available SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cpus_count SEC(".maps");

SEC("xdp")
int xdp_steer(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u32 zero = 0, *count, *cpu, idx, h;
	__u16 *ports;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	h = ip->saddr ^ ip->daddr ^ ip->protocol;
	ports = (void *)(ip + 1);
	if (ip->ihl == 5 && (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) &&
	    (void *)(ports + 2) <= data_end)
		h ^= ((__u32)ports[0] << 16) | ports[1];
	h *= 0x9e3779b1;

	count = bpf_map_lookup_elem(&cpus_count, &zero);
	if (!count || *count == 0 || *count > MAX_CPUS)
		return XDP_PASS;
	idx = (h >> 16) % *count;
	cpu = bpf_map_lookup_elem(&cpus_available, &idx);
	if (!cpu)
		return XDP_ABORTED;
	return bpf_redirect_map(&cpu_map, *cpu, XDP_PASS);
}
