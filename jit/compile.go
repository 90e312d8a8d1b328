package jit

import (
	"fmt"
	"sort"

	"github.com/bpfplay/bpfplay/core/isa"
)

// Linux 6.1's addresses on the reference kernel (6.1.0-56-amd64, no
// KASLR), the defaults for images that are only displayed.
const (
	// DefaultCallBase is __bpf_call_base: a helper call's imm in xlated
	// code is the helper's address minus this.
	DefaultCallBase uint64 = 0xffffffff812013d0
	// DefaultIndirectThunk is __x86_indirect_thunk_rcx, the retpoline
	// through which tail calls jump.
	DefaultIndirectThunk uint64 = 0xffffffff81e015a0
	// DefaultCallXThunk stands for the thunk of bpfplay's callx (see
	// Options.CallXThunk) in displayed images.
	DefaultCallXThunk uint64 = 0xffffffff81e01600
	// DefaultImageAddr is where the first function of a displayed image
	// goes when no address is given (the start of the kernel's module
	// area, where BPF images live).
	DefaultImageAddr uint64 = 0xffffffffc0000000
)

// Options are the inputs of the JIT beyond the program: everything the
// kernel knows from elsewhere (addresses, the verifier's findings).
type Options struct {
	// ImageAddr is the address of each function's image. The kernel
	// places each function separately; a missing entry puts the function
	// right after the previous one (the first at DefaultImageAddr).
	ImageAddr []uint64
	// CallBase is __bpf_call_base (default DefaultCallBase).
	CallBase uint64
	// IndirectThunk is the target of a tail call's indirect jump
	// (default DefaultIndirectThunk).
	IndirectThunk uint64
	// CallXThunk is the target of callx (call by register), which Linux
	// 6.1 does not JIT: the machine code moves the target to r11 and
	// calls this thunk (default DefaultCallXThunk).
	CallXThunk uint64
	// Helper returns the address a helper call (src 0) or kfunc call
	// (src 2) with this imm goes to. Nil: CallBase + imm, the kernel's
	// convention for xlated code.
	Helper func(imm int32) (uint64, error)
	// Pointer returns the 64-bit value an ld_imm64 with a pseudo source
	// loads (a map or map value address for src 1 and 2, a kernel
	// variable for src 3). pc is the instruction's slot. Nil: such loads
	// fail to compile.
	Pointer func(pc int, ins isa.Instruction) (uint64, error)
	// StackDepth is the verifier's stack depth of each function (bytes
	// below r10 the function uses). Nil or short: estimated from the
	// program's r10-relative accesses (see EstimateStackDepth).
	StackDepth []int
	// DirectTailCall reports whether the tail call at slot pc was given a
	// poke descriptor by the verifier (constant index into one known
	// program array), which makes the JIT emit a patchable direct jump.
	// Nil: a tail call in the verifier's internal form (opcode 0xf5) is
	// direct when its imm (the descriptor's index + 1) is not 0; one in
	// the dumped form ("call 12") is decided by DirectTailCallGuess.
	DirectTailCall func(pc int) bool
	// FromClassic marks a program converted from classic BPF: the kernel
	// leaves out the tail-call patch site for those.
	FromClassic bool
}

// Image is the JIT's output: the machine code of every function, where
// each eBPF instruction's code starts, and the external references.
type Image struct {
	// Code is all function images concatenated (as the kernel reports
	// jited_prog_insns).
	Code []byte
	// Funcs describes each function, in order.
	Funcs []Func
	// InsnOffsets has one entry per slot plus one: the offset in Code
	// where that slot's machine code starts. The second slot of an
	// ld_imm64 starts where the next instruction does. A function's
	// prologue runs from its Start to InsnOffsets[its first slot].
	InsnOffsets []int
	// Relocs are the places in Code that depend on addresses outside the
	// image: calls, the tail-call thunk, pointer immediates.
	Relocs []Reloc
	// Passes is the number of passes the longest function needed before
	// its size stopped changing.
	Passes int
}

// FuncLens returns the length of each function's image.
func (img *Image) FuncLens() []int {
	l := make([]int, len(img.Funcs))
	for i, f := range img.Funcs {
		l[i] = f.Len
	}
	return l
}

// Func is one function (the main program or a bpf-to-bpf subprogram).
type Func struct {
	FirstSlot, EndSlot int    // slot range [FirstSlot, EndSlot)
	Start, Len         int    // byte range in Image.Code
	Addr               uint64 // the image's address
	StackDepth         int    // stack depth used (before rounding)
	TailCallReachable  bool   // keeps a tail-call counter on its stack
}

// RelocKind tells what a Reloc refers to.
type RelocKind uint8

// Reloc kinds.
const (
	RelocHelper  RelocKind = iota + 1 // call rel32 to a helper or kfunc
	RelocFunc                         // call rel32 to another function of the program
	RelocThunk                        // jmp rel32 to the indirect-jump thunk (tail call)
	RelocPointer                      // the imm64 of a movabs (map, map value, kernel variable)
	RelocCallX                        // call rel32 to the callx thunk
)

func (k RelocKind) String() string {
	switch k {
	case RelocHelper:
		return "helper"
	case RelocFunc:
		return "func"
	case RelocThunk:
		return "thunk"
	case RelocPointer:
		return "pointer"
	case RelocCallX:
		return "callx"
	}
	return fmt.Sprintf("RelocKind(%d)", k)
}

// Reloc is an address-dependent field of the code.
type Reloc struct {
	Kind   RelocKind
	PC     int    // slot of the eBPF instruction
	Off    int    // offset of the field in Image.Code
	Len    int    // 4 (rel32) or 8 (imm64)
	Target uint64 // the address called/jumped to or loaded
	// Imm is the helper call's imm (RelocHelper) or the callee's
	// function index (RelocFunc).
	Imm int64
}

// Error is a program the JIT cannot compile, at a slot.
type Error struct {
	PC  int
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("jit: insn %d: %s", e.PC, e.Msg) }

func errorf(pc int, format string, a ...any) *Error {
	return &Error{PC: pc, Msg: fmt.Sprintf(format, a...)}
}

// Pass limits of Linux's x86-64 JIT: after paddingPasses passes without
// convergence, jumps keep their previous size (padded with nops) so the
// image can only shrink toward a fixed point; after maxPasses it gives up
// (and the kernel falls back to the interpreter).
const (
	maxPasses     = 20
	paddingPasses = maxPasses - 5
)

// Compile translates an xlated program (the verifier's output) into the
// machine code Linux 6.1's x86-64 JIT emits for it on a CPU without
// BMI2 or IBT.
//
// The program is in the kernel's xlated form: a bpf-to-bpf call has the
// pc-relative target in off (imm holds the callee's index), a helper call
// has imm = helper address - __bpf_call_base, a tail call is "call 12",
// map references are ld_imm64 with src 1 or 2. XlatedCalls converts
// raw bpf-to-bpf calls to that form.
func Compile(p isa.Program, opt Options) (*Image, error) {
	if opt.CallBase == 0 {
		opt.CallBase = DefaultCallBase
	}
	if opt.IndirectThunk == 0 {
		opt.IndirectThunk = DefaultIndirectThunk
	}
	if opt.CallXThunk == 0 {
		opt.CallXThunk = DefaultCallXThunk
	}
	if len(p) == 0 {
		return nil, errorf(0, "empty program")
	}
	j := &progJIT{opt: &opt, prog: p, pcs: p.PCs()}
	j.nslots = p.NumSlots()
	j.insnAt = make([]int, j.nslots)
	for i := range j.insnAt {
		j.insnAt[i] = -1
	}
	for i, pc := range j.pcs {
		j.insnAt[pc] = i
	}
	if err := j.splitFuncs(); err != nil {
		return nil, err
	}
	j.analyze()

	// Converge every function on its own; sizes do not depend on
	// addresses (calls are always rel32), so addresses are fixed after.
	img := &Image{InsnOffsets: make([]int, j.nslots+1)}
	for _, f := range j.funcs {
		if err := f.converge(); err != nil {
			return nil, err
		}
		img.Passes = max(img.Passes, f.passes)
	}
	next := DefaultImageAddr
	for i, f := range j.funcs {
		if i < len(opt.ImageAddr) {
			f.addr = opt.ImageAddr[i]
		} else {
			f.addr = next
		}
		next = f.addr + uint64(f.size)
	}
	for _, f := range j.funcs {
		start := len(img.Code)
		c, err := f.final()
		if err != nil {
			return nil, err
		}
		img.Code = append(img.Code, c...)
		for k := 0; k < f.n; k++ {
			img.InsnOffsets[f.first+k] = start + f.addrs[k]
		}
		for _, r := range f.relocs {
			r.Off += start
			img.Relocs = append(img.Relocs, r)
		}
		img.Funcs = append(img.Funcs, Func{FirstSlot: f.first, EndSlot: f.first + f.n,
			Start: start, Len: len(c), Addr: f.addr, StackDepth: f.depth, TailCallReachable: f.tailCallReachable})
	}
	// The second slot of an ld_imm64 starts where the next instruction
	// does; the kernel's addrs[] leave it stale, we make it meaningful.
	for pc := 0; pc < j.nslots; pc++ {
		if j.insnAt[pc] < 0 {
			img.InsnOffsets[pc] = img.InsnOffsets[pc+1]
			if pc+1 == j.nslots || j.funcOf(pc+1) != j.funcOf(pc) {
				f := j.funcs[j.funcOf(pc)]
				img.InsnOffsets[pc] = img.Funcs[f.idx].Start + img.Funcs[f.idx].Len
			}
		}
	}
	img.InsnOffsets[j.nslots] = len(img.Code)
	return img, nil
}

// progJIT is the state shared by the functions of one program.
type progJIT struct {
	opt    *Options
	prog   isa.Program
	pcs    []int // slot of each instruction
	insnAt []int // instruction index at each slot, -1 for ld_imm64 second halves
	nslots int
	funcs  []*funcJIT
}

// funcOf returns the index of the function containing slot pc.
func (j *progJIT) funcOf(pc int) int {
	i := sort.Search(len(j.funcs), func(i int) bool { return j.funcs[i].first > pc })
	return i - 1
}

// callTarget returns the slot a bpf-to-bpf call or ld_imm64 of a function
// refers to.
func callTarget(pc int, ins isa.Instruction) int {
	if ins.IsLdImm64() {
		return pc + 1 + int(ins.ImmLo())
	}
	return pc + 1 + int(ins.Off)
}

// splitFuncs finds the functions: slot 0 and every bpf-to-bpf call
// target, as the verifier's subprogram table has them.
func (j *progJIT) splitFuncs() error {
	starts := map[int]bool{0: true}
	for i, ins := range j.prog {
		pc := j.pcs[i]
		if ins.IsFuncCall() || (ins.IsLdImm64() && ins.Pseudo() == isa.PseudoFunc) {
			t := callTarget(pc, ins)
			if t < 0 || t >= j.nslots || j.insnAt[t] < 0 {
				return errorf(pc, "call target %d is outside the program", t)
			}
			starts[t] = true
		}
	}
	list := make([]int, 0, len(starts))
	for s := range starts {
		list = append(list, s)
	}
	sort.Ints(list)
	for i, s := range list {
		end := j.nslots
		if i+1 < len(list) {
			end = list[i+1]
		}
		f := &funcJIT{prog: j, idx: i, first: s, n: end - s}
		j.funcs = append(j.funcs, f)
	}
	return nil
}

// analyze computes what the prologue depends on: stack depth, the
// callee-saved registers used, tail-call reachability.
func (j *progJIT) analyze() {
	hasTail := make([]bool, len(j.funcs))
	callees := make([][]int, len(j.funcs))
	for _, f := range j.funcs {
		// Linux looks at the raw dst and src nibbles of every slot.
		for pc := f.first; pc < f.first+f.n; pc++ {
			i := j.insnAt[pc]
			if i < 0 {
				continue // second halves carry zero registers
			}
			ins := j.prog[i]
			for k, r := range calleeSaved {
				if ins.Dst == r || ins.Src == r {
					f.callee[k] = true
				}
			}
			if isTailCall(ins) {
				hasTail[f.idx] = true
			}
			if ins.IsFuncCall() {
				callees[f.idx] = append(callees[f.idx], j.funcOf(callTarget(pc, ins)))
			}
		}
		if f.idx < len(j.opt.StackDepth) {
			f.depth = j.opt.StackDepth[f.idx]
		} else {
			f.depth = estimateStackDepth(j.prog, j.pcs, f.first, f.first+f.n)
		}
	}
	// A function keeps the tail-call counter when it tail-calls or calls
	// (through any chain) a function that does: the verifier marks every
	// frame of such a call chain.
	reach := make([]int8, len(j.funcs)) // 0 unknown, 1 in progress, 2 no, 3 yes
	var visit func(i int) bool
	visit = func(i int) bool {
		switch reach[i] {
		case 1, 2:
			return false
		case 3:
			return true
		}
		reach[i] = 1
		r := hasTail[i]
		for _, c := range callees[i] {
			if visit(c) {
				r = true
			}
		}
		reach[i] = 2
		if r {
			reach[i] = 3
		}
		return r
	}
	for _, f := range j.funcs {
		f.tailCallReachable = visit(f.idx)
	}
}

// isTailCall reports the tail call as xlated code shows it (a call of
// helper 12, bpf_tail_call) or as the JIT receives it internally.
func isTailCall(ins isa.Instruction) bool {
	return (ins.OpCode == isa.OpCall && ins.Src == isa.CallHelper && ins.Imm == int64(isa.HelperID(12))) ||
		ins.OpCode == opTailCall
}

// opTailCall is BPF_JMP | BPF_TAIL_CALL (0xf0), the kernel-internal opcode
// the verifier gives tail calls.
const opTailCall isa.OpCode = 0xf5

// XlatedCalls returns p with its bpf-to-bpf calls in the xlated form the
// JIT reads (pc-relative target in off, callee index in imm), for programs
// that did not go through the verifier's rewrites. Raw calls carry the
// target in imm and 0 in off.
func XlatedCalls(p isa.Program) isa.Program {
	q := make(isa.Program, len(p))
	copy(q, p)
	pcs := p.PCs()
	var targets []int
	for i, ins := range p {
		if ins.IsFuncCall() {
			targets = append(targets, pcs[i]+1+int(int32(ins.Imm)))
		}
	}
	targets = append(targets, 0)
	sort.Ints(targets)
	index := func(t int) int { return sort.SearchInts(targets, t) }
	for i, ins := range p {
		if ins.IsFuncCall() {
			rel := int(int32(ins.Imm))
			q[i].Off = int16(rel)
			q[i].Imm = int64(index(pcs[i] + 1 + rel))
		}
	}
	return q
}
