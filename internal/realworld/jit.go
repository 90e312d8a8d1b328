package realworld

import (
	"encoding/json"
	"io"

	"golang.org/x/arch/x86/x86asm"

	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/jit/vectors"
)

// Entry is one line of the corpus file: a program record with the
// kernel's answer, plus the start address of each function image the
// kernel's JIT produced (jited_ksyms), which the JIT comparison needs to
// place the image where the kernel did.
type Entry struct {
	*record.In
	KernelKsyms []vectors.Addr `json:"kernel_jited_ksyms,omitempty"`
}

// ReadCorpus reads a corpus file (JSONL, gzip allowed).
func ReadCorpus(path string) ([]*Entry, error) {
	rd, err := record.Open(path)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	var all []*Entry
	for {
		raw, err := rd.NextRaw()
		if err == io.EOF {
			return all, nil
		}
		if err != nil {
			return all, err
		}
		e := &Entry{In: &record.In{}}
		if err := json.Unmarshal(raw, e); err != nil {
			return all, err
		}
		all = append(all, e)
	}
}

// JITVector turns the kernel's answer into a JIT test vector
// (jit/vectors): its xlated program, its machine code and where each
// function was placed. Calls leaving a function are recorded with their
// targets (rel32 masked: vectors.Check compares the targets), and every
// movabs of a kernel address (a map: direct-map 0xffff88... or vmalloc
// 0xffffc9... for large arrays) is masked, since map addresses change
// from load to load. nil when the kernel did not JIT the program.
func (e *Entry) JITVector() *vectors.Vector {
	k := e.Kernel
	if k == nil || !k.OK || len(k.Jited) == 0 || len(e.KernelKsyms) != len(k.JitedFuncLens) {
		return nil
	}
	v := &vectors.Vector{Name: e.Name, Source: "realworld", Variant: "priv", ProgType: e.ProgType,
		Xlated: k.Xlated, Jited: k.Jited, FuncLens: k.JitedFuncLens, ImageAddr: e.KernelKsyms}
	start := 0
	for fi, l := range v.FuncLens {
		addr := uint64(v.ImageAddr[fi])
		for off := start; off < start+l && off < len(v.Jited); {
			inst, err := x86asm.Decode(v.Jited[off:start+l], 64)
			if err != nil {
				off++
				continue
			}
			isRel32 := inst.Len == 5 && v.Jited[off] != 0x0f
			switch {
			case (inst.Op == x86asm.CALL || inst.Op == x86asm.JMP) && isRel32:
				rel, _ := inst.Args[0].(x86asm.Rel)
				target := addr + uint64(off-start+5) + uint64(int64(rel))
				if target < addr || target >= addr+uint64(l) {
					kind := "call"
					if inst.Op == x86asm.JMP {
						kind = "jmp"
					}
					v.Calls = append(v.Calls, vectors.Call{Off: off, Len: 5, Kind: kind, Target: vectors.Addr(target)})
					v.Masks = append(v.Masks, [2]int{off + 1, 4})
				}
			case inst.Op == x86asm.MOV && inst.Len == 10:
				if imm, ok := inst.Args[1].(x86asm.Imm); ok && uint64(imm)>>47 == 0x1ffff {
					v.Masks = append(v.Masks, [2]int{off + 2, 8})
				}
			}
			off += inst.Len
		}
		start += l
	}
	return v
}
