/* Minimal definitions for bpfplay's real-world-style test programs:
 * maps in a "maps" section as {type, key_size, value_size, max_entries,
 * flags}, which the record builder turns into map fixups. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct map_def {
	unsigned int type, key_size, value_size, max_entries, flags;
};
#define MAP(name, t, k, v, n, f) \
	struct map_def name __attribute__((section("maps"), used)) = {t, k, v, n, f}

char _license[] SEC("license") = "GPL";
