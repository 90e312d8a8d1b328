package jit

import (
	"fmt"
	"strings"

	"golang.org/x/arch/x86/x86asm"

	"github.com/bpfplay/bpfplay/core/record"
)

// Syntax selects the assembly syntax of a listing.
type Syntax uint8

// Syntaxes.
const (
	ATT   Syntax = iota // AT&T, as objdump and the kernel's bpftool print it
	Intel               // Intel, as the SDM writes it
)

// Line is one x86 instruction of a listing.
type Line struct {
	Off   int        `json:"off"`   // offset in Image.Code
	Addr  uint64     `json:"addr"`  // address in the loaded image
	Bytes record.Hex `json:"bytes"` // machine code (hex in JSON)
	Text  string     `json:"text"`  // the instruction
	// Slot is the eBPF instruction (slot index) the machine code belongs
	// to, -1 for a function's prologue.
	Slot int `json:"slot"`
	Func int `json:"func"` // function index
	// Note names what an address in the instruction refers to (a
	// helper, another function, the thunk, a map) when known.
	Note string `json:"note,omitempty"`
}

// Namer names the targets of an image's relocations in a listing. A nil
// Namer (or an empty answer) leaves the raw address.
type Namer func(r Reloc) string

// Listing disassembles the image, mapping every x86 instruction to its
// eBPF instruction. Bytes that do not decode (which the emitter never
// produces) become one-byte "(bad)" lines.
func (img *Image) Listing(syn Syntax, name Namer) []Line {
	var lines []Line
	for fi, f := range img.Funcs {
		for off := f.Start; off < f.Start+f.Len; {
			addr := f.Addr + uint64(off-f.Start)
			code := img.Code[off : f.Start+f.Len]
			l := Line{Off: off, Addr: addr, Slot: img.SlotAt(off), Func: fi}
			inst, err := x86asm.Decode(code, 64)
			if err != nil {
				l.Bytes, l.Text = code[:1], "(bad)"
				lines = append(lines, l)
				off++
				continue
			}
			l.Bytes = code[:inst.Len]
			var rel *Reloc
			for k := range img.Relocs {
				if r := &img.Relocs[k]; r.Off >= off && r.Off < off+inst.Len {
					rel = r
				}
			}
			if rel != nil {
				if name != nil {
					l.Note = name(*rel)
				}
				if l.Note == "" {
					l.Note = defaultName(*rel)
				}
			}
			sym := func(a uint64) (string, uint64) {
				if rel != nil && rel.Target == a && l.Note != "" {
					return l.Note, a
				}
				return "", 0
			}
			if syn == Intel {
				l.Text = x86asm.IntelSyntax(inst, addr, sym)
			} else {
				l.Text = x86asm.GNUSyntax(inst, addr, sym)
			}
			lines = append(lines, l)
			off += inst.Len
		}
	}
	return lines
}

// SlotAt returns the eBPF slot whose machine code contains byte off of
// Code, or -1 for a prologue (or an offset outside the image).
func (img *Image) SlotAt(off int) int {
	for _, f := range img.Funcs {
		if off < f.Start || off >= f.Start+f.Len {
			continue
		}
		end := func(pc int) int {
			if pc+1 < f.EndSlot {
				return img.InsnOffsets[pc+1]
			}
			return f.Start + f.Len
		}
		// The last slot whose code starts at or before off and is not
		// empty.
		lo, hi := f.FirstSlot, f.EndSlot
		for lo < hi {
			m := (lo + hi) / 2
			if img.InsnOffsets[m] <= off {
				lo = m + 1
			} else {
				hi = m
			}
		}
		for pc := lo - 1; pc >= f.FirstSlot; pc-- {
			if img.InsnOffsets[pc] <= off && off < end(pc) {
				return pc
			}
		}
		return -1
	}
	return -1
}

func defaultName(r Reloc) string {
	switch r.Kind {
	case RelocFunc:
		return fmt.Sprintf("func#%d", r.Imm)
	case RelocThunk:
		return "__x86_indirect_thunk_rcx"
	case RelocPointer:
		return "map"
	case RelocCallX:
		return "callx thunk"
	}
	return ""
}

// Disassemble is a plain listing of machine code at addr (no eBPF
// mapping), one instruction per line: "offset: bytes  text".
func Disassemble(code []byte, addr uint64, syn Syntax) string {
	var b strings.Builder
	for off := 0; off < len(code); {
		inst, err := x86asm.Decode(code[off:], 64)
		if err != nil {
			fmt.Fprintf(&b, "%5x: %-30x (bad)\n", off, code[off:off+1])
			off++
			continue
		}
		text := x86asm.GNUSyntax(inst, addr+uint64(off), nil)
		if syn == Intel {
			text = x86asm.IntelSyntax(inst, addr+uint64(off), nil)
		}
		fmt.Fprintf(&b, "%5x: %-30x %s\n", off, code[off:off+inst.Len], text)
		off += inst.Len
	}
	return b.String()
}
