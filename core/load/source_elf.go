//go:build !bpfplay_noelf

package load

import "github.com/bpfplay/bpfplay/core/elf"

// The ELF reader (core/elf, on cilium/ebpf) is most of a wasm build's
// size; the browser's start-up core is built without it
// (-tags bpfplay_noelf, source_noelf.go) and the page loads the full core
// when a .o arrives (docs/web.md, "Two cores").

// fromELF picks a program of a clang-built object by function or
// section name (the only program when name is empty).
func fromELF(b []byte, name string) (*program, error) {
	obj, err := elf.Open(b)
	if err != nil {
		return nil, inputErr("input", "%v", err)
	}
	prog, err := obj.Choose(name, "")
	if err != nil && name != "" {
		if bySection, err2 := obj.Choose("", name); err2 == nil {
			prog, err = bySection, nil
		}
	}
	if err != nil {
		return nil, inputErr("input", "%v", err)
	}
	rec := obj.Record(prog)
	p := &program{prog: prog.Insns, maps: rec.Maps, mapName: mapNames(rec.Maps),
		progType: prog.ProgType, attachType: prog.AttachType}
	p.cLine = make([]string, len(prog.Insns))
	for i := range prog.Insns {
		if l, ok := prog.LineFor(i); ok && l.Insn == i {
			p.cLine[i] = l.Comment()
		}
	}
	return p, nil
}
