// Package cbpf is classic BPF: the sock_filter programs of tcpdump,
// SO_ATTACH_FILTER and iptables' xt_bpf match.
//
// People arrive with a classic program in one of several textual or
// binary forms; this package reads all of them (tcpdump -d listings,
// tcpdump -dd C arrays, tcpdump -ddd decimal lines, the iptables
// bytecode string, raw sock_filter bytes and the kernel's bpf_asm
// syntax), detects which one it was given, and writes each back out.
//
// It then does to a program what Linux 6.1 does when a socket filter is
// attached: Check applies the rules of the kernel's classic checker
// (EINVAL for what Linux refuses), Convert rewrites the program into the
// eBPF the kernel actually runs (register mapping, scratch memory on the
// stack, ancillary loads as context loads or calls of kernel-internal
// functions), and Run executes the classic program on a packet with the
// kernel's semantics (loads beyond the packet end the filter with 0,
// division by zero returns 0, negative offsets reach the network and
// link-layer headers).
//
// Behaviour is matched against libpcap 1.10's printer (tcpdump -d),
// Linux 6.1's lib/test_bpf.c expectations and golang.org/x/net/bpf's
// virtual machine; see docs/cbpf.md.
package cbpf
