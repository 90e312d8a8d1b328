package interp

// fuse returns a copy of code with superinstructions: common sequences
// executed by one dispatch. Every slot keeps its own entry, so a jump
// into the middle of a fused sequence runs the plain instructions from
// there; a fused entry runs only when execution reaches its first slot.
//
// ldxh rX,[rY+o]; be16 rX; add rA,rX  (a checksum's inner step) becomes
// one entry: the three are the hot path of IPv4 header checksums.
//
// mov rX, rY; OP rX, imm (OP = rsh, lsh, and, add) becomes one entry:
// compilers copy a register before shifting or masking it.
//
// add rX, imm; if rX <op> K goto L (op = <, <=, !=) becomes one entry:
// the step and test that close most loops.
//
// and rX, imm; add rX, rY and add rX, rY; and rX, imm become one entry
// each: the folds that end a ones'-complement checksum.
func fuse(plain []inst, slots int) []inst {
	code := append([]inst(nil), plain...)
	movOps := map[uint8]uint8{opRsh64I: opMovRshI, opLsh64I: opMovLshI, opAnd64I: opMovAndI, opAdd64I: opMovAddI}
	jmpI := map[uint8]uint8{opJltI: opAddJltI, opJleI: opAddJleI, opJneI: opAddJneI}
	jmpR := map[uint8]uint8{opJltR: opAddJltR, opJleR: opAddJleR, opJneR: opAddJneR}
	for pc := 0; pc+1 < slots; pc++ {
		a, b := &plain[pc], &plain[pc+1]
		if pc+2 < slots {
			c := &plain[pc+2]
			if a.op == opLdxH && b.op == opBswap16 && b.dst == a.dst && c.op == opAdd64R && c.src == a.dst && c.dst != a.dst && a.src != a.dst {
				code[pc] = inst{op: opLdxHBe16Add, dst: a.dst, src: a.src, n: 3, off: int32(c.dst), imm: a.imm}
				continue
			}
		}
		// Checksum folds: mask and add back, add and mask.
		if a.op == opAnd64I && b.op == opAdd64R && b.dst == a.dst {
			code[pc] = inst{op: opAndIAddR, dst: a.dst, src: b.src, n: 2, imm: a.imm}
			continue
		}
		if a.op == opAdd64R && b.op == opAnd64I && b.dst == a.dst {
			code[pc] = inst{op: opAddRAndI, dst: a.dst, src: a.src, n: 2, imm: b.imm}
			continue
		}
		if f, ok := movOps[b.op]; ok && a.op == opMov64R && b.dst == a.dst {
			code[pc] = inst{op: f, dst: a.dst, src: a.src, n: 2, imm: b.imm}
			continue
		}
		if b.op == opJa {
			// An operation that ends a loop body and jumps back.
			switch a.op {
			case opAdd64I:
				code[pc] = inst{op: opAddIJa, dst: a.dst, n: 2, off: b.off, imm: a.imm}
				continue
			case opRsh64I:
				code[pc] = inst{op: opRshIJa, dst: a.dst, n: 2, off: b.off, imm: a.imm}
				continue
			case opAdd64R:
				code[pc] = inst{op: opAddRJa, dst: a.dst, src: a.src, n: 2, off: b.off}
				continue
			}
		}
		if a.op == opAdd64I && b.dst == a.dst {
			if f, ok := jmpI[b.op]; ok && int64(a.imm) == int64(int8(a.imm)) {
				code[pc] = inst{op: f, dst: a.dst, src: uint8(int8(a.imm)), n: 2, off: b.off, imm: b.imm}
				continue
			}
			if f, ok := jmpR[b.op]; ok && b.src != a.dst {
				code[pc] = inst{op: f, dst: a.dst, src: b.src, n: 2, off: b.off, imm: a.imm}
				continue
			}
		}
	}
	return code
}
