// Package conformance reads and writes the assembly dialect of the
// bpf_conformance suite (github.com/Alan-Jowett/bpf_conformance, uBPF's
// assembler syntax) and its .data test files.
//
//	mov %r0, 1
//	ldxw %r1, [%r1+4]
//	jne %r1, 0x81, L1
//	lock fetch add [%r10-8], %r1
//	call local func1
//
// The grammar is described in testdata/conformance/README.md and
// docs/asm.md. bpfplay accepts a little more than upstream (operands
// separated by commas without blanks, blanks inside brackets, an
// instruction after a label on the same line, the legacy packet loads
// ldabs*/ldind*, and ".slot" for raw slots) but every upstream program
// means the same here.
package conformance
