/* cgroup_skb egress: count bytes per socket cookie and let everything
 * through (what a per-container traffic accountant does). */
#include "common.h"

MAP(bytes, BPF_MAP_TYPE_HASH, 8, 8, 1024, 0);

SEC("cgroup_skb/egress")
int egress(struct __sk_buff *skb)
{
	__u64 cookie = bpf_get_socket_cookie(skb);
	__u64 *v = bpf_map_lookup_elem(&bytes, &cookie);
	__u64 len = skb->len;

	if (v)
		__sync_fetch_and_add(v, len);
	else
		bpf_map_update_elem(&bytes, &cookie, &len, BPF_NOEXIST);
	return 1;
}
