package cbpf

// Canonical returns p with the fields its instructions ignore set to
// zero (k of tax or "ret a", jt/jf outside conditional jumps, ...). The
// text formats that spell instructions by mnemonic (tcpdump -d, bpf_asm)
// cannot carry those fields, so a program survives them only in this
// form; tools (tcpdump, bpf_asm) only ever produce canonical programs.
func Canonical(p Program) Program {
	out := make(Program, len(p))
	for pc, i := range p {
		out[pc] = canonicalInsn(i)
	}
	return out
}

func canonicalInsn(i Instruction) Instruction {
	c := Instruction{Code: i.Code}
	if i.IsCondJump() {
		c.Jt, c.Jf = i.Jt, i.Jf
	}
	op, known := tcpdumpOps[i.Code]
	if !known {
		return c // printed as "unimp 0xCODE": only the code (and targets) survive
	}
	switch op.arg {
	case argImmHex, argImmDec, argMem, argAbs, argInd, argMsh, argJa, argJmpImm:
		c.K = i.K
	}
	return c
}
