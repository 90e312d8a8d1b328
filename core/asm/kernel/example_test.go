package kernel_test

import (
	"fmt"
	"os"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/isa"
)

func ExamplePrinter_Line() {
	// The verifier prints each instruction as Linux 6.1 does; map
	// pointers come from a hook (the kernel prints the map's address).
	p := &kernel.Printer{Style: kernel.Linux61,
		Imm64: func(pc int, ins isa.Instruction) string { return "0xffff8880051f6c00" }}
	prog := isa.Program{
		{OpCode: 0x7a, Dst: isa.R10, Off: -8},
		isa.LdImm64Pseudo(isa.R1, isa.PseudoMapFD, 0, 0),
		{OpCode: isa.OpCall, Imm: 1},
		{OpCode: 0x15, Dst: isa.R0, Off: 4},
		{OpCode: 0xdb, Dst: isa.R1, Src: isa.R2, Imm: int64(isa.AtomicAdd)},
	}
	for i, pc := range prog.PCs() {
		fmt.Println(p.Line(pc, prog[i]))
	}
	// Output:
	// 0: (7a) *(u64 *)(r10 -8) = 0
	// 1: (18) r1 = 0xffff8880051f6c00
	// 3: (85) call bpf_map_lookup_elem#1
	// 4: (15) if r0 == 0x0 goto pc+4
	// 5: (db) lock *(u64 *)(r1 +0) += r2
}

func ExampleInsn() {
	sdiv := isa.Instruction{OpCode: 0x3f, Dst: isa.R0, Src: isa.R1, Off: 1}
	fmt.Printf("%v\n", kernel.Insn(sdiv))  // the Kernel style knows cpu v4
	fmt.Printf("%+v\n", kernel.Insn(sdiv)) // Linux 6.1 prints it as a plain division
	// Output:
	// r0 s/= r1
	// (3f) r0 /= r1
}

func ExamplePrinter_Program() {
	prog := isa.Program{
		{OpCode: 0xb7, Dst: isa.R0},
		{OpCode: 0x07, Dst: isa.R0, Imm: 1},
		{OpCode: 0xa5, Dst: isa.R0, Imm: 10, Off: -2},
		{OpCode: isa.OpExit},
	}
	(&kernel.Printer{Label: kernel.AutoLabels(prog)}).Program(os.Stdout, prog)
	(&kernel.Printer{Style: kernel.LLVM}).Program(os.Stdout, prog)
	// Output:
	// r0 = 0
	// L1:
	// r0 += 1
	// if r0 < 0xa goto L1
	// exit
	// r0 = 0x0
	// r0 += 0x1
	// if r0 < 0xa goto -0x2
	// exit
}

func ExampleForListing() {
	l, err := kernel.Assemble(`
	r1 = map[counts] ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r0 = *(u64 *)(r0 +0)
out:
	exit`)
	if err != nil {
		fmt.Println(err)
		return
	}
	kernel.ForListing(l).Program(os.Stdout, l.Program)
	// Output:
	// r1 = map[counts]
	// call bpf_map_lookup_elem#1
	// if r0 == 0x0 goto out
	// r0 = *(u64 *)(r0 +0)
	// out:
	// exit
}
