// Package helpers implements eBPF helper functions, by their Linux 6.1
// numbers, for the interpreter. A helper sees the running program
// through Machine: checked access to the program's memory, the maps
// behind map pointers, the context model, and State (a deterministic
// virtual clock, a seedable PRNG, a configurable fake task and fake
// kernel memory, and the captured outputs: trace_pipe text, perf and
// ring buffer records).
//
// Prototypes (argument types for the verifier) are in helpers/proto,
// owned by the verifier.
package helpers
