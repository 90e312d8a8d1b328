package main

// How jit and disasm print a program read by the input layer: map names,
// labels, and the source beside each instruction (the C line of an ELF
// object, the classic instruction a converted program came from).

import (
	"strings"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/cbpf"
	"github.com/bpfplay/bpfplay/core/elf"
	"github.com/bpfplay/bpfplay/core/isa"
)

// printer returns a printer in style that names the view's maps.
func (v *view) printer(style kernel.Style) *kernel.Printer {
	return &kernel.Printer{Style: style, MapName: func(pc int, ins isa.Instruction) string {
		if i := int(ins.ImmLo()); ins.Pseudo() != isa.PseudoNone && i >= 0 && i < len(v.mapNames) {
			return v.mapNames[i]
		}
		return ""
	}}
}

// labels names jump and call targets for the Kernel and LLVM styles: the
// source's own labels (assembly), the functions of an ELF program, and
// generated names elsewhere ("L12", "f20").
func (v *view) labels() func(int) string {
	auto := kernel.AutoLabels(v.prog)
	own := map[int]string{}
	if v.listing != nil {
		for name, pc := range v.listing.Labels {
			if old, ok := own[pc]; !ok || name < old {
				own[pc] = name
			}
		}
	}
	if v.eprog != nil {
		for _, f := range v.eprog.Funcs[min(1, len(v.eprog.Funcs)):] {
			own[f.Slot] = f.Name
		}
	}
	return func(pc int) string {
		if n, ok := own[pc]; ok {
			return n
		}
		return auto(pc)
	}
}

// comments are the source lines printed above instruction i (an index
// into v.prog), each starting with "; ".
func (v *view) comments(i int) []string {
	var out []string
	if p := v.eprog; p != nil {
		// A record that repeats the previous one's line (clang splits a
		// statement's instructions) and compiler-made code (line 0) get
		// no comment of their own.
		if l, ok := p.LineAt(i); ok && l.Line > 0 {
			if prev, ok := v.prevLine(i); !ok || prev.Line != l.Line || prev.File != l.File {
				out = append(out, l.Comment())
			}
		}
	}
	if v.conv != nil {
		classic := v.classicLines()
		for k, start := range v.conv.Start {
			if start == i && k < len(classic) {
				out = append(out, "; "+classic[k])
			}
		}
	}
	return out
}

// prevLine is the last line-info record with a line number before
// instruction i.
func (v *view) prevLine(i int) (elf.Line, bool) {
	var prev elf.Line
	found := false
	for _, l := range v.eprog.Lines {
		if l.Insn >= i {
			break
		}
		if l.Line > 0 {
			prev, found = l, true
		}
	}
	return prev, found
}

func (v *view) classicLines() []string {
	return strings.Split(cbpf.FormatTcpdumpListing(v.cprog), "\n")
}

// classicCallName names the kernel functions a converted classic program
// calls (imm = address - __bpf_call_base of the reference build).
func classicCallName(pc int, ins isa.Instruction) string {
	if f, ok := cbpf.KernelFuncByImm(int32(ins.Imm)); ok && ins.Src == 0 {
		return f.Name
	}
	return ""
}
