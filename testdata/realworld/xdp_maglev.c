// Consistent-hashing backend selection in the style of Maglev-based load
// balancers: each service owns an inner array (its lookup table of 251
// backend ids) reached through an array-of-maps, so user space can swap
// a service's table atomically; the flow hash picks the slot.
// Written for bpfplay's real-world corpus (testdata/realworld).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define MAGLEV_SIZE 251

struct maglev_table {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAGLEV_SIZE);
	__type(key, __u32);
	__type(value, __u32);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 16);
	__type(key, __u32);
	__array(values, struct maglev_table);
} maglev_outer SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __be32); /* VIP */
	__type(value, __u32); /* service id */
} services SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} last_backend SEC(".maps");

SEC("xdp")
int xdp_maglev(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u32 *svc, *backend, *last, slot, zero = 0;
	void *table;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	svc = bpf_map_lookup_elem(&services, &ip->daddr);
	if (!svc)
		return XDP_PASS;
	table = bpf_map_lookup_elem(&maglev_outer, svc);
	if (!table)
		return XDP_DROP; /* service without a table */
	slot = (ip->saddr * 2654435761u) % MAGLEV_SIZE;
	backend = bpf_map_lookup_elem(table, &slot);
	if (!backend)
		return XDP_DROP;
	last = bpf_map_lookup_elem(&last_backend, &zero);
	if (last)
		*last = *backend;
	return XDP_TX;
}
