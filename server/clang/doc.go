// Package clang compiles C to BPF objects with the system's clang
// (`clang -O2 -g -target bpf -c`), for POST /api/compile.
//
// Clang is a large program fed untrusted source, so each run happens in
// its own process, confined before clang starts:
//
//   - resource limits: CPU time, address space (memory), output file
//     size, open files, no core dumps; plus a wall-clock deadline after
//     which the whole process group is killed;
//   - no network: a fresh network namespace (when the server may create
//     one) and Landlock's TCP rules;
//   - no file system beyond what a compiler needs: Landlock (Linux ≥
//     5.13) lets the process read and execute /usr, /lib*, /bin and read
//     /etc/ld.so.cache, and write only its own scratch directory. So
//     `#include "/etc/passwd"`, `.incbin "/proc/self/environ"` and the
//     like fail instead of leaking the server's files into diagnostics
//     or objects.
//
// The confinement is applied by a small helper: the server's own binary
// re-executed with BPFPLAY_CLANG_JAIL set, which this package's init
// recognises (so it works in every binary that links the package,
// including test binaries). The helper sets the limits, restricts
// itself, and execs clang; clang inherits every restriction.
package clang
