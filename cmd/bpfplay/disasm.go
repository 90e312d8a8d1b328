package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
)

func init() {
	register(&command{
		name:    "disasm",
		args:    "[--kernel-log] [--dialect kernel|llvm|conformance] [--hex] FILE|-",
		summary: "print eBPF instructions as text",
		help: `Reads instructions (raw little-endian bytes, or hex text with --hex; blanks
and newlines in the hex are ignored) and prints them one per line.

  --dialect kernel       the verifier log's text, with labels (the default);
                         assembles back with 'bpfplay asm'
  --dialect llvm         llvm-objdump 19's spelling
  --dialect conformance  the bpf_conformance dialect
  --kernel-log           exactly what Linux 6.1's verifier log prints for each
                         instruction: "5: (85) call bpf_map_lookup_elem#1"

Instructions that are not valid (a reserved field set, an unknown opcode)
still print (as .slot lines, or as 6.1 prints them with --kernel-log), and the
command then reports the first problem and exits 1.`,
		setup: func(fs *flag.FlagSet) func(*env, []string) int {
			dialect := fs.String("dialect", "kernel", "output dialect: kernel, llvm or conformance")
			kernelLog := fs.Bool("kernel-log", false, "print Linux 6.1's verifier-log text: pc: (opcode) insn")
			hexIn := fs.Bool("hex", false, "read hex text instead of raw bytes")
			return func(e *env, args []string) int {
				if len(args) != 1 {
					return usageError(e, "disasm", "want exactly one input file (or - for standard input)")
				}
				if *dialect != "kernel" && *dialect != "llvm" && *dialect != "conformance" {
					return usageError(e, "disasm", "unknown dialect %q (want kernel, llvm or conformance)", *dialect)
				}
				b, err := readInput(e, args[0])
				if err != nil {
					return fail(e, "%v", err)
				}
				if *hexIn {
					if b, err = record.ParseHex(strings.TrimPrefix(strings.TrimSpace(string(b)), "0x")); err != nil {
						return fail(e, "%s: %v", args[0], err)
					}
				}
				slots, err := isa.UnmarshalSlots(b)
				if err != nil {
					return fail(e, "%s: %v", args[0], err)
				}
				prog, err := isa.Pair(slots)
				if err != nil {
					return fail(e, "%s: %v", args[0], err)
				}
				fmt.Fprint(e.stdout, disassemble(prog, *dialect, *kernelLog))
				if _, err := isa.FromSlots(slots); err != nil {
					return fail(e, "%s: %v", args[0], err)
				}
				return exitOK
			}
		},
	})
}

func disassemble(prog isa.Program, dialect string, kernelLog bool) string {
	var b strings.Builder
	switch {
	case kernelLog:
		p := &kernel.Printer{Style: kernel.Linux61}
		for i, pc := range prog.PCs() {
			b.WriteString(p.Line(pc, prog[i]))
			b.WriteByte('\n')
		}
	case dialect == "conformance":
		conformance.Disassemble(&b, prog)
	case dialect == "llvm":
		(&kernel.Printer{Style: kernel.LLVM, Label: kernel.AutoLabels(prog)}).Program(&b, prog)
	default:
		b.WriteString(kernel.Text(prog))
	}
	return b.String()
}
