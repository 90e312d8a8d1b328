// Signed division and remainder, sign-extending loads and moves, byte
// swaps: the cpu v4 instructions when compiled with -mcpu=v4.
__attribute__((section("socket"))) long sgn(long *p, signed char *c, short *s, int *w)
{
	long a = p[0], b = p[1] | 1;
	int x = (int)a, y = (int)b | 1;
#if __BPF_CPU_VERSION__ >= 4
	long r = a / b + a % b;
	r += x / y + x % y;
#else
	long r = (unsigned long)a / b + (unsigned)x % (unsigned)y;
#endif
	r += *c + *s + *w;
	r += (signed char)a + (short)b + (int)(a >> 3);
	r += __builtin_bswap16((unsigned short)a) + __builtin_bswap32((unsigned)b) + __builtin_bswap64(a);
	return r;
}
