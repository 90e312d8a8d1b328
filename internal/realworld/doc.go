// Package realworld holds bpfplay's real-world corpus: eBPF programs
// written in the style of production projects (container networking,
// load balancers, firewalls, IDS capture paths, tracing agents, the
// kernel's samples), compiled by Debian's clang into the objects under
// testdata/realworld, turned into program records by core/elf, and
// answered by the real Linux 6.1 kernel (scripts/oracle.sh).
//
// The package describes each program (object, function, the packet or
// context it is test-run on, the map entries it starts with), builds its
// record, and its test runs every record through bpfplay's load pipeline
// and compares with the kernel's answers: verdict, error line, errno,
// insns_processed, the whole verifier log, the xlated program, the test
// run and the maps after it. See docs/realworld.md.
package realworld
