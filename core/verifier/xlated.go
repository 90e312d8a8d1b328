package verifier

import "math"

// The rewrites that turn the loaded program into the one the kernel
// runs ("xlated"). Linux patches the program in place: a patch replaces
// one instruction by several, every jump across it is moved, the
// per-instruction data follows, subprograms shift. The passes run in
// Linux's order after the verification proper; their results are what
// `bpftool prog dump xlated` shows.

// Instruction builders (the kernel's BPF_* macros, by meaning).
func aluImm(cls, op uint8, dst uint8, imm int32) insn {
	return insn{code: cls | op | srcK, dst: dst, imm: imm}
}
func aluReg(cls, op uint8, dst, src uint8) insn {
	return insn{code: cls | op | srcX, dst: dst, src: src}
}
func ldxMem(size uint8, dst, src uint8, off int16) insn {
	return insn{code: clsLDX | mdMEM | size, dst: dst, src: src, off: off}
}
func stxMem(size uint8, dst, src uint8, off int16) insn {
	return insn{code: clsSTX | mdMEM | size, dst: dst, src: src, off: off}
}
func stMem(size uint8, dst uint8, off int16, imm int32) insn {
	return insn{code: clsST | mdMEM | size, dst: dst, off: off, imm: imm}
}
func jmpImm(op uint8, dst uint8, imm int32, off int16) insn {
	return insn{code: clsJMP | op | srcK, dst: dst, imm: imm, off: off}
}
func jmp32Imm(op uint8, dst uint8, imm int32, off int16) insn {
	return insn{code: clsJMP32 | op | srcK, dst: dst, imm: imm, off: off}
}
func jmpReg(op uint8, dst, src uint8, off int16) insn {
	return insn{code: clsJMP | op | srcX, dst: dst, src: src, off: off}
}
func ja(off int16) insn            { return insn{code: clsJMP | opJA, off: off} }
func mov64Reg(dst, src uint8) insn { return aluReg(clsALU64, opMOV, dst, src) }
func mov64Imm(dst uint8, imm int32) insn {
	return aluImm(clsALU64, opMOV, dst, imm)
}
func mov32Imm(dst uint8, imm int32) insn { return aluImm(clsALU, opMOV, dst, imm) }
func mov32Reg(dst, src uint8) insn       { return aluReg(clsALU, opMOV, dst, src) }
func callImm(imm int32) insn             { return insn{code: clsJMP | opCALL, imm: imm} }
func exitInsn() insn                     { return insn{code: clsJMP | opEXIT} }
func ldImm64(dst uint8, v uint64) [2]insn {
	return [2]insn{{code: clsLD | mdIMM | szDW, dst: dst, imm: int32(uint32(v))}, {imm: int32(uint32(v >> 32))}}
}

// regAX is the kernel's hidden register BPF_REG_AX (r11).
const regAX = 11

// stNospec is BPF_ST | BPF_NOSPEC: a speculation barrier.
var stNospec = insn{code: clsST | mdNOSPEC}

// insnDefRegno is the register an instruction writes, or -1.
func insnDefRegno(in insn) int {
	switch in.class() {
	case clsJMP, clsJMP32, clsST:
		return -1
	case clsSTX:
		if in.mode() == mdATOMIC && in.imm&atomicFetch != 0 {
			if in.imm == atomicCmpxchg {
				return 0
			}
			return int(in.src)
		}
		return -1
	}
	return int(in.dst)
}

// insnHasDef32 reports an instruction writing only the low 32 bits.
func (v *verifier) insnHasDef32(in insn) bool {
	d := insnDefRegno(in)
	if d == -1 {
		return false
	}
	return !v.isReg64(in, d, nil, dstOp)
}

// adjBranches moves the targets of jumps (and pc-relative calls and
// function addresses) for a change that turned [pos, endOld) into [pos,
// endNew). It fails when an offset no longer fits.
func adjBranches(insns []insn, pos, endOld, endNew int) bool {
	delta := endNew - endOld
	for i := range insns {
		in := &insns[i]
		if isPseudoFunc(*in) || (in.code == clsJMP|opCALL && in.src == pseudoCall) {
			imm := int64(in.imm)
			if i < pos && i+int(imm)+1 >= endOld {
				imm += int64(delta)
			} else if i >= endNew && i+int(imm)+1 < endNew {
				imm -= int64(delta)
			}
			if imm < math.MinInt32 || imm > math.MaxInt32 {
				return false
			}
			in.imm = int32(imm)
			continue
		}
		cls := in.class()
		if (cls != clsJMP && cls != clsJMP32) || in.op() == opEXIT || in.op() == opCALL {
			continue
		}
		gotol := in.code == clsJMP32|opJA
		off := int64(in.off)
		lo, hi := int64(math.MinInt16), int64(math.MaxInt16)
		if gotol {
			off = int64(in.imm)
			lo, hi = math.MinInt32, math.MaxInt32
		}
		if i < pos && int64(i)+off+1 >= int64(endOld) {
			off += int64(delta)
		} else if i >= endNew && int64(i)+off+1 < int64(endNew) {
			off -= int64(delta)
		}
		if off < lo || off > hi {
			return false
		}
		if gotol {
			in.imm = int32(off)
		} else {
			in.off = int16(off)
		}
	}
	return true
}

// patch replaces the instruction at off by the instructions of p, as
// bpf_patch_insn_data does: the original's per-instruction data moves to
// the last instruction of the patch, the new ones get fresh data (but
// the original's origIdx: they stand for it in Result.XlatedOrig).
func (v *verifier) patch(off int, p []insn) error {
	n := len(p)
	if n == 1 {
		v.insns[off] = p[0]
		v.aux[off].zextDst = v.insnHasDef32(p[0])
		return nil
	}
	if v.batching {
		v.pending = append(v.pending, pendingPatch{off, p})
		return nil
	}
	if len(v.insns)+n-1 > math.MaxInt16 {
		// probe whether every jump still fits
		probe := make([]insn, 0, len(v.insns)+n-1)
		probe = append(probe, v.insns[:off]...)
		probe = append(probe, p...)
		probe = append(probe, v.insns[off+1:]...)
		if !adjBranches(probe, off, off+1, off+n) {
			v.verbose("insn %d cannot be patched due to 16-bit range\n", v.aux[off].origIdx)
			return errENOMEM
		}
	}
	insns := make([]insn, 0, len(v.insns)+n-1)
	insns = append(insns, v.insns[:off]...)
	insns = append(insns, p...)
	insns = append(insns, v.insns[off+1:]...)
	adjBranches(insns, off, off+1, off+n)

	seen, orig := v.aux[off].seen, v.aux[off].origIdx
	v.aux[off].zextDst = v.insnHasDef32(insns[off+n-1])
	aux := make([]insnAux, 0, len(v.aux)+n-1)
	aux = append(aux, v.aux[:off]...)
	for i := off; i < off+n-1; i++ {
		aux = append(aux, insnAux{seen: seen, zextDst: v.insnHasDef32(insns[i]), origIdx: orig})
	}
	aux = append(aux, v.aux[off:]...)
	v.insns, v.aux = insns, aux
	for i := range v.subprogs {
		if v.subprogs[i].start > off {
			v.subprogs[i].start += n - 1
		}
	}
	return nil
}

// adjustSubprogStartsAfterRemove is adjust_subprog_starts_after_remove
// for the removal of cnt instructions at off from a program of n
// instructions: subprograms lying entirely within them disappear.
func (v *verifier) adjustSubprogStartsAfterRemove(off, cnt, n int) {
	start := func(k int) int {
		if k == len(v.subprogs) {
			return n // the kernel's sentinel
		}
		return v.subprogs[k].start
	}
	i := 0
	for i < len(v.subprogs) && start(i) < off {
		i++
	}
	j := i
	for j < len(v.subprogs) && start(j) < off+cnt {
		j++
	}
	if start(j) != off+cnt {
		j--
	}
	if j > i {
		v.subprogs = append(v.subprogs[:i], v.subprogs[j:]...)
	} else if i < len(v.subprogs) && start(i) == off {
		i++
	}
	for ; i < len(v.subprogs); i++ {
		v.subprogs[i].start -= cnt
	}
}

// removeRanges deletes the instruction ranges rs (sorted, disjoint,
// [from, to) in the current numbering) with the result of removing them
// one after the other, left to right, as verifier_remove_insns does — in
// linear time. Removing [a, b) leaves a jump into it pointing at the
// instruction that slides into its target's place, b-a further on; a
// jump elsewhere keeps its target.
func (v *verifier) removeRanges(rs [][2]int) {
	if len(rs) == 0 {
		return
	}
	n := len(v.insns)
	// subprograms, range by range in the numbering of the moment
	removed := 0
	for _, r := range rs {
		v.adjustSubprogStartsAfterRemove(r[0]-removed, r[1]-r[0], n-removed)
		removed += r[1] - r[0]
	}
	// newIdx[i]: where instruction i (or, when removed, the first kept
	// one after it) ends up
	newIdx := make([]int32, n+1)
	inRange := make([]int32, n) // 1 + index of the range holding i, 0 if kept
	k, cnt := 0, 0
	for _, r := range rs {
		for ; k < r[0]; k++ {
			newIdx[k] = int32(cnt)
			cnt++
		}
		for ; k < r[1]; k++ {
			newIdx[k] = int32(cnt)
		}
	}
	for ; k < n; k++ {
		newIdx[k] = int32(cnt)
		cnt++
	}
	newIdx[n] = int32(cnt)
	for ri, r := range rs {
		for k := r[0]; k < r[1]; k++ {
			inRange[k] = int32(ri + 1)
		}
	}
	resolve := func(t int) int {
		for t >= 0 && t < n && inRange[t] != 0 {
			r := rs[inRange[t]-1]
			t += r[1] - r[0]
		}
		return t
	}
	index := func(t int) int64 {
		switch {
		case t < 0:
			return int64(t)
		case t > n:
			return int64(newIdx[n]) + int64(t-n)
		}
		return int64(newIdx[t])
	}
	insns := make([]insn, 0, cnt)
	aux := make([]insnAux, 0, cnt)
	for i := range v.insns {
		if inRange[i] != 0 {
			continue
		}
		in := v.insns[i]
		cur := int64(newIdx[i])
		if isPseudoFunc(in) || (in.code == clsJMP|opCALL && in.src == pseudoCall) {
			t := resolve(i + int(in.imm) + 1)
			in.imm = int32(index(t) - cur - 1)
		} else if cls := in.class(); (cls == clsJMP || cls == clsJMP32) && in.op() != opEXIT && in.op() != opCALL {
			if in.code == clsJMP32|opJA {
				t := resolve(i + int(in.imm) + 1)
				in.imm = int32(index(t) - cur - 1)
			} else {
				t := resolve(i + int(in.off) + 1)
				in.off = int16(index(t) - cur - 1)
			}
		}
		insns = append(insns, in)
		aux = append(aux, v.aux[i])
	}
	v.insns, v.aux = insns, aux
}

// insnIsCondJump: conditional jumps (not ja, exit, call).
func insnIsCondJump(code uint8) bool {
	op := code & 0xf0
	switch code & 0x07 {
	case clsJMP32:
		return op != opJA
	case clsJMP:
		return op != opJA && op != opEXIT && op != opCALL
	}
	return false
}

// sanitizeDeadCode: for unprivileged programs, instructions never
// reached become jumps to themselves.
func (v *verifier) sanitizeDeadCode() {
	for i := range v.insns {
		if v.aux[i].seen != 0 {
			continue
		}
		v.insns[i] = ja(-1)
		v.aux[i].zextDst = false
	}
}

// hardWireDeadCodeBranches: a conditional jump one of whose sides was
// never taken becomes an unconditional jump (or a no-op).
func (v *verifier) hardWireDeadCodeBranches() {
	for i := range v.insns {
		in := v.insns[i]
		if !insnIsCondJump(in.code) {
			continue
		}
		var j insn
		switch {
		case v.aux[i+1].seen == 0:
			j = ja(in.off)
		case v.aux[i+1+int(in.off)].seen == 0:
			j = ja(0)
		default:
			continue
		}
		v.insns[i] = j
	}
}

// removeDeadCode removes every instruction never reached, in maximal
// runs.
func (v *verifier) removeDeadCode() {
	var rs [][2]int
	for i := 0; i < len(v.insns); {
		j := i
		for j < len(v.insns) && v.aux[j].seen == 0 {
			j++
		}
		if j > i {
			rs = append(rs, [2]int{i, j})
			i = j
		} else {
			i++
		}
	}
	v.removeRanges(rs)
}

// removeNops removes "goto +0". Removing one can turn an earlier jump
// into "goto +0": the kernel's scan has passed it, so it stays.
func (v *verifier) removeNops() {
	nop := ja(0)
	var rs [][2]int
	for i := range v.insns {
		if v.insns[i] == nop {
			rs = append(rs, [2]int{i, i + 1})
		}
	}
	v.removeRanges(rs)
}

// pendingPatch is a patch of a pass that applies its patches at once.
type pendingPatch struct {
	off int
	p   []insn
}

// beginBatch makes patch record its patches: a pass that patches many
// instructions (every ctx access, every ld_abs...) applies them together
// in endBatch, in linear time. The result is the one patching them one by
// one gives: a jump lands where its target instruction's replacement
// starts, the new instructions' own jumps stay relative, subprograms
// start where their first instruction's replacement starts.
func (v *verifier) beginBatch() {
	v.batching = true
	v.pending = v.pending[:0]
}

// endBatch applies the recorded patches (in increasing position).
func (v *verifier) endBatch() error {
	v.batching = false
	ps := v.pending
	if len(ps) == 0 {
		return nil
	}
	growth := 0
	for _, pp := range ps {
		growth += len(pp.p) - 1
	}
	if len(v.insns)+growth > math.MaxInt16 {
		// Offsets may overflow: patch one by one for Linux's exact
		// failure point and message.
		for i := len(ps) - 1; i >= 0; i-- {
			if err := v.patch(ps[i].off, ps[i].p); err != nil {
				return err
			}
		}
		return nil
	}
	old := v.insns
	// newStart[i]: where old instruction i (or its replacement) begins;
	// inPatch marks new instructions that came from a patch.
	newStart := make([]int, len(old)+1)
	insns := make([]insn, 0, len(old)+growth)
	aux := make([]insnAux, 0, len(old)+growth)
	fromPatch := make([]bool, 0, len(old)+growth)
	origOf := make([]int, 0, len(old)+growth)
	k := 0
	for i := range old {
		newStart[i] = len(insns)
		if k < len(ps) && ps[k].off == i {
			p := ps[k].p
			seen := v.aux[i].seen
			for j := 0; j < len(p)-1; j++ {
				insns = append(insns, p[j])
				aux = append(aux, insnAux{seen: seen, zextDst: v.insnHasDef32(p[j]), origIdx: v.aux[i].origIdx})
				fromPatch = append(fromPatch, true)
				origOf = append(origOf, -1)
			}
			a := v.aux[i]
			a.zextDst = v.insnHasDef32(p[len(p)-1])
			insns = append(insns, p[len(p)-1])
			aux = append(aux, a)
			fromPatch = append(fromPatch, true)
			origOf = append(origOf, -1)
			k++
			continue
		}
		insns = append(insns, old[i])
		aux = append(aux, v.aux[i])
		fromPatch = append(fromPatch, false)
		origOf = append(origOf, i)
	}
	newStart[len(old)] = len(insns)
	for n, in := range insns {
		i := origOf[n]
		if fromPatch[n] || i < 0 {
			continue
		}
		target := func(rel int64) int64 {
			t := int64(i) + rel + 1
			if t < 0 || t > int64(len(old)) {
				return rel // out of range already: leave it
			}
			return int64(newStart[t]) - int64(n) - 1
		}
		switch {
		case isPseudoFunc(in) || (in.code == clsJMP|opCALL && in.src == pseudoCall):
			insns[n].imm = int32(target(int64(in.imm)))
		case in.class() == clsJMP || in.class() == clsJMP32:
			if in.op() == opEXIT || in.op() == opCALL {
				continue
			}
			if in.code == clsJMP32|opJA {
				insns[n].imm = int32(target(int64(in.imm)))
			} else {
				insns[n].off = int16(target(int64(in.off)))
			}
		}
	}
	for i := range v.subprogs {
		v.subprogs[i].start = newStart[v.subprogs[i].start]
	}
	v.insns, v.aux = insns, aux
	v.pending = ps[:0]
	return nil
}
