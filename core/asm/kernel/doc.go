// Package kernel reads and writes the eBPF assembly text that Linux's
// verifier log and llvm-objdump print:
//
//	r0 = 1
//	w1 += w2
//	r0 = *(u32 *)(r1 +4)
//	*(u64 *)(r10 -8) = r1
//	if r1 > 0x5 goto pc+3
//	call bpf_map_lookup_elem#1
//	r1 = 0x1122334455667788 ll
//	lock *(u64 *)(r1 +0) += r2
//	exit
//
// The printer has three styles. Linux61 is byte for byte the instruction
// text of Linux 6.1's verifier log ("5: (85) call bpf_map_lookup_elem#1"),
// including the odd way 6.1 prints the cpu v4 instructions it does not
// know. Kernel, the default, is the same text without the opcode prefix,
// with the cpu v4 forms spelled as newer kernels print them and with every
// instruction spelled so that it assembles back to the same bytes. LLVM is
// the spelling of llvm-objdump 19.
//
// The assembler reads all three, so a line pasted from a verifier log
// (with its "N: (xx)" prefix and "; R1=..." state comment) or from
// llvm-objdump (with its address and byte columns) assembles. See
// docs/asm.md for the grammar.
package kernel
