package realworld

import (
	"encoding/json"
	"io"

	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/internal/compare"
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
// movabs of a kernel address (a map) is masked, since map addresses
// change from load to load: compare.PerLoad, which `bpfplay compare`'s
// jited figure uses too. nil when the kernel did not JIT the program.
func (e *Entry) JITVector() *vectors.Vector {
	k := e.Kernel
	if k == nil || !k.OK || len(k.Jited) == 0 || len(e.KernelKsyms) != len(k.JitedFuncLens) {
		return nil
	}
	v := &vectors.Vector{Name: e.Name, Source: "realworld", Variant: "priv", ProgType: e.ProgType,
		Xlated: k.Xlated, Jited: k.Jited, FuncLens: k.JitedFuncLens, ImageAddr: e.KernelKsyms}
	addrs := make([]uint64, len(v.ImageAddr))
	for i, a := range v.ImageAddr {
		addrs[i] = uint64(a)
	}
	masks, exits := compare.PerLoad(v.Jited, v.FuncLens, addrs)
	v.Masks = masks
	for _, x := range exits {
		v.Calls = append(v.Calls, vectors.Call{Off: x.Off, Len: 5, Kind: x.Kind, Target: vectors.Addr(x.Target)})
	}
	return v
}
