/*
 * pcapdump: print a classic BPF program with libpcap's own bpf_dump(),
 * the function behind tcpdump -d, -dd and -ddd. It reads raw sock_filter
 * structs (8 bytes each, host byte order) from stdin and prints them at
 * the level given as argv[1] (1 = -d, 2 = -dd, 3 = -ddd). Used only to
 * make golden test data (see gen.sh); bpfplay's tests never run it.
 */
#include <pcap.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	static struct bpf_insn insns[65536];
	struct bpf_program prog;
	size_t n;
	int level = argc > 1 ? atoi(argv[1]) : 1;

	n = fread(insns, sizeof(insns[0]), 65536, stdin);
	prog.bf_len = n;
	prog.bf_insns = insns;
	bpf_dump(&prog, level);
	return 0;
}
