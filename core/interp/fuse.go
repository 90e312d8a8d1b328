package interp

// fuse returns a copy of code with superinstructions: common sequences
// executed by one dispatch. Every slot keeps its own entry, so a jump
// into the middle of a fused sequence runs the plain instructions from
// there; a fused entry runs only when execution reaches its first slot.
//
// ldxh rX,[rY+o]; be16 rX; add rA,rX  (a checksum's inner step) becomes
// one entry: the three are the hot path of IPv4 header checksums.
func fuse(plain []inst, slots int) []inst {
	code := append([]inst(nil), plain...)
	for pc := 0; pc+2 < slots; pc++ {
		a, b, c := &plain[pc], &plain[pc+1], &plain[pc+2]
		if a.op == opLdxH && b.op == opBswap16 && b.dst == a.dst && c.op == opAdd64R && c.src == a.dst && c.dst != a.dst && a.src != a.dst {
			code[pc] = inst{op: opLdxHBe16Add, dst: a.dst, src: a.src, n: 3, off: int32(c.dst), imm: a.imm}
		}
	}
	return code
}
