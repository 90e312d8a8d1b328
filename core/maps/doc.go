// Package maps implements eBPF map kinds with Linux 6.1's semantics: the
// checks made when a map is created, the update flags (BPF_ANY,
// BPF_NOEXIST, BPF_EXIST), capacity limits and the errno of every
// failure, iteration order where the kernel's is deterministic, and the
// per-kind operations helpers need (push/pop/peek for queue and stack,
// reserve/submit for ring buffers, prog_array slots for tail calls).
//
// Values returned by Lookup alias the map's storage: a program that
// writes through the pointer it got from bpf_map_lookup_elem changes the
// map, as in the kernel. The runtime is single-threaded and has one
// CPU (CPU 0), like the kernel oracle's -smp 1 VM: per-CPU maps hold one
// value per key, which userspace sees rounded up to 8 bytes.
package maps
