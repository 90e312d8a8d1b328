// Package interp runs eBPF programs: every instruction of RFC 9669 (cpu
// v4 included), Linux's call and ld_imm64 forms, the legacy packet loads,
// bpf-to-bpf calls, tail calls, maps and helpers, over a checked address
// space.
//
// A program is compiled once (Compile) into a dense array of decoded
// instructions whose jump targets are absolute, then run any number of
// times (Program.Run) with an Env: the context, the packet, an
// instruction budget, a cancellation flag and an optional trace. The
// dispatch loop is one switch over specialised opcodes with no closures
// and no allocation per executed instruction.
//
// Memory is a set of regions (see mem.go): each frame's 512-byte stack,
// the context, the packet, map values, helper buffers. An address is the
// region's number in its upper 32 bits and the offset in the lower 32,
// so checking an access is a shift, an index and a compare. A load or
// store outside every region stops the program with a *Fault naming the
// pc and the address; the host's memory is never reachable.
//
// The program runs as its author wrote it, before the verifier's
// rewrites: context fields are read and written through the Go model of
// the kernel object (progtype.Context).
package interp
