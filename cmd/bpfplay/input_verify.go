package main

// What verify needs from the input layer beyond a program record: the
// verdict on classic BPF, and the C source line of a rejection.

import (
	"fmt"

	"github.com/bpfplay/bpfplay/core/cbpf"
)

// verifyClassic answers 'bpfplay verify' for classic BPF. Linux never
// runs the eBPF verifier on a classic program: bpf_check_classic checks
// it (EINVAL when it refuses), then bpf_convert_filter turns it into the
// eBPF that runs.
func verifyClassic(e *env, in *input) int {
	if err := cbpf.Check(in.cprog); err != nil {
		fmt.Fprintf(e.stdout, "classic BPF: refused by Linux's bpf_check_classic (EINVAL): %v\n", err)
		fmt.Fprintf(e.stderr, "bpfplay verify: rejected (errno 22)\n")
		return exitBad
	}
	c, err := cbpf.Convert(in.cprog)
	if err != nil {
		return fail(e, "%s: %v", displayName(in.path), err)
	}
	fmt.Fprintf(e.stdout, "classic BPF: accepted by Linux's bpf_check_classic (%d instructions).\n"+
		"Linux converts classic programs to eBPF (%d instructions, stack depth %d; 'bpfplay cbpf --to ebpf' shows them)\n"+
		"and does not run the eBPF verifier on them, so there is no verifier log.\n",
		len(in.cprog), len(c.Insns), c.StackDepth)
	return exitOK
}

// sourceNote names the C source line of a rejected ELF program's error
// pc: the verifier log shows instructions, the user wrote C.
func sourceNote(e *env, in *input, pc int) {
	if in == nil || in.eprog == nil || pc < 0 {
		return
	}
	idx := in.eprog.Insns.SlotIndex()
	if pc >= len(idx) || idx[pc] < 0 {
		return
	}
	if l, ok := in.eprog.LineFor(idx[pc]); ok {
		fmt.Fprintf(e.stderr, "  pc %d is in %s\n", pc, l.Comment())
	}
}
