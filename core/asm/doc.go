// Package asm holds what bpfplay's two assemblers share: source positions,
// position-carrying errors with typed codes, and a Builder that collects
// instructions, resolves labels into slot-relative offsets and records
// which source line produced each instruction.
//
// The dialects themselves live in subpackages:
//
//   - asm/kernel: the text Linux's verifier log and llvm-objdump print
//     (r0 = 1, if r1 > 0x5 goto pc+3, call bpf_map_lookup_elem#1 ...),
//     and the printer that reproduces Linux 6.1's log byte for byte.
//   - asm/conformance: the dialect of the bpf_conformance suite
//     (mov %r0, 1, ldxw %r0, [%r1+4] ...) and its .data test files.
//
// Both assemblers produce an isa.Program, so text written in one dialect
// can be printed in the other.
package asm
