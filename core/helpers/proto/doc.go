// Package proto holds Linux 6.1's helper prototypes as the verifier sees
// them: for every helper, the kind of each argument (a map pointer, a
// pointer to a key, memory plus its size, the context, anything...), the
// kind of value it returns, whether it is GPL-only, and which program
// types may call it (the kernel's per-type get_func_proto functions).
//
// The prototypes are facts about the kernel's ABI; the verifier in
// core/verifier checks calls against them, and the interpreter's helper
// implementations (core/helpers) are written to match them.
package proto
