// Atomic read-modify-write in 32 and 64 bits, with and without fetch,
// exchange and compare-and-exchange.
__attribute__((section("socket"))) long atomics(long *p, int *q)
{
	long r = 0;
	__sync_fetch_and_add(p, 3);
	__sync_fetch_and_or(q, 4);
	r += __sync_fetch_and_add(p + 1, 5);
	r += __sync_fetch_and_xor(q + 1, 6);
	r += __sync_fetch_and_and(p + 2, 7);
	r += __sync_lock_test_and_set(p + 3, 8);
	r += __sync_val_compare_and_swap(q + 2, 9, 10);
	r += __sync_val_compare_and_swap(p + 4, 11, 12);
	__sync_fetch_and_xor(p + 5, r);
	return r;
}
