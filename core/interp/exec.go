package interp

import (
	"encoding/binary"
	"math/bits"
)

// chunkSize is how many instructions the loop runs between checks of
// the cancellation flag.
const chunkSize = 1 << 16

// take hands the loop the next chunk of the budget.
func (v *vm) take() int64 {
	c := int64(chunkSize)
	if v.traceOn {
		c = 1
	}
	if c > v.remaining {
		c = v.remaining
	}
	v.remaining -= c
	return c
}

// refill is called when the loop's chunk cannot pay for the entry at pc.
// It returns the new chunk, or -1 when the run must stop.
func (v *vm) refill(left int64, pc int) int64 {
	v.remaining += left
	if v.traceOn {
		v.traceFinish()
	}
	if v.env.Cancel != nil && v.env.Cancel.Load() {
		v.setFault(pc, FaultCancelled, "cancelled", 0)
		return -1
	}
	if v.remaining < 1 {
		v.setFault(pc, FaultBudget, "instruction budget exhausted", 0)
		return -1
	}
	if v.traceOn {
		v.traceBegin(pc)
	}
	return v.take()
}

// stop ends a loop: the unused part of the chunk goes back.
func (v *vm) stop(left int64) uint64 {
	if left > 0 {
		v.remaining += left
	}
	return 0
}

// loop runs from pc until the frame at depth base exits, and returns
// r0. On a fault it returns 0 with v.fault set.
//
// The switch holds only the fast paths; everything else (calls, exit,
// atomics, faults, the context model, ...) leaves the switch and goes
// to step, out of line. After step the loop reloads its state from v, so
// that no local is live across a call: otherwise Go's register allocator
// spills the loop's variables on every dispatch.
func (v *vm) loop(pc int, base int) uint64 {
	code := v.code()
	spans := v.sp.spans
	regs := &v.regs
	left := int64(0)
	for {
		in := &code[pc]
		if left -= int64(in.n); left < 0 {
			v.pc = pc
			left = v.refill(left+int64(in.n), pc)
			if left < 0 {
				return v.stop(0)
			}
			if v.traceOn && len(v.trace) >= v.traceMax {
				// The trace is full: run on at full speed.
				v.traceFinish()
				v.traceOn = false
				v.traceTrunc = true
				v.remaining += left - 1
				left = 1
			}
			code = v.code()
			spans = v.sp.spans
			in = &code[pc]
			if left < int64(in.n) {
				in = &v.prog.plain[pc]
			}
			left -= int64(in.n)
		}
		pc++
		switch in.op {
		// ALU64 immediate.
		case opAdd64I:
			regs[in.dst&15] += in.imm
		case opSub64I:
			regs[in.dst&15] -= in.imm
		case opMul64I:
			regs[in.dst&15] *= in.imm
		case opDiv64I:
			if in.imm == 0 {
				regs[in.dst&15] = 0
			} else {
				regs[in.dst&15] /= in.imm
			}
		case opSDiv64I:
			regs[in.dst&15] = sdiv64(regs[in.dst&15], in.imm)
		case opOr64I:
			regs[in.dst&15] |= in.imm
		case opAnd64I:
			regs[in.dst&15] &= in.imm
		case opLsh64I:
			regs[in.dst&15] <<= in.imm & 63
		case opRsh64I:
			regs[in.dst&15] >>= in.imm & 63
		case opNeg64:
			regs[in.dst&15] = -regs[in.dst&15]
		case opMod64I:
			if in.imm != 0 {
				regs[in.dst&15] %= in.imm
			}
		case opSMod64I:
			regs[in.dst&15] = smod64(regs[in.dst&15], in.imm)
		case opXor64I:
			regs[in.dst&15] ^= in.imm
		case opMov64I:
			regs[in.dst&15] = in.imm
		case opArsh64I:
			regs[in.dst&15] = uint64(int64(regs[in.dst&15]) >> (in.imm & 63))

		// ALU64 register.
		case opAdd64R:
			regs[in.dst&15] += regs[in.src&15]
		case opSub64R:
			regs[in.dst&15] -= regs[in.src&15]
		case opMul64R:
			regs[in.dst&15] *= regs[in.src&15]
		case opDiv64R:
			if s := regs[in.src&15]; s == 0 {
				regs[in.dst&15] = 0
			} else {
				regs[in.dst&15] /= s
			}
		case opSDiv64R:
			regs[in.dst&15] = sdiv64(regs[in.dst&15], regs[in.src&15])
		case opOr64R:
			regs[in.dst&15] |= regs[in.src&15]
		case opAnd64R:
			regs[in.dst&15] &= regs[in.src&15]
		case opLsh64R:
			regs[in.dst&15] <<= regs[in.src&15] & 63
		case opRsh64R:
			regs[in.dst&15] >>= regs[in.src&15] & 63
		case opMod64R:
			if s := regs[in.src&15]; s != 0 {
				regs[in.dst&15] %= s
			}
		case opSMod64R:
			regs[in.dst&15] = smod64(regs[in.dst&15], regs[in.src&15])
		case opXor64R:
			regs[in.dst&15] ^= regs[in.src&15]
		case opMov64R:
			regs[in.dst&15] = regs[in.src&15]
		case opArsh64R:
			regs[in.dst&15] = uint64(int64(regs[in.dst&15]) >> (regs[in.src&15] & 63))
		case opMovSX8_64:
			regs[in.dst&15] = uint64(int64(int8(regs[in.src&15])))
		case opMovSX16_64:
			regs[in.dst&15] = uint64(int64(int16(regs[in.src&15])))
		case opMovSX32_64:
			regs[in.dst&15] = uint64(int64(int32(regs[in.src&15])))

		// ALU32 immediate.
		case opAdd32I:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) + uint32(in.imm))
		case opSub32I:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) - uint32(in.imm))
		case opMul32I:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) * uint32(in.imm))
		case opDiv32I:
			if uint32(in.imm) == 0 {
				regs[in.dst&15] = 0
			} else {
				regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) / uint32(in.imm))
			}
		case opSDiv32I:
			regs[in.dst&15] = sdiv32(regs[in.dst&15], in.imm)
		case opOr32I:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) | uint32(in.imm))
		case opAnd32I:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) & uint32(in.imm))
		case opLsh32I:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) << (in.imm & 31))
		case opRsh32I:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) >> (in.imm & 31))
		case opNeg32:
			regs[in.dst&15] = uint64(-uint32(regs[in.dst&15]))
		case opMod32I:
			if uint32(in.imm) == 0 {
				regs[in.dst&15] = uint64(uint32(regs[in.dst&15]))
			} else {
				regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) % uint32(in.imm))
			}
		case opSMod32I:
			regs[in.dst&15] = smod32(regs[in.dst&15], in.imm)
		case opXor32I:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) ^ uint32(in.imm))
		case opMov32I:
			regs[in.dst&15] = uint64(uint32(in.imm))
		case opArsh32I:
			regs[in.dst&15] = uint64(uint32(int32(regs[in.dst&15]) >> (in.imm & 31)))

		// ALU32 register.
		case opAdd32R:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) + uint32(regs[in.src&15]))
		case opSub32R:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) - uint32(regs[in.src&15]))
		case opMul32R:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) * uint32(regs[in.src&15]))
		case opDiv32R:
			if s := uint32(regs[in.src&15]); s == 0 {
				regs[in.dst&15] = 0
			} else {
				regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) / s)
			}
		case opSDiv32R:
			regs[in.dst&15] = sdiv32(regs[in.dst&15], regs[in.src&15])
		case opOr32R:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) | uint32(regs[in.src&15]))
		case opAnd32R:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) & uint32(regs[in.src&15]))
		case opLsh32R:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) << (regs[in.src&15] & 31))
		case opRsh32R:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) >> (regs[in.src&15] & 31))
		case opMod32R:
			if s := uint32(regs[in.src&15]); s == 0 {
				regs[in.dst&15] = uint64(uint32(regs[in.dst&15]))
			} else {
				regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) % s)
			}
		case opSMod32R:
			regs[in.dst&15] = smod32(regs[in.dst&15], regs[in.src&15])
		case opXor32R:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]) ^ uint32(regs[in.src&15]))
		case opMov32R:
			regs[in.dst&15] = uint64(uint32(regs[in.src&15]))
		case opArsh32R:
			regs[in.dst&15] = uint64(uint32(int32(regs[in.dst&15]) >> (regs[in.src&15] & 31)))
		case opMovSX8_32:
			regs[in.dst&15] = uint64(uint32(int32(int8(regs[in.src&15]))))
		case opMovSX16_32:
			regs[in.dst&15] = uint64(uint32(int32(int16(regs[in.src&15]))))

		// Byte order.
		case opLe16:
			regs[in.dst&15] = uint64(uint16(regs[in.dst&15]))
		case opLe32:
			regs[in.dst&15] = uint64(uint32(regs[in.dst&15]))
		case opNop:
		case opBswap16:
			regs[in.dst&15] = uint64(bits.ReverseBytes16(uint16(regs[in.dst&15])))
		case opBswap32:
			regs[in.dst&15] = uint64(bits.ReverseBytes32(uint32(regs[in.dst&15])))
		case opBswap64:
			regs[in.dst&15] = bits.ReverseBytes64(regs[in.dst&15])

		// Loads.
		case opLdxB:
			a := regs[in.src&15] + in.imm
			if i := a >> regionShift; i < uint64(len(spans)) {
				if b := spans[i].r; a&offMask < uint64(len(b)) {
					regs[in.dst&15] = uint64(b[a&offMask])
					continue
				}
			}
			goto slow
		case opLdxH:
			a := regs[in.src&15] + in.imm
			if i := a >> regionShift; i < uint64(len(spans)) {
				if b := spans[i].r; a&offMask+2 <= uint64(len(b)) {
					regs[in.dst&15] = uint64(binary.LittleEndian.Uint16(b[a&offMask:]))
					continue
				}
			}
			goto slow
		case opLdxW:
			a := regs[in.src&15] + in.imm
			if i := a >> regionShift; i < uint64(len(spans)) {
				if b := spans[i].r; a&offMask+4 <= uint64(len(b)) {
					regs[in.dst&15] = uint64(binary.LittleEndian.Uint32(b[a&offMask:]))
					continue
				}
			}
			goto slow
		case opLdxDW:
			a := regs[in.src&15] + in.imm
			if i := a >> regionShift; i < uint64(len(spans)) {
				if b := spans[i].r; a&offMask+8 <= uint64(len(b)) {
					regs[in.dst&15] = binary.LittleEndian.Uint64(b[a&offMask:])
					continue
				}
			}
			goto slow
		case opLdxSB:
			a := regs[in.src&15] + in.imm
			if i := a >> regionShift; i < uint64(len(spans)) {
				if b := spans[i].r; a&offMask+1 <= uint64(len(b)) {
					x := getN(b[a&offMask:], 1)
					regs[in.dst&15] = uint64(int64(int8(x)))
					continue
				}
			}
			goto slow
		case opLdxSH:
			a := regs[in.src&15] + in.imm
			if i := a >> regionShift; i < uint64(len(spans)) {
				if b := spans[i].r; a&offMask+2 <= uint64(len(b)) {
					x := getN(b[a&offMask:], 2)
					regs[in.dst&15] = uint64(int64(int16(x)))
					continue
				}
			}
			goto slow
		case opLdxSW:
			a := regs[in.src&15] + in.imm
			if i := a >> regionShift; i < uint64(len(spans)) {
				if b := spans[i].r; a&offMask+4 <= uint64(len(b)) {
					x := getN(b[a&offMask:], 4)
					regs[in.dst&15] = uint64(int64(int32(x)))
					continue
				}
			}
			goto slow

		// Stores of a register.
		case opStxB:
			a := regs[in.dst&15] + in.imm
			if i := a >> regionShift; i < uint64(len(spans)) {
				if b := spans[i].w; a&offMask < uint64(len(b)) {
					b[a&offMask] = byte(regs[in.src&15])
					continue
				}
			}
			goto slow
		case opStxH:
			a := regs[in.dst&15] + in.imm
			if i := a >> regionShift; i < uint64(len(spans)) {
				if b := spans[i].w; a&offMask+2 <= uint64(len(b)) {
					binary.LittleEndian.PutUint16(b[a&offMask:], uint16(regs[in.src&15]))
					continue
				}
			}
			goto slow
		case opStxW:
			a := regs[in.dst&15] + in.imm
			if i := a >> regionShift; i < uint64(len(spans)) {
				if b := spans[i].w; a&offMask+4 <= uint64(len(b)) {
					binary.LittleEndian.PutUint32(b[a&offMask:], uint32(regs[in.src&15]))
					continue
				}
			}
			goto slow
		case opStxDW:
			a := regs[in.dst&15] + in.imm
			if i := a >> regionShift; i < uint64(len(spans)) {
				if b := spans[i].w; a&offMask+8 <= uint64(len(b)) {
					binary.LittleEndian.PutUint64(b[a&offMask:], regs[in.src&15])
					continue
				}
			}
			goto slow

		// Stores of an immediate: the offset is in off.
		case opStB:
			a := regs[in.dst&15] + uint64(int64(in.off))
			if i := a >> regionShift; i < uint64(len(spans)) {
				if b := spans[i].w; a&offMask+1 <= uint64(len(b)) {
					putN(b[a&offMask:], 1, in.imm)
					continue
				}
			}
			goto slow
		case opStH:
			a := regs[in.dst&15] + uint64(int64(in.off))
			if i := a >> regionShift; i < uint64(len(spans)) {
				if b := spans[i].w; a&offMask+2 <= uint64(len(b)) {
					putN(b[a&offMask:], 2, in.imm)
					continue
				}
			}
			goto slow
		case opStW:
			a := regs[in.dst&15] + uint64(int64(in.off))
			if i := a >> regionShift; i < uint64(len(spans)) {
				if b := spans[i].w; a&offMask+4 <= uint64(len(b)) {
					putN(b[a&offMask:], 4, in.imm)
					continue
				}
			}
			goto slow
		case opStDW:
			a := regs[in.dst&15] + uint64(int64(in.off))
			if i := a >> regionShift; i < uint64(len(spans)) {
				if b := spans[i].w; a&offMask+8 <= uint64(len(b)) {
					putN(b[a&offMask:], 8, in.imm)
					continue
				}
			}
			goto slow
		case opLdImm64:
			regs[in.dst&15] = in.imm
			pc++
		case opLdMap:
			regs[in.dst&15] = v.mapAddr[in.imm]
			pc++
		// Jumps.
		case opJa:
			pc = int(in.off)
		case opJeqI:
			if regs[in.dst&15] == in.imm {
				pc = int(in.off)
			}
		case opJgtI:
			if regs[in.dst&15] > in.imm {
				pc = int(in.off)
			}
		case opJgeI:
			if regs[in.dst&15] >= in.imm {
				pc = int(in.off)
			}
		case opJsetI:
			if regs[in.dst&15]&in.imm != 0 {
				pc = int(in.off)
			}
		case opJneI:
			if regs[in.dst&15] != in.imm {
				pc = int(in.off)
			}
		case opJsgtI:
			if int64(regs[in.dst&15]) > int64(in.imm) {
				pc = int(in.off)
			}
		case opJsgeI:
			if int64(regs[in.dst&15]) >= int64(in.imm) {
				pc = int(in.off)
			}
		case opJltI:
			if regs[in.dst&15] < in.imm {
				pc = int(in.off)
			}
		case opJleI:
			if regs[in.dst&15] <= in.imm {
				pc = int(in.off)
			}
		case opJsltI:
			if int64(regs[in.dst&15]) < int64(in.imm) {
				pc = int(in.off)
			}
		case opJsleI:
			if int64(regs[in.dst&15]) <= int64(in.imm) {
				pc = int(in.off)
			}
		case opJeqR:
			if regs[in.dst&15] == regs[in.src&15] {
				pc = int(in.off)
			}
		case opJgtR:
			if regs[in.dst&15] > regs[in.src&15] {
				pc = int(in.off)
			}
		case opJgeR:
			if regs[in.dst&15] >= regs[in.src&15] {
				pc = int(in.off)
			}
		case opJsetR:
			if regs[in.dst&15]&regs[in.src&15] != 0 {
				pc = int(in.off)
			}
		case opJneR:
			if regs[in.dst&15] != regs[in.src&15] {
				pc = int(in.off)
			}
		case opJsgtR:
			if int64(regs[in.dst&15]) > int64(regs[in.src&15]) {
				pc = int(in.off)
			}
		case opJsgeR:
			if int64(regs[in.dst&15]) >= int64(regs[in.src&15]) {
				pc = int(in.off)
			}
		case opJltR:
			if regs[in.dst&15] < regs[in.src&15] {
				pc = int(in.off)
			}
		case opJleR:
			if regs[in.dst&15] <= regs[in.src&15] {
				pc = int(in.off)
			}
		case opJsltR:
			if int64(regs[in.dst&15]) < int64(regs[in.src&15]) {
				pc = int(in.off)
			}
		case opJsleR:
			if int64(regs[in.dst&15]) <= int64(regs[in.src&15]) {
				pc = int(in.off)
			}
		case opJeq32I:
			if uint32(regs[in.dst&15]) == uint32(in.imm) {
				pc = int(in.off)
			}
		case opJgt32I:
			if uint32(regs[in.dst&15]) > uint32(in.imm) {
				pc = int(in.off)
			}
		case opJge32I:
			if uint32(regs[in.dst&15]) >= uint32(in.imm) {
				pc = int(in.off)
			}
		case opJset32I:
			if uint32(regs[in.dst&15])&uint32(in.imm) != 0 {
				pc = int(in.off)
			}
		case opJne32I:
			if uint32(regs[in.dst&15]) != uint32(in.imm) {
				pc = int(in.off)
			}
		case opJsgt32I:
			if int32(regs[in.dst&15]) > int32(in.imm) {
				pc = int(in.off)
			}
		case opJsge32I:
			if int32(regs[in.dst&15]) >= int32(in.imm) {
				pc = int(in.off)
			}
		case opJlt32I:
			if uint32(regs[in.dst&15]) < uint32(in.imm) {
				pc = int(in.off)
			}
		case opJle32I:
			if uint32(regs[in.dst&15]) <= uint32(in.imm) {
				pc = int(in.off)
			}
		case opJslt32I:
			if int32(regs[in.dst&15]) < int32(in.imm) {
				pc = int(in.off)
			}
		case opJsle32I:
			if int32(regs[in.dst&15]) <= int32(in.imm) {
				pc = int(in.off)
			}
		case opJeq32R:
			if uint32(regs[in.dst&15]) == uint32(regs[in.src&15]) {
				pc = int(in.off)
			}
		case opJgt32R:
			if uint32(regs[in.dst&15]) > uint32(regs[in.src&15]) {
				pc = int(in.off)
			}
		case opJge32R:
			if uint32(regs[in.dst&15]) >= uint32(regs[in.src&15]) {
				pc = int(in.off)
			}
		case opJset32R:
			if uint32(regs[in.dst&15])&uint32(regs[in.src&15]) != 0 {
				pc = int(in.off)
			}
		case opJne32R:
			if uint32(regs[in.dst&15]) != uint32(regs[in.src&15]) {
				pc = int(in.off)
			}
		case opJsgt32R:
			if int32(regs[in.dst&15]) > int32(regs[in.src&15]) {
				pc = int(in.off)
			}
		case opJsge32R:
			if int32(regs[in.dst&15]) >= int32(regs[in.src&15]) {
				pc = int(in.off)
			}
		case opJlt32R:
			if uint32(regs[in.dst&15]) < uint32(regs[in.src&15]) {
				pc = int(in.off)
			}
		case opJle32R:
			if uint32(regs[in.dst&15]) <= uint32(regs[in.src&15]) {
				pc = int(in.off)
			}
		case opJslt32R:
			if int32(regs[in.dst&15]) < int32(regs[in.src&15]) {
				pc = int(in.off)
			}
		case opJsle32R:
			if int32(regs[in.dst&15]) <= int32(regs[in.src&15]) {
				pc = int(in.off)
			}

		// Superinstructions.
		case opLdxHBe16Add:
			// ldxh dst,[src+imm]; be16 dst; add acc, dst (acc in off)
			a := regs[in.src&15] + in.imm
			if i := a >> regionShift; i < uint64(len(spans)) {
				if b := spans[i].r; a&offMask+2 <= uint64(len(b)) {
					x := uint64(binary.BigEndian.Uint16(b[a&offMask:]))
					regs[in.dst&15] = x
					regs[in.off&15] += x
					pc += 2
					continue
				}
			}
			goto slow
		case opMovRshI:
			regs[in.dst&15] = regs[in.src&15] >> (in.imm & 63)
			pc++
		case opMovLshI:
			regs[in.dst&15] = regs[in.src&15] << (in.imm & 63)
			pc++
		case opMovAndI:
			regs[in.dst&15] = regs[in.src&15] & in.imm
			pc++
		case opAndIAddR:
			regs[in.dst&15] &= in.imm
			regs[in.dst&15] += regs[in.src&15]
			pc++
		case opAddRAndI:
			regs[in.dst&15] += regs[in.src&15]
			regs[in.dst&15] &= in.imm
			pc++
		case opMovAddI:
			regs[in.dst&15] = regs[in.src&15] + in.imm
			pc++
		case opAddJltI:
			x := regs[in.dst&15] + uint64(int64(int8(in.src)))
			regs[in.dst&15] = x
			pc++
			if x < in.imm {
				pc = int(in.off)
			}
		case opAddJleI:
			x := regs[in.dst&15] + uint64(int64(int8(in.src)))
			regs[in.dst&15] = x
			pc++
			if x <= in.imm {
				pc = int(in.off)
			}
		case opAddJneI:
			x := regs[in.dst&15] + uint64(int64(int8(in.src)))
			regs[in.dst&15] = x
			pc++
			if x != in.imm {
				pc = int(in.off)
			}
		case opAddIJa:
			regs[in.dst&15] += in.imm
			pc = int(in.off)
		case opRshIJa:
			regs[in.dst&15] >>= in.imm & 63
			pc = int(in.off)
		case opAddRJa:
			regs[in.dst&15] += regs[in.src&15]
			pc = int(in.off)
		case opAddJltR:
			x := regs[in.dst&15] + in.imm
			regs[in.dst&15] = x
			pc++
			if x < regs[in.src&15] {
				pc = int(in.off)
			}
		case opAddJleR:
			x := regs[in.dst&15] + in.imm
			regs[in.dst&15] = x
			pc++
			if x <= regs[in.src&15] {
				pc = int(in.off)
			}
		case opAddJneR:
			x := regs[in.dst&15] + in.imm
			regs[in.dst&15] = x
			pc++
			if x != regs[in.src&15] {
				pc = int(in.off)
			}

		default:
			goto slow
		}
		continue
	slow:
		// Run the plain instruction at pc-1 out of line. A fused entry
		// whose fast path failed runs only its first instruction.
		v.left = left + int64(in.n) - 1
		v.pc = pc - 1
		switch v.step(base) {
		case stepNext:
		case stepDone:
			v.remaining += v.left
			return regs[0]
		default:
			return v.stop(v.left)
		}
		pc, left, code, spans = v.pc, v.left, v.code(), v.sp.spans
	}
}

// code returns the code array the loop should run.
func (v *vm) code() []inst {
	if v.traceOn {
		return v.prog.plain
	}
	return v.prog.code
}

func sdiv64(a, b uint64) uint64 {
	if b == 0 {
		return 0
	}
	if int64(b) == -1 {
		return -a
	}
	return uint64(int64(a) / int64(b))
}

func smod64(a, b uint64) uint64 {
	if b == 0 {
		return a
	}
	if int64(b) == -1 {
		return 0
	}
	return uint64(int64(a) % int64(b))
}

func sdiv32(a, b uint64) uint64 {
	x, y := int32(a), int32(b)
	if y == 0 {
		return 0
	}
	if y == -1 {
		return uint64(uint32(-x))
	}
	return uint64(uint32(x / y))
}

func smod32(a, b uint64) uint64 {
	x, y := int32(a), int32(b)
	if y == 0 {
		return uint64(uint32(x))
	}
	if y == -1 {
		return 0
	}
	return uint64(uint32(x % y))
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
