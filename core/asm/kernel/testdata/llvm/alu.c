// Arithmetic in 32 and 64 bits, shifts, signed and unsigned compares,
// a loop, and 64-bit constants.
__attribute__((section("socket"))) long alu(unsigned long *p)
{
	unsigned long a = p[0], b = p[1];
	unsigned int x = (unsigned int)a, y = (unsigned int)b;
	long acc = 0x1122334455667788L;
	for (int i = 0; i < 16; i++) {
		acc ^= (a << i) | (b >> (i & 7));
		x = x * 33 + y;
		if ((long)acc < -5) acc += x;
		else if (x > 1000u) acc -= y / 3;
	}
	acc += (long)(signed char)x + (long)(short)y;
	acc = (unsigned long)acc % 1000003;
	return acc + (x >> 3) + ((int)y >> 2) - ~b;
}
