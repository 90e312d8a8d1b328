	r0 = 1
	r0 = -1
	w0 = 0x7fffffff
	w1 = -2147483648
	r1 = r2
	w1 = w2
	r1 += 5
	r1 -= r2
	w1 *= 3
	r1 /= r2
	w1 %= 7
	r1 |= 0xff
	w1 &= w2
	r1 <<= 3
	w1 >>= w2
	r1 s>>= 63
	r1 ^= -1
	r1 = -r1
	w1 = -w1
	r1 s/= r2
	w1 s/= 3
	r1 s%= -3
	w1 s%= w2
	r1 = (s8)r2
	r1 = (s16)r2
	r1 = (s32)r2
	w1 = (s8)w2
	w1 = (s16)w2
	r0 = be16 r0
	r0 = be32 r0
	r0 = be64 r0
	r0 = le16 r0
	r0 = le32 r0
	r0 = le64 r0
	r0 = bswap16 r0
	r0 = bswap32 r0
	r0 = bswap64 r0
	r1 = 0x1122334455667788 ll
	r1 = -1 ll
	r1 = 0 ll
	r0 = *(u8 *)(r1 + 0)
	r0 = *(u16 *)(r1 + 2)
	r0 = *(u32 *)(r1 - 4)
	r0 = *(u64 *)(r10 - 8)
	w0 = *(u32 *)(r1 + 4)
	r0 = *(s8 *)(r1 + 1)
	r0 = *(s16 *)(r1 - 2)
	r0 = *(s32 *)(r1 + 32767)
	*(u8 *)(r1 + 0) = r2
	*(u16 *)(r1 - 32768) = w2
	*(u32 *)(r10 - 4) = r2
	*(u64 *)(r10 - 8) = r1
	*(u8 *)(r10 - 1) = 255
	*(u16 *)(r10 - 2) = -1
	*(u32 *)(r10 - 4) = 305419896
	*(u64 *)(r10 - 8) = -5
	r0 = *(u8 *)skb[1]
	r0 = *(u16 *)skb[12]
	r0 = *(u32 *)skb[-4]
	r0 = *(u8 *)skb[r3]
	r0 = *(u32 *)skb[r7]
	lock *(u32 *)(r1 + 0) += w2
	lock *(u64 *)(r1 + 8) |= r2
	lock *(u64 *)(r1 - 8) &= r2
	lock *(u32 *)(r10 - 4) ^= w3
	r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)
	w2 = atomic_fetch_and((u32 *)(r1 + 4), w2)
	r2 = atomic_fetch_or((u64 *)(r1 - 8), r2)
	w2 = atomic_fetch_xor((u32 *)(r1 + 0), w2)
	r2 = xchg_64(r1 + 0, r2)
	w2 = xchg32_32(r1 - 8, w2)
	r0 = cmpxchg_64(r1 + 16, r0, r2)
	w0 = cmpxchg32_32(r1 + 0, w0, w2)
	goto +0
	goto -1
	goto +32767
	gotol +3
	gotol -7000
	if r1 == 0 goto +1
	if r1 != r2 goto -2
	if r1 > 0x7fffffff goto +3
	if r1 >= r2 goto +4
	if r1 < 10 goto +5
	if r1 <= r2 goto +6
	if r1 s> -1 goto +7
	if r1 s>= r2 goto +8
	if r1 s< -100 goto +9
	if r1 s<= r2 goto +10
	if r1 & 4 goto +11
	if w1 == 1 goto +12
	if w1 != w2 goto +13
	if w1 > 3 goto +14
	if w1 s< w2 goto +15
	if w1 & 0xff goto -16
	call 1
	call 181
	callx r2
	exit
