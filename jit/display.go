package jit

import (
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/jit/ksyms"
)

// DisplayOptions describe a program to show, the way the playground's
// JIT pane and `bpfplay jit` do.
type DisplayOptions struct {
	// Xlated says the program is in the kernel's xlated form (helper
	// calls as address - __bpf_call_base, bpf-to-bpf call targets in
	// off). Otherwise helper calls carry helper numbers, calls raw
	// targets, and each helper call goes to the reference kernel's
	// bpf_NAME function when it has one.
	Xlated bool
	// StackDepth per function (the verifier's); nil: estimated.
	StackDepth []int
	// DirectTailCall as in Options (nil: guessed).
	DirectTailCall func(pc int) bool
	// MapNames name the maps by index (ld_imm64 src 1/2 imm), for notes.
	MapNames []string
	Syntax   Syntax
}

// Display is a compiled image with its listing.
type Display struct {
	Image   *Image
	Listing []Line
}

// displayMapBase is where map i lives in displayed images: a kernel
// direct-map address (0xffff888...), so the movabs looks like the
// kernel's.
const displayMapBase = 0xffff888100000000

// DisplayMapAddr returns the address map i gets in displayed images.
func DisplayMapAddr(i int) uint64 { return displayMapBase + uint64(i)<<16 }

// CompileForDisplay compiles p at the reference kernel's addresses (see
// DefaultImageAddr and package ksyms) and disassembles it, naming
// helpers, maps, functions and thunks.
func CompileForDisplay(p isa.Program, o DisplayOptions) (*Display, error) {
	img, err := CompileDisplayImage(p, o)
	if err != nil {
		return nil, err
	}
	names := o.MapNames
	namer := func(r Reloc) string {
		switch r.Kind {
		case RelocHelper, RelocThunk:
			if n, ok := ksyms.Name(r.Target); ok {
				return n
			}
		case RelocPointer:
			i := int((r.Target - displayMapBase) >> 16)
			if r.Target >= displayMapBase && i < len(names) {
				return "map[" + names[i] + "]"
			}
		}
		return ""
	}
	return &Display{Image: img, Listing: img.Listing(o.Syntax, namer)}, nil
}

// CompileDisplayImage is CompileForDisplay without the listing: the same
// bytes, for callers that only need the image (batch runs of large
// programs, where disassembling costs ten times the compile).
func CompileDisplayImage(p isa.Program, o DisplayOptions) (*Image, error) {
	opt := Options{
		StackDepth:     o.StackDepth,
		DirectTailCall: o.DirectTailCall,
		Pointer: func(pc int, ins isa.Instruction) (uint64, error) {
			a := DisplayMapAddr(int(ins.ImmLo()))
			if ins.Pseudo() == isa.PseudoMapValue || ins.Pseudo() == isa.PseudoMapIdxValue {
				a += OffArrayPtrs + uint64(uint32(ins.ImmHi())) // struct bpf_array's value area
			}
			return a, nil
		},
	}
	if !o.Xlated {
		p = XlatedCalls(p)
		opt.Helper = func(imm int32) (uint64, error) {
			if a, ok := ksyms.Addr(isa.HelperID(imm).String()); ok {
				return a, nil
			}
			return DefaultCallBase + uint64(int64(imm)), nil
		}
	}
	return Compile(p, opt)
}
