package vectors

import (
	"fmt"
	"sort"
	"strings"

	"golang.org/x/arch/x86/x86asm"

	"github.com/bpfplay/bpfplay/jit"
)

// Explain describes a difference: the message, then the kernel's and the
// emitter's disassembly around the first differing offset.
func Explain(v *Vector, r *Result, syn jit.Syntax) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s]: %s\n", v.Name, v.Variant, r.Msg)
	if r.Got == nil || r.Diff < 0 {
		return b.String()
	}
	fmt.Fprintf(&b, "  kernel:\n%s", window(v.Jited, r.Diff, syn))
	fmt.Fprintf(&b, "  bpfplay:\n%s", window(r.Got.Code, r.Diff, syn))
	return b.String()
}

// window disassembles a few instructions before and after offset at.
func window(code []byte, at int, syn jit.Syntax) string {
	type ins struct {
		off  int
		text string
		b    []byte
	}
	var all []ins
	for off := 0; off < len(code); {
		inst, err := x86asm.Decode(code[off:], 64)
		if err != nil {
			all = append(all, ins{off, "(bad)", code[off : off+1]})
			off++
			continue
		}
		t := x86asm.GNUSyntax(inst, uint64(off), nil)
		if syn == jit.Intel {
			t = x86asm.IntelSyntax(inst, uint64(off), nil)
		}
		all = append(all, ins{off, t, code[off : off+inst.Len]})
		off += inst.Len
	}
	k := sort.Search(len(all), func(i int) bool { return all[i].off+len(all[i].b) > at })
	var b strings.Builder
	for i := max(k-4, 0); i < min(k+4, len(all)); i++ {
		mark := "  "
		if i == k {
			mark = "=>"
		}
		fmt.Fprintf(&b, "  %s %5x: %-24x %s\n", mark, all[i].off, all[i].b, all[i].text)
	}
	return b.String()
}

// Forms returns the distinct x86 instruction forms in code: the
// mnemonic (with its prefixes) and the kinds of its operands, e.g.
// "mov r64, m64" or "jne rel8".
func Forms(code []byte, into map[string]int) {
	for off := 0; off < len(code); {
		inst, err := x86asm.Decode(code[off:], 64)
		if err != nil {
			off++
			continue
		}
		into[form(inst)]++
		off += inst.Len
	}
}

func form(inst x86asm.Inst) string {
	var ops []string
	for _, a := range inst.Args {
		switch a := a.(type) {
		case nil:
		case x86asm.Reg:
			ops = append(ops, regKind(a))
		case x86asm.Mem:
			ops = append(ops, fmt.Sprintf("m%d", inst.MemBytes*8))
		case x86asm.Imm:
			ops = append(ops, immKind(inst))
		case x86asm.Rel:
			if inst.PCRel == 1 {
				ops = append(ops, "rel8")
			} else {
				ops = append(ops, "rel32")
			}
		}
	}
	name := strings.ToLower(inst.Op.String())
	for _, p := range inst.Prefix {
		if p&x86asm.PrefixImplicit == 0 && p.String() == "LOCK" {
			name = "lock " + name
		}
	}
	return strings.TrimSpace(name + " " + strings.Join(ops, ", "))
}

func regKind(r x86asm.Reg) string {
	switch {
	case r >= x86asm.AL && r <= x86asm.R15B:
		return "r8"
	case r >= x86asm.AX && r <= x86asm.R15W:
		return "r16"
	case r >= x86asm.EAX && r <= x86asm.R15L:
		return "r32"
	case r >= x86asm.RAX && r <= x86asm.R15:
		return "r64"
	}
	return strings.ToLower(r.String())
}

// immKind tells the immediate's encoded width from the opcode.
func immKind(inst x86asm.Inst) string {
	switch op := byte(inst.Opcode >> 24); {
	case op == 0x83 || op == 0x6b || op == 0xc0 || op == 0xc1 || op == 0xc6 || op == 0x80 || op == 0x6a:
		return "imm8"
	case inst.Op == x86asm.MOV && inst.Len >= 10:
		return "imm64"
	case inst.DataSize == 16:
		return "imm16"
	}
	return "imm32"
}
