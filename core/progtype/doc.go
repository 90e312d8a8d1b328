// Package progtype is the registry of eBPF program types as Linux 6.1
// knows them: their names and enum numbers, the attach types they take,
// the uapi context structs they receive in r1 (__sk_buff, xdp_md,
// pt_regs, ...) with every field's offset and size, the names of their
// return codes, and the runtime models of those contexts that the
// interpreter reads and writes.
//
// The interpreter runs a program as its author wrote it, before the
// verifier rewrites context accesses into kernel-struct accesses, so a
// context is a checked region whose uapi fields read and write a Go
// model of the kernel object (see context.go). The verifier's rules for
// which fields a program type may touch live beside this registry in
// files named access_*.go, owned by the verifier.
package progtype
