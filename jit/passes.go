package jit

import "github.com/bpfplay/bpfplay/core/isa"

// funcJIT compiles one function. Linux's JIT settles jump sizes by
// running over the function again and again: every pass emits each
// instruction with the jump displacements the previous pass measured,
// and the passes stop once the total length no longer changes. The start
// estimate is 64 bytes per instruction, so jumps start long (rel32) and
// shrink to rel8 as the measurements tighten. The emulation below keeps
// the kernel's exact bookkeeping, including its quirks: addrs[] is
// updated in place during a pass (a backward jump sees this pass's
// addresses, a forward one the previous pass's), and the current
// instruction's own end is the previous pass's.
type funcJIT struct {
	prog  *progJIT
	idx   int // function index
	first int // first slot
	n     int // number of slots

	depth             int     // verifier stack depth
	callee            [4]bool // r6-r9 used
	tailCallReachable bool

	addr uint64 // image address (known for the final pass only)

	// addrs[k] is the offset where local slot k starts, i.e. where slot
	// k-1 ends (the kernel's addrs[] with its 1-based loop index);
	// addrs[0] is the end of the prologue, addrs[n] the end of the code.
	addrs   []int
	cleanup int // where the epilogue starts (the first exit)
	size    int // converged length
	passes  int

	// Per-pass state.
	proglen  int  // bytes emitted so far in this pass
	seenExit bool // the epilogue has been emitted
	padding  bool // keep jump sizes (late passes)
	// prevSize is the current instruction's size in the previous pass,
	// prevStart where the next one started then.
	prevSize, prevStart int
	final_              bool
	relocs              []Reloc
}

// converge runs passes until the function's size is stable.
func (f *funcJIT) converge() error {
	f.addrs = make([]int, f.n+1)
	for k := range f.addrs {
		f.addrs[k] = 64 * (k + 1)
	}
	f.cleanup = 64 * (f.n + 1)
	old := 0
	for pass := 0; pass < maxPasses; pass++ {
		f.padding = pass >= paddingPasses
		size, _, err := f.pass(nil)
		if err != nil {
			return err
		}
		f.passes = pass + 1
		if size == old {
			f.size = size
			return nil
		}
		old = size
	}
	return errorf(f.first, "the image did not converge after %d passes", maxPasses)
}

// final emits the function at its address, one more pass with the
// converged measurements.
func (f *funcJIT) final() ([]byte, error) {
	f.final_ = true
	f.relocs = nil
	size, c, err := f.pass(&code{b: make([]byte, 0, f.size)})
	if err != nil {
		return nil, err
	}
	if size != f.size {
		panic("BUG: jit: final pass changed the function's size")
	}
	return c, nil
}

// pass emits the whole function once; out collects the code when not nil.
func (f *funcJIT) pass(out *code) (int, []byte, error) {
	var tmp code
	f.proglen = 0
	f.seenExit = false
	f.prologue(&tmp)
	f.commit(&tmp, out)
	f.prevStart = f.addrs[0]
	f.addrs[0] = f.proglen
	j := f.prog
	for k := 0; k < f.n; k++ {
		pc := f.first + k
		i := j.insnAt[pc]
		if i < 0 {
			panic("BUG: jit: walked into the second half of an ld_imm64")
		}
		ins := j.prog[i]
		tmp.b = tmp.b[:0]
		f.prevSize = f.addrs[k+1] - f.prevStart
		f.prevStart = f.addrs[k+1]
		if ins.IsLdImm64() {
			f.prevStart = f.addrs[k+2]
		}
		if err := f.insn(&tmp, k, pc, ins); err != nil {
			return 0, nil, err
		}
		f.commit(&tmp, out)
		if ins.IsLdImm64() {
			k++
		}
		f.addrs[k+1] = f.proglen
	}
	if out == nil {
		return f.proglen, nil, nil
	}
	return f.proglen, out.b, nil
}

func (f *funcJIT) commit(tmp *code, out *code) {
	if out != nil {
		out.emit(tmp.b...)
	}
	f.proglen += tmp.len()
	tmp.b = tmp.b[:0]
}

// insnStart is the offset where the current instruction starts in this
// pass.
func (f *funcJIT) insnStart() int { return f.proglen }

// reloc records an address-dependent field at offset off of the current
// instruction's code (final pass only).
func (f *funcJIT) reloc(kind RelocKind, pc, off, n int, target uint64, imm int64) {
	if f.final_ {
		f.relocs = append(f.relocs, Reloc{Kind: kind, PC: pc, Off: f.proglen + off, Len: n, Target: target, Imm: imm})
	}
}

// insn emits one eBPF instruction at local slot k.
func (f *funcJIT) insn(c *code, k, pc int, ins isa.Instruction) error {
	switch cls := ins.OpCode.Class(); cls {
	case isa.ALUClass, isa.ALU64Class:
		return f.alu(c, pc, ins)
	case isa.JumpClass, isa.Jump32Class:
		return f.jump(c, k, pc, ins)
	case isa.LdXClass, isa.StClass, isa.StXClass:
		return f.mem(c, pc, ins)
	case isa.LdClass:
		if ins.IsLdImm64() {
			return f.ldImm64(c, pc, ins)
		}
		return errorf(pc, "legacy packet load (opcode %#02x) must be rewritten by the verifier before the JIT", uint8(ins.OpCode))
	}
	return errorf(pc, "unknown opcode %#02x", uint8(ins.OpCode))
}
