/* Another classic: the map value is used without checking the lookup's
 * result for NULL. */
#include "common.h"

MAP(counters, BPF_MAP_TYPE_ARRAY, 4, 8, 16, 0);

SEC("tc")
int tc_bug(struct __sk_buff *skb)
{
	__u32 key = skb->mark & 15;
	__u64 *v = bpf_map_lookup_elem(&counters, &key);

	*v += skb->len;
	return TC_ACT_OK;
}
