package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/elf"
	"github.com/bpfplay/bpfplay/core/isa"
)

func init() {
	register(&command{
		name:    "disasm",
		args:    "[--kernel-log] [--dialect kernel|llvm|conformance] [--hex] [--from KIND] [--program NAME | --section NAME] FILE|-",
		summary: "print eBPF instructions as text",
		help: `Reads a program and prints its instructions one per line. FILE is raw
little-endian instruction bytes, or hex text (detected; --hex forces it;
blanks and newlines in the hex are ignored), or anything else bpfplay reads
(docs/cli.md): a clang-built ELF object (--program/--section picks the
program; each instruction gets the C source line it came from, from the
object's BTF line info), classic BPF (the eBPF Linux converts it to, each
classic instruction as a comment above its eBPF), a conformance .data file,
or assembly (printed back in the chosen dialect). --from KIND forces the
input kind: kernel, conformance, cbpf, raw or elf.

  --dialect kernel       the verifier log's text, with labels (the default);
                         assembles back with 'bpfplay asm'
  --dialect llvm         llvm-objdump 19's spelling
  --dialect conformance  the bpf_conformance dialect
  --kernel-log           exactly what Linux 6.1's verifier log prints for each
                         instruction: "5: (85) call bpf_map_lookup_elem#1",
                         with the C source lines as the log shows them

Instructions that are not valid (a reserved field set, an unknown opcode)
still print (as .slot lines, or as 6.1 prints them with --kernel-log), and the
command then reports the first problem and exits 1.`,
		setup: func(fs *flag.FlagSet) func(*env, []string) int {
			dialect := fs.String("dialect", "kernel", "output dialect: kernel, llvm or conformance")
			kernelLog := fs.Bool("kernel-log", false, "print Linux 6.1's verifier-log text: pc: (opcode) insn")
			var inf inputFlags
			inf.register(fs, "from")
			fs.BoolVar(&inf.hex, "hex", false, "read hex text instead of raw bytes (detected without it)")
			return func(e *env, args []string) int {
				if len(args) != 1 {
					return usageError(e, "disasm", "want exactly one input file (or - for standard input)")
				}
				if *dialect != "kernel" && *dialect != "llvm" && *dialect != "conformance" {
					return usageError(e, "disasm", "unknown dialect %q (want kernel, llvm or conformance)", *dialect)
				}
				in, err := readProgram(e, args[0], &inf)
				if err != nil {
					return inputFail(e, "disasm", args[0], err)
				}
				v, err := in.program()
				if err != nil {
					return inputFail(e, "disasm", args[0], err)
				}
				fmt.Fprint(e.stdout, disassembleView(v, *dialect, *kernelLog))
				if in.kind == kindRaw {
					// Pair let invalid instructions through for printing;
					// now say what is wrong with them.
					slots, _ := isa.UnmarshalSlots(in.raw)
					if _, err := isa.FromSlots(slots); err != nil {
						return fail(e, "%s: %v", displayName(args[0]), err)
					}
				}
				return exitOK
			}
		},
	})
}

// disassembleView prints a program in a dialect, with its map names,
// labels and source lines as comments.
func disassembleView(v *view, dialect string, kernelLog bool) string {
	var b strings.Builder
	if v.eprog != nil {
		p := v.eprog
		typ := p.ProgType
		if typ == "" {
			typ = "not implied by the section"
		}
		c := ";"
		if dialect == "conformance" && !kernelLog {
			c = "#"
		}
		fmt.Fprintf(&b, "%s program %s: section %s, type %s, %d insns\n", c, p.Name, p.Section, typ, p.Insns.NumSlots())
	}
	pcs := v.prog.PCs()
	switch {
	case kernelLog:
		p := v.printer(kernel.Linux61)
		if v.conv != nil {
			p.CallName = classicCallName
		}
		var last elf.Line
		printed := false
		for i, pc := range pcs {
			// The log prints a line-info record before its first
			// instruction, unless it repeats the last one printed.
			if v.eprog != nil {
				if l, ok := v.eprog.LineAt(i); ok && !(printed && l.SameSource(last)) {
					b.WriteString(l.LogComment() + "\n")
					last, printed = l, true
				}
			} else {
				for _, c := range v.comments(i) {
					b.WriteString(c + "\n")
				}
			}
			b.WriteString(p.Line(pc, v.prog[i]))
			b.WriteByte('\n')
		}
	case dialect == "conformance":
		if v.eprog == nil && v.conv == nil {
			conformance.Disassemble(&b, v.prog)
			break
		}
		// One instruction at a time, so the source comments fit in.
		for i, ins := range v.prog {
			for _, c := range v.comments(i) {
				b.WriteString("#" + strings.TrimPrefix(c, ";") + "\n")
			}
			conformance.Disassemble(&b, isa.Program{ins})
		}
	default:
		style := kernel.Kernel
		if dialect == "llvm" {
			style = kernel.LLVM
		}
		p := v.printer(style)
		p.Label = v.labels()
		if v.conv != nil {
			p.CallName = classicCallName
		}
		for i, pc := range pcs {
			if name := p.Label(pc); name != "" {
				fmt.Fprintf(&b, "%s:\n", name)
			}
			for _, c := range v.comments(i) {
				b.WriteString(c + "\n")
			}
			b.WriteString(p.Insn(pc, v.prog[i]))
			b.WriteByte('\n')
		}
	}
	return b.String()
}
