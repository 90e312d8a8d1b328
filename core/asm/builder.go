package asm

import (
	"math"
	"sort"

	"github.com/bpfplay/bpfplay/core/isa"
)

// MaxErrors is how many errors an assembly collects before it stops.
const MaxErrors = 20

// RefKind says which field of an instruction a label reference fills in.
// Every kind is relative to the slot after the instruction, as jumps and
// bpf-to-bpf calls count in eBPF.
type RefKind uint8

// Kinds of label reference.
const (
	RefBranch RefKind = iota + 1 // goto / conditional jump: 16-bit off
	RefGotol                     // gotol (JMP32|JA): 32-bit imm
	RefCall                      // call to a bpf function (src=1): 32-bit imm
	RefFunc                      // ld_imm64 of a function address (src=4): low imm
)

// Listing is an assembled program together with where each instruction
// came from.
type Listing struct {
	Program isa.Program
	// Pos[i] is the source position of Program[i].
	Pos []Pos
	// Labels maps each label to the slot (pc) it marks.
	Labels map[string]int
	// Maps names the maps the text refers to (r1 = map[NAME]), in order
	// of first use; each reference's ld_imm64 carries the map's index
	// here as its imm, and MapRefs lists the references so a loader can
	// patch in real map fds (the fixups of a program record).
	Maps    []string
	MapRefs []MapRef
}

// MapRef is one reference to a named map.
type MapRef struct {
	Name  string
	Index int  // index into Listing.Maps
	Ins   int  // index of the ld_imm64 in Program
	Slot  int  // its slot (pc)
	Value bool // a map value address (src 2) rather than the map (src 1)
	Pos   Pos
}

// LabelsAt returns the labels that mark slot pc, sorted.
func (l *Listing) LabelsAt(pc int) []string {
	var out []string
	for name, at := range l.Labels {
		if at == pc {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

type labelDef struct {
	ins      int // index of the instruction the label marks
	pos      Pos
	implicit bool
}

type ref struct {
	ins   int
	label string
	pos   Pos
	kind  RefKind
}

// Builder collects instructions, label definitions and label references
// and resolves them once the whole text has been read. Dialect parsers
// feed it line by line; it is the one place that knows how labels become
// offsets.
type Builder struct {
	maps    []string
	mapRefs []MapRef
	prog    isa.Program
	pos     []Pos
	labels  map[string]labelDef
	refs    []ref
	errs    ErrorList
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder { return &Builder{labels: map[string]labelDef{}} }

// Len is the number of instructions emitted so far.
func (b *Builder) Len() int { return len(b.prog) }

// Emit appends an instruction and returns its index.
func (b *Builder) Emit(ins isa.Instruction, pos Pos) int {
	b.prog = append(b.prog, ins)
	b.pos = append(b.pos, pos)
	return len(b.prog) - 1
}

// Label defines name at the next instruction to be emitted.
func (b *Builder) Label(name string, pos Pos) {
	if old, dup := b.labels[name]; dup && !old.implicit {
		b.Error(Errorf(pos, ErrDuplicateLabel, "label %q is already defined at %s", name, old.pos))
		return
	}
	b.labels[name] = labelDef{ins: len(b.prog), pos: pos}
}

// ImplicitLabel defines name at instruction ins unless a label of that
// name exists; an explicit definition made later replaces it. The
// conformance dialect uses it for the label "exit", which the first exit
// instruction defines.
func (b *Builder) ImplicitLabel(name string, ins int, pos Pos) {
	if _, ok := b.labels[name]; ok {
		return
	}
	b.labels[name] = labelDef{ins: ins, pos: pos, implicit: true}
}

// MapIndex returns the index of the named map, adding it on first use,
// and records a reference to it from instruction ins.
func (b *Builder) MapIndex(name string, ins int, value bool, pos Pos) int {
	idx := -1
	for i, n := range b.maps {
		if n == name {
			idx = i
		}
	}
	if idx < 0 {
		idx = len(b.maps)
		b.maps = append(b.maps, name)
	}
	b.mapRefs = append(b.mapRefs, MapRef{Name: name, Index: idx, Ins: ins, Value: value, Pos: pos})
	return idx
}

// HasLabel reports whether name is defined (so far).
func (b *Builder) HasLabel(name string) bool {
	_, ok := b.labels[name]
	return ok
}

// Insn gives access to an emitted instruction, for dialects that settle
// a field only once the whole text is read.
func (b *Builder) Insn(i int) *isa.Instruction { return &b.prog[i] }

// Ref records that instruction ins refers to label; Finish fills in the
// field kind selects.
func (b *Builder) Ref(ins int, label string, pos Pos, kind RefKind) {
	b.refs = append(b.refs, ref{ins: ins, label: label, pos: pos, kind: kind})
}

// Error records an error. It reports whether the builder can take more
// (false once MaxErrors were collected).
func (b *Builder) Error(e *Error) bool {
	if len(b.errs) < MaxErrors {
		b.errs = append(b.errs, e)
	}
	return len(b.errs) < MaxErrors
}

// HasErrors reports whether any error was recorded.
func (b *Builder) HasErrors() bool { return len(b.errs) > 0 }

// Full reports whether MaxErrors errors were collected.
func (b *Builder) Full() bool { return len(b.errs) >= MaxErrors }

// Finish resolves label references and returns the listing, or the
// errors (an ErrorList) if there were any.
func (b *Builder) Finish() (*Listing, error) {
	pcs := b.prog.PCs()
	pcOf := func(ins int) int {
		if ins < len(pcs) {
			return pcs[ins]
		}
		return b.prog.NumSlots()
	}
	for _, r := range b.refs {
		def, ok := b.labels[r.label]
		if !ok {
			b.Error(Errorf(r.pos, ErrLabel, "undefined label %q", r.label))
			continue
		}
		delta := pcOf(def.ins) - pcOf(r.ins) - 1
		ins := &b.prog[r.ins]
		switch r.kind {
		case RefBranch:
			if delta < math.MinInt16 || delta > math.MaxInt16 {
				b.Error(Errorf(r.pos, ErrRange, "label %q is %d slots away; a jump's offset is 16 bits (-32768..32767), use gotol", r.label, delta))
				continue
			}
			ins.Off = int16(delta)
		case RefGotol, RefCall:
			ins.Imm = int64(int32(delta)) // programs are far below 2^31 slots
		case RefFunc:
			ins.Imm = int64(uint64(uint32(int32(delta))) | uint64(uint32(ins.ImmHi()))<<32)
		default:
			panic("BUG: unknown RefKind")
		}
	}
	if len(b.errs) > 0 {
		sort.SliceStable(b.errs, func(i, j int) bool {
			pi, pj := b.errs[i].Pos, b.errs[j].Pos
			return pi.Line < pj.Line || pi.Line == pj.Line && pi.Col < pj.Col
		})
		return nil, b.errs
	}
	labels := make(map[string]int, len(b.labels))
	for name, def := range b.labels {
		labels[name] = pcOf(def.ins)
	}
	for i := range b.mapRefs {
		b.mapRefs[i].Slot = pcOf(b.mapRefs[i].Ins)
	}
	return &Listing{Program: b.prog, Pos: b.pos, Labels: labels, Maps: b.maps, MapRefs: b.mapRefs}, nil
}
