// A socket filter that counts packets per protocol in a hash map and
// calls a static function (bpf-to-bpf call).
struct bpf_map_def { unsigned type, key_size, value_size, max_entries; };
struct bpf_map_def counts __attribute__((section("maps"))) = { 1, 4, 8, 256 };
static void *(*map_lookup)(void *map, const void *key) = (void *)1;
static long (*map_update)(void *map, const void *key, const void *value, unsigned long flags) = (void *)2;

static __attribute__((noinline)) unsigned classify(unsigned long proto)
{
	if (proto == 6) return 1;
	if (proto == 17) return 2;
	return proto & 0xff;
}

__attribute__((section("socket"))) int count(void *skb)
{
	unsigned key = classify(__builtin_bswap16(*(unsigned short *)((char *)skb + 16)));
	long *v = map_lookup(&counts, &key);
	if (v) {
		__sync_fetch_and_add(v, 1);
	} else {
		long one = 1;
		map_update(&counts, &key, &one, 0);
	}
	return 0;
}
