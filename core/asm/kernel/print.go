package kernel

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm"
	"github.com/bpfplay/bpfplay/core/isa"
)

// Style selects how the printer spells instructions.
type Style uint8

// Printing styles.
const (
	// Kernel is the verifier log's text without the "(xx) " opcode
	// prefix. Instructions Linux 6.1 does not know are spelled as newer
	// kernels print them (r0 s/= r1, r0 = (s8)r1, gotol pc+3, r0 =
	// bswap16 r0), ld_imm64 carries its "ll" suffix and pseudo sources
	// print as map[...]; every line assembles back to the same bytes.
	Kernel Style = iota
	// Linux61 is exactly what Linux 6.1's verifier log prints after
	// "pc: ", opcode prefix included: "(85) call bpf_map_lookup_elem#1".
	// Forms 6.1 never prints (it rejects them before) fall back to the
	// Kernel spelling behind the prefix.
	Linux61
	// LLVM is llvm-objdump 19's spelling: hex immediates, "(r10 - 0x8)",
	// "goto +0x3", "call 0x1".
	LLVM
)

func (s Style) String() string {
	switch s {
	case Kernel:
		return "kernel"
	case Linux61:
		return "linux61"
	case LLVM:
		return "llvm"
	}
	return "Style(" + strconv.Itoa(int(s)) + ")"
}

// Printer turns instructions into text. The zero Printer prints the
// Kernel style with no names beyond Linux 6.1's helper list.
type Printer struct {
	Style Style

	// Imm64, when set, gives the operand text of an ld_imm64 with a
	// pseudo source (map fd, map value, ...); "" keeps the default. The
	// verifier uses it in Linux61 style to print what the kernel prints
	// there, the map's kernel address ("0xffff8880051f6c00").
	Imm64 func(pc int, ins isa.Instruction) string

	// HidePointers prints the map pointers of ld_imm64 as 0x0 in
	// Linux61 style, as the kernel does for an unprivileged loader.
	HidePointers bool

	// CallName, when set, names the target of a call: a kfunc (src 2),
	// or a helper whose default name should be overridden; "" keeps the
	// default. The name is printed as "call NAME#IMM".
	CallName func(pc int, ins isa.Instruction) string

	// MapName, when set, names the map an ld_imm64 refers to, for the
	// Kernel style "map[NAME]"; "" prints the raw "map[fd:N]".
	MapName func(pc int, ins isa.Instruction) string

	// Label, when set, names the slot a jump or call lands on, for the
	// Kernel and LLVM styles ("goto out"); "" prints the offset.
	Label func(target int) string
}

// Insn returns the text of ins, which starts at slot pc.
func (p *Printer) Insn(pc int, ins isa.Instruction) string {
	var b strings.Builder
	p.write(&b, pc, ins)
	return b.String()
}

// Line returns a whole log line: "pc: text".
func (p *Printer) Line(pc int, ins isa.Instruction) string {
	return strconv.Itoa(pc) + ": " + p.Insn(pc, ins)
}

// Program writes a program, one instruction per line. In Kernel and LLVM
// style, when Label is set, each labelled slot gets a "name:" line.
func (p *Printer) Program(w io.Writer, prog isa.Program) error {
	pc := 0
	for _, ins := range prog {
		if p.Label != nil && p.Style != Linux61 {
			if name := p.Label(pc); name != "" {
				if _, err := fmt.Fprintf(w, "%s:\n", name); err != nil {
					return err
				}
			}
		}
		if _, err := fmt.Fprintf(w, "%s\n", p.Insn(pc, ins)); err != nil {
			return err
		}
		pc += ins.Width()
	}
	return nil
}

// Text returns a program printed in the Kernel style with generated
// labels for every jump target.
func Text(prog isa.Program) string {
	var b strings.Builder
	p := &Printer{Label: AutoLabels(prog)}
	p.Program(&b, prog) // a strings.Builder does not fail
	return b.String()
}

// AutoLabels returns a Label function that names every slot some branch,
// gotol or bpf-to-bpf call lands on: "L<pc>" for jump targets, "f<pc>"
// for function entries.
func AutoLabels(prog isa.Program) func(int) string {
	starts := map[int]bool{}
	for _, pc := range prog.PCs() {
		starts[pc] = true
	}
	names := map[int]string{}
	pc := 0
	for _, ins := range prog {
		// Only targets where an instruction starts get a name: a jump out
		// of the program or into an ld_imm64 keeps its offset, so the text
		// still says what the bytes say.
		switch {
		case ins.IsFuncCall() || ins.IsLdImm64() && ins.Pseudo() == isa.PseudoFunc:
			if t := pc + 1 + int(ins.ImmLo()); starts[t] {
				names[t] = "f" + strconv.Itoa(t)
			}
		case ins.IsBranch() && isa.CheckSlot(ins.Slots()[0]) == nil:
			t := pc + 1 + ins.BranchOffset()
			if _, ok := names[t]; !ok && starts[t] {
				names[t] = "L" + strconv.Itoa(t)
			}
		}
		pc += ins.Width()
	}
	return func(t int) string { return names[t] }
}

// Insn prints an instruction through fmt:
//
//	%v, %s   the Kernel style: "r0 = *(u32 *)(r1 +4)"
//	%+v      the Linux61 style: "(61) r0 = *(u32 *)(r1 +4)"
//
// Use a Printer for the LLVM style, names and labels.
type Insn isa.Instruction

// Format implements fmt.Formatter.
func (i Insn) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v', 's':
		p := Printer{}
		if f.Flag('+') {
			p.Style = Linux61
		}
		io.WriteString(f, p.Insn(0, isa.Instruction(i)))
	default:
		fmt.Fprintf(f, "%%!%c(kernel.Insn=%s)", verb, Insn(i).String())
	}
}

// String returns the Kernel style text.
func (i Insn) String() string { return (&Printer{}).Insn(0, isa.Instruction(i)) }

// write prints ins to b in p's style.
func (p *Printer) write(b *strings.Builder, pc int, ins isa.Instruction) {
	if p.Style == Linux61 {
		if linux61Bug(ins) {
			// The kernel's printer has no words for it either.
			fmt.Fprintf(b, "BUG_%02x", uint8(ins.OpCode))
			return
		}
		fmt.Fprintf(b, "(%02x) ", uint8(ins.OpCode))
		if p.linux61(b, pc, ins) {
			return
		}
	}
	if isa.CheckSlot(ins.Slots()[0]) != nil {
		// Not a valid instruction: spell its raw slots so the text
		// still assembles to the same bytes.
		writeSlots(b, ins)
		return
	}
	p.canonical(b, pc, ins)
}

func writeSlots(b *strings.Builder, ins isa.Instruction) {
	b.WriteString(".slot ")
	for i, s := range ins.Slots() {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(b, "%#016x", s.Uint64())
	}
}

// reg prints a register by its raw number, even an invalid one: the
// kernel prints "r12" for dst 12 before rejecting it.
func reg(r isa.Register, wide bool) string {
	if wide {
		return "r" + strconv.Itoa(int(r))
	}
	return "w" + strconv.Itoa(int(r))
}

// ForListing returns a Kernel-style printer that keeps a listing's own
// names: its labels ("goto out") and its maps ("r1 = map[counts]"), so
// that assembled text prints back much as it was written.
func ForListing(l *asm.Listing) *Printer {
	labels := map[int]string{}
	for name, pc := range l.Labels {
		if old, ok := labels[pc]; !ok || name < old {
			labels[pc] = name
		}
	}
	maps := map[int]string{}
	for _, r := range l.MapRefs {
		maps[r.Slot] = r.Name
	}
	return &Printer{
		Label:   func(pc int) string { return labels[pc] },
		MapName: func(pc int, _ isa.Instruction) string { return maps[pc] },
	}
}
