// Package isa is the eBPF instruction set: the encoding of one instruction
// slot, the typed fields of its opcode byte, logical instructions (where
// ld_imm64 is one instruction of width two), and strict decoding with
// errors that name the offending slot.
//
// It covers RFC 9669 in all its conformance groups (including the cpu v4
// additions sdiv/smod, movsx, ldsx, bswap and gotol), callx, and the
// Linux-specific forms: ld_imm64 with every pseudo source, calls to
// helpers, bpf-to-bpf functions and kfuncs, and the legacy packet loads.
//
// Every other package of bpfplay speaks in these types. The raw opcode
// byte stays visible everywhere (OpCode is a byte), because bpfplay is a
// teaching tool and people read the kernel log's "(85)" prefixes.
//
// The layout of one 64-bit slot, little endian:
//
//	 0       8      12      16                      32                              64
//	+--------+-------+-------+-----------------------+-------------------------------+
//	| opcode |  dst  |  src  |    offset (s16)       |        immediate (s32)        |
//	+--------+-------+-------+-----------------------+-------------------------------+
package isa
