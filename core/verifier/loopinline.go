package verifier

// bpfMaxLoops is BPF_MAX_LOOPS, the most iterations bpf_loop allows.
const bpfMaxLoops = 8 * 1024 * 1024

// optimizeBPFLoop inlines bpf_loop calls whose flags are always 0 and
// whose callback is always the same: a counted loop calling the callback
// directly, with r6-r8 saved in three extra stack slots of the caller.
func (v *verifier) optimizeBPFLoop() error {
	cur := 0
	depth := v.subprogs[0].stackDepth
	roundup := (depth+7)&^7 - depth
	extra := 0
	n := len(v.insns)
	delta := 0
	for i0 := 0; i0 < n; i0++ {
		i := i0 + delta
		in := v.insns[i]
		st := v.aux[i].loopInline
		if in.code == clsJMP|opCALL && in.src == 0 && in.imm == fnLoop && st.fitForInline {
			extra = 3*regSize + roundup
			base := int16(-(depth + extra))
			r6, r7, r8 := base, base+8, base+16
			p := []insn{
				jmpImm(opJLE, 1, bpfMaxLoops, 2),
				mov32Imm(0, -7), // -E2BIG
				ja(16),
				stxMem(szDW, regFP, 6, r6),
				stxMem(szDW, regFP, 7, r7),
				stxMem(szDW, regFP, 8, r8),
				mov64Reg(6, 1),
				mov32Imm(7, 0),
				mov64Reg(8, 3),
				jmpReg(opJGE, 7, 6, 5),
				mov64Reg(1, 7),
				mov64Reg(2, 8),
				{code: clsJMP | opCALL, src: pseudoCall},
				aluImm(clsALU64, opADD, 7, 1),
				jmpImm(opJEQ, 0, 0, -6),
				mov64Reg(0, 7),
				ldxMem(szDW, 6, regFP, r6),
				ldxMem(szDW, 7, regFP, r7),
				ldxMem(szDW, 8, regFP, r8),
			}
			if err := v.patch(i, p); err != nil {
				return err
			}
			call := i + 12
			v.insns[call].imm = int32(v.subprogs[st.callbackSubprogno].start - call - 1)
			delta += len(p) - 1
			i = i0 + delta
		}
		if cur+1 < len(v.subprogs) && v.subprogs[cur+1].start == i+1 {
			v.subprogs[cur].stackDepth += extra
			cur++
			depth = v.subprogs[cur].stackDepth
			roundup = (depth+7)&^7 - depth
			extra = 0
		}
	}
	// the last subprogram's extra (the kernel's sentinel start is the
	// program's end)
	if cur < len(v.subprogs) && extra != 0 {
		v.subprogs[cur].stackDepth += extra
	}
	return nil
}
