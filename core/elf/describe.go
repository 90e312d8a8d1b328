package elf

import (
	"fmt"
	"strings"

	"github.com/bpfplay/bpfplay/core/record"
)

// Describe lists the object's programs and maps, for a command that was
// not told which program to use:
//
//	programs:
//	  count_packets   section socket   socket_filter   28 insns  (sum_bytes)
//	maps:
//	  counters  array  key 4  value 8  max 4
func (o *Object) Describe() string {
	var b strings.Builder
	b.WriteString("programs:\n")
	for _, p := range o.Programs {
		typ := p.ProgType
		if typ == "" {
			typ = "(type not implied by section)"
		}
		fmt.Fprintf(&b, "  %-20s section %-24s %-14s %4d insns", p.Name, p.Section, typ, p.Insns.NumSlots())
		if len(p.Funcs) > 1 {
			names := make([]string, 0, len(p.Funcs)-1)
			for _, f := range p.Funcs[1:] {
				names = append(names, f.Name)
			}
			fmt.Fprintf(&b, "  calls %s", strings.Join(names, ", "))
		}
		b.WriteString("\n")
	}
	if len(o.Maps) > 0 {
		b.WriteString("maps:\n")
		for _, m := range o.Maps {
			fmt.Fprintf(&b, "  %-20s %-12s key %d  value %d  max %d", m.Name, m.Type, m.KeySize, m.ValueSize, m.MaxEntries)
			if m.Flags != 0 {
				fmt.Fprintf(&b, "  flags %#x", m.Flags)
			}
			if m.Global {
				b.WriteString("  (global data)")
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// Record returns the program as a program record (the corpus and
// kernel-oracle format): its instructions, program type, and every map
// it uses with the ld_imm64 slots that receive it (fixups for map
// references, value_fixups for global data, whose initial contents go
// in init). Maps the program does not use are left out.
func (o *Object) Record(p *Program) *record.In {
	in := &record.In{
		Name:               p.Name,
		Source:             "elf:" + p.Section,
		ProgType:           p.ProgType,
		ExpectedAttachType: p.AttachType,
		Insns:              p.Insns.Encode(),
	}
	if in.ProgType == "" {
		in.ProgType = "socket_filter"
	}
	used := map[int]int{} // object map index -> record map index
	for _, r := range p.MapRefs {
		ri, ok := used[r.Map]
		if !ok {
			ri = len(in.Maps)
			used[r.Map] = ri
			in.Maps = append(in.Maps, recordMap(o.Maps[r.Map]))
		}
		if r.Value {
			in.Maps[ri].ValueFixups = append(in.Maps[ri].ValueFixups, r.Slot)
		} else {
			in.Maps[ri].Fixups = append(in.Maps[ri].Fixups, r.Slot)
		}
	}
	return in
}

func recordMap(m *Map) record.Map {
	rm := record.Map{Type: m.Type, KeySize: m.KeySize, ValueSize: m.ValueSize,
		MaxEntries: m.MaxEntries, Flags: m.Flags, Name: m.Name}
	if m.Global && m.ValueSize > 0 {
		rm.Init = []record.Entry{{Key: make(record.Hex, 4), Value: record.Hex(m.Data)}}
	}
	if m.Inner != nil {
		inner := recordMap(m.Inner)
		rm.InnerMap = &inner
	}
	return rm
}

// LineAt returns the line-info record that starts at instruction i, if
// any: where the kernel's verifier log prints the source line.
func (p *Program) LineAt(i int) (Line, bool) {
	lo, hi := 0, len(p.Lines)
	for lo < hi {
		m := (lo + hi) / 2
		if p.Lines[m].Insn < i {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(p.Lines) && p.Lines[lo].Insn == i {
		return p.Lines[lo], true
	}
	return Line{}, false
}

// LineFor returns the source line instruction i belongs to: the last
// record at or before it.
func (p *Program) LineFor(i int) (Line, bool) {
	var best Line
	found := false
	for _, l := range p.Lines {
		if l.Insn > i {
			break
		}
		best, found = l, true
	}
	return best, found
}

// Comment is the line as bpftool prints it beside a listing ("prog dump
// xlated linum"): "; return ctx->len; @ prog.c:12", the text with its
// leading blanks removed.
func (l Line) Comment() string {
	return fmt.Sprintf("; %s @ %s:%d", strings.TrimLeft(l.Text, " \t"), l.File, l.Line)
}

// LogComment is the line as Linux 6.1's verifier log prints it (when the
// program was loaded with its BTF line info) before the first
// instruction of the record: "; return ctx->len;". The log skips a
// record whose file and text equal the previous one printed; see
// SameSource.
func (l Line) LogComment() string {
	return "; " + strings.TrimLeft(l.Text, " \t")
}

// SameSource reports whether two records name the same file and text,
// in which case the verifier log prints only the first.
func (l Line) SameSource(o Line) bool { return l.File == o.File && l.Text == o.Text }

// IsObject reports whether b looks like an ELF object (its magic), so a
// command can tell a .o from raw instructions or text.
func IsObject(b []byte) bool { return len(b) >= 4 && string(b[:4]) == "\x7fELF" }

// Choose picks the program a command was asked for: by --program
// (function name) or --section (section name); with neither, the only
// program of the object. The error of an ambiguous or unknown choice
// lists the programs and maps (Describe), for the user to pick from.
func (o *Object) Choose(program, section string) (*Program, error) {
	switch {
	case program != "":
		for _, p := range o.Programs {
			if p.Name == program {
				return p, nil
			}
		}
		return nil, fmt.Errorf("no program (function) %q in the object; it has:\n%s", program, o.Describe())
	case section != "":
		var in []*Program
		for _, p := range o.Programs {
			if p.Section == section {
				in = append(in, p)
			}
		}
		switch len(in) {
		case 1:
			return in[0], nil
		case 0:
			return nil, fmt.Errorf("no section %q in the object; it has:\n%s", section, o.Describe())
		}
		return nil, fmt.Errorf("section %q holds %d programs; choose one with --program:\n%s", section, len(in), o.Describe())
	}
	return o.Program("")
}
