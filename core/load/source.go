package load

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm"
	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/cbpf"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/core/verifier"
)

// program is a request's source turned into what bpf(BPF_PROG_LOAD)
// receives: instructions whose map references are patched through the
// fixups of a program record, plus what the UI needs to show it.
type program struct {
	prog    isa.Program
	pos     []asm.Pos      // source position per instruction (text input)
	labels  map[string]int // label -> slot
	maps    []record.Map   // maps in fd order, with fixups
	classic *Classic
	cprog   cbpf.Program // the classic program, for classic input
	// mapName names maps for listings, by fd index.
	mapName []string
	// progType is the type the source implies (an ELF section), if any.
	progType   string
	attachType string
	// cLine is the C source line per instruction (ELF with BTF).
	cLine []string
	// states are the verifier's per-slot states, once verified.
	states [][]verifier.State
	// xl is the verifier's rewritten program, once accepted.
	xl *xlatedProg
}

// inputError is a problem with the request itself (as opposed to a
// verdict or a runtime fault); it becomes error diagnostics.
type inputError struct{ diags []Diagnostic }

func (e *inputError) Error() string {
	if len(e.diags) == 0 {
		return "bad input"
	}
	d := e.diags[0]
	if d.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", d.Line, d.Col, d.Message)
	}
	return d.Message
}

func inputErr(stage, format string, a ...any) error {
	return &inputError{diags: []Diagnostic{{Severity: "error", Stage: stage, Message: fmt.Sprintf(format, a...)}}}
}

// resolve turns the request's source into a program.
func resolve(req *Request) (*program, error) {
	src := req.Source
	n := 0
	if src.Text != "" {
		n++
	}
	if len(src.Insns) > 0 {
		n++
	}
	if len(src.ELF) > 0 {
		n++
	}
	switch {
	case n == 0:
		return nil, inputErr("input", "no program: give source text, instructions or an ELF object")
	case n > 1:
		return nil, inputErr("input", "give exactly one of source text, instructions or an ELF object")
	}
	switch {
	case len(src.ELF) > 0:
		return fromELF(src.ELF, src.Program)
	case len(src.Insns) > 0 && src.CBPF:
		cp, err := cbpf.DecodeRaw(src.Insns)
		if err != nil {
			return nil, classicErr(err)
		}
		return fromClassic(cp, req.Maps)
	case len(src.Insns) > 0:
		slots, err := isa.UnmarshalSlots(src.Insns)
		if err != nil {
			return nil, inputErr("decode", "%v", err)
		}
		// Pair, not Decode: reserved fields and unknown opcodes are the
		// verifier's to report, with the kernel's log around them.
		p, err := isa.Pair(slots)
		if err != nil {
			return nil, decodeErr(err)
		}
		return &program{prog: p, maps: req.Maps, mapName: mapNames(req.Maps)}, nil
	}
	switch strings.ToLower(src.Dialect) {
	case "", "kernel", "llvm":
		l, err := kernel.Assemble(src.Text)
		if err != nil {
			return nil, asmErr(err)
		}
		return fromListing(l, req.Maps)
	case "conformance":
		l, err := conformance.Assemble(src.Text)
		if err != nil {
			return nil, asmErr(err)
		}
		return fromListing(l, req.Maps)
	case "cbpf", "classic":
		cp, _, err := cbpf.Parse([]byte(src.Text), cbpf.FormatAuto)
		if err != nil {
			return nil, classicErr(err)
		}
		return fromClassic(cp, req.Maps)
	}
	return nil, inputErr("input", "unknown dialect %q (kernel, conformance or cbpf)", src.Dialect)
}

// fromListing binds the text's map names to the request's maps: map
// number i of the text is the request map with that name, and each
// reference becomes a fixup of that map.
func fromListing(l *asm.Listing, reqMaps []record.Map) (*program, error) {
	p := &program{prog: l.Program, pos: l.Pos, labels: l.Labels}
	byName := map[string]int{}
	for i, m := range reqMaps {
		if m.Name != "" {
			byName[m.Name] = i
		}
	}
	var diags []Diagnostic
	maps := make([]record.Map, len(l.Maps))
	for i, name := range l.Maps {
		j, ok := byName[name]
		if !ok {
			var pos asm.Pos
			for _, r := range l.MapRefs {
				if r.Index == i {
					pos = r.Pos
					break
				}
			}
			diags = append(diags, Diagnostic{Severity: "error", Stage: "assemble", Line: pos.Line, Col: pos.Col,
				Message: fmt.Sprintf("map %q is not defined: add it to the request's maps (name, type, key_size, value_size, max_entries)", name)})
			continue
		}
		maps[i] = reqMaps[j]
		maps[i].Fixups, maps[i].ValueFixups = nil, nil
	}
	if diags != nil {
		return nil, &inputError{diags: diags}
	}
	for _, r := range l.MapRefs {
		if r.Value {
			maps[r.Index].ValueFixups = append(maps[r.Index].ValueFixups, r.Slot)
		} else {
			maps[r.Index].Fixups = append(maps[r.Index].Fixups, r.Slot)
		}
	}
	p.maps = maps
	p.mapName = append([]string(nil), l.Maps...)
	return p, nil
}

func fromClassic(cp cbpf.Program, reqMaps []record.Map) (*program, error) {
	if len(reqMaps) > 0 {
		return nil, inputErr("input", "classic BPF programs use no maps")
	}
	if err := cbpf.Check(cp); err != nil {
		return nil, &inputError{diags: []Diagnostic{{Severity: "error", Stage: "verify",
			Message: "classic program refused by Linux's checks (EINVAL): " + err.Error()}}}
	}
	conv, err := cbpf.Convert(cp)
	if err != nil {
		return nil, inputErr("convert", "%v", err)
	}
	return &program{prog: conv.Insns, cprog: cp, classic: &Classic{Tcpdump: cbpf.FormatTcpdumpListing(cp), Start: conv.Start}}, nil
}

func mapNames(ms []record.Map) []string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
	}
	return names
}

func asmErr(err error) error {
	var list asm.ErrorList
	if errors.As(err, &list) {
		diags := make([]Diagnostic, 0, len(list))
		for _, e := range list {
			diags = append(diags, Diagnostic{Severity: "error", Stage: "assemble", Line: e.Pos.Line, Col: e.Pos.Col, Message: e.Msg})
		}
		return &inputError{diags: diags}
	}
	var one *asm.Error
	if errors.As(err, &one) {
		return &inputError{diags: []Diagnostic{{Severity: "error", Stage: "assemble", Line: one.Pos.Line, Col: one.Pos.Col, Message: one.Msg}}}
	}
	return inputErr("assemble", "%v", err)
}

func decodeErr(err error) error {
	var de *isa.Error
	if errors.As(err, &de) {
		pc := de.Slot
		return &inputError{diags: []Diagnostic{{Severity: "error", Stage: "decode", PC: &pc, Message: de.Msg}}}
	}
	return inputErr("decode", "%v", err)
}

func classicErr(err error) error {
	var ce *cbpf.Error
	if errors.As(err, &ce) {
		d := Diagnostic{Severity: "error", Stage: "input", Line: ce.Line, Col: ce.Col, Message: ce.Msg}
		if ce.Field != "" {
			d.Message += " (field " + ce.Field + ")"
		}
		if ce.Line == 0 && ce.Insn >= 0 {
			d.Message = fmt.Sprintf("classic insn %d: %s", ce.Insn, d.Message)
		}
		return &inputError{diags: []Diagnostic{d}}
	}
	return inputErr("input", "%v", err)
}

// listing prints a program for the UI: kernel dialect, map names where
// known, labels from the source.
func (p *program) listing() []Line {
	bySlot := map[int][]string{}
	for name, slot := range p.labels {
		bySlot[slot] = append(bySlot[slot], name)
	}
	slotLabel := map[int]string{}
	for slot, names := range bySlot {
		slotLabel[slot] = names[0]
	}
	pcs := p.prog.PCs()
	pr := &kernel.Printer{Style: kernel.Kernel,
		Label: func(target int) string { return slotLabel[target] },
		MapName: func(pc int, ins isa.Instruction) string {
			if i := int(ins.ImmLo()); ins.Pseudo() != isa.PseudoNone && i >= 0 && i < len(p.mapName) {
				return p.mapName[i]
			}
			return ""
		},
	}
	out := make([]Line, len(p.prog))
	for i, ins := range p.prog {
		l := Line{PC: pcs[i], Width: ins.Width(), Hex: hex.EncodeToString(ins.AppendBinary(nil)), Text: pr.Insn(pcs[i], ins)}
		if i < len(p.pos) {
			l.Line = p.pos[i].Line
		}
		if i < len(p.cLine) {
			l.CSource = p.cLine[i]
		}
		l.Labels = bySlot[pcs[i]]
		out[i] = l
	}
	return out
}

// record builds the program record bpf(2) would see.
func (p *program) record(req *Request) *record.In {
	in := &record.In{
		Name:               "bpfplay",
		ProgType:           req.ProgType,
		ExpectedAttachType: req.AttachType,
		Insns:              p.prog.Encode(),
		Maps:               p.maps,
		ProgFlags:          req.ProgFlags,
		Unpriv:             req.Unpriv,
	}
	if req.Run != nil {
		in.TestRun = &record.TestRun{Data: req.Run.Data, Ctx: req.Run.Ctx, Repeat: req.Run.Repeat}
	}
	return in
}
