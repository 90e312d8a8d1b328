package load

import (
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/verifier"
)

// xlatedProg is the verifier's rewritten program: what Linux runs, JITs
// and dumps. The JIT pane, `batch`'s jited and native runs all use it,
// so they show and run the kernel's code rather than the program as
// written.
type xlatedProg struct {
	// prog is as the verifier dumps it (BPF_OBJ_GET_INFO_BY_FD): helper
	// calls by kernel address (imm = address - __bpf_call_base),
	// bpf-to-bpf calls with the callee's index in imm, tail calls as
	// call 12, maps by map id.
	prog isa.Program
	// stackDepth per function, the verifier's.
	stackDepth []int
	// mapIDs[i] is the id the verifier gave the request's map i.
	mapIDs []int32
	// orig maps each xlated instruction (index into prog) to the original
	// instruction (index into the program as loaded) it came from, -1
	// when no single instruction is its source (see alignXlated).
	orig []int
}

// newXlated collects what the JIT and the native runner need from an
// accepted verification. nil when the verifier's output does not decode.
func newXlated(res *verifier.Result, opts *verifier.Options, written isa.Program) *xlatedProg {
	prog, err := isa.Pair(res.Xlated)
	if err != nil {
		return nil
	}
	x := &xlatedProg{prog: prog, stackDepth: res.StackDepth}
	for _, m := range opts.Maps {
		x.mapIDs = append(x.mapIDs, int32(m.ID))
	}
	if written != nil {
		x.orig = alignXlated(written, prog)
	}
	return x
}

// withMapIndices returns the program with map ids replaced by the
// request's map indices, the numbering jit.CompileForDisplay (map
// addresses and names) expects. An id no map has stays as it is.
func (x *xlatedProg) withMapIndices() isa.Program {
	index := map[int32]int32{}
	for i, id := range x.mapIDs {
		index[id] = int32(i)
	}
	q := append(isa.Program(nil), x.prog...)
	for i, ins := range q {
		if !ins.IsLdImm64() || (ins.Pseudo() != isa.PseudoMapFD && ins.Pseudo() != isa.PseudoMapValue) {
			continue
		}
		if n, ok := index[ins.ImmLo()]; ok {
			q[i] = isa.LdImm64Pseudo(ins.Dst, ins.Pseudo(), n, ins.ImmHi())
		}
	}
	return q
}

// origSlots returns, per xlated slot, the slot of the instruction as
// written it comes from (-1 when unknown); nil without an alignment.
func (x *xlatedProg) origSlots(written isa.Program) []int {
	if x.orig == nil {
		return nil
	}
	pcs := written.PCs()
	var out []int
	for i, ins := range x.prog {
		o := -1
		if x.orig[i] >= 0 {
			o = pcs[x.orig[i]]
		}
		for range ins.Width() {
			out = append(out, o)
		}
	}
	return out
}

// alignLimit bounds the table of the exact alignment (original x
// xlated instructions); larger programs are aligned greedily.
const alignLimit = 4 << 20

// alignXlated maps each instruction of the xlated program to the
// original instruction it came from. The verifier does not report the
// correspondence (the kernel keeps it only for BTF line info), so it is
// reconstructed: the rewrites keep the order of instructions and change
// them locally, so the longest common subsequence of the two programs,
// comparing instructions up to what the rewrites always change (jump
// offsets, call immediates, map references: sameModRewrite), pairs the
// instructions the verifier kept. Between two kept instructions, the
// xlated ones are attributed in order to the original ones in between
// (one instruction rewritten into several, as context accesses, LD_ABS
// and inlined map lookups are); those inserted without replacing
// anything to the call they follow (what a hash lookup's result gets),
// else to the original instruction they precede (the guards before a
// division, pointer-arithmetic sanitising). Original
// instructions the verifier removed (dead code) get no xlated
// instruction.
func alignXlated(orig, xl isa.Program) []int {
	pairs := commonInsns(orig, xl)
	out := make([]int, len(xl))
	pi, pj := 0, 0 // start of the current gap
	fill := func(qi, qj int) {
		a := qi - pi
		for t := 0; t < qj-pj; t++ {
			switch {
			case a > 0:
				out[pj+t] = pi + min(t, a-1)
			case pi > 0 && orig[pi-1].OpCode == isa.OpCall:
				out[pj+t] = pi - 1 // appended to a call (the null check and offset after a hash lookup)
			case pi < len(orig):
				out[pj+t] = pi // inserted before orig[pi]
			default:
				out[pj+t] = -1
			}
		}
	}
	for _, p := range pairs {
		fill(p[0], p[1])
		out[p[1]] = p[0]
		pi, pj = p[0]+1, p[1]+1
	}
	fill(len(orig), len(xl))
	return out
}

// commonInsns returns the pairs (original index, xlated index) of a
// longest common subsequence of the two programs under sameModRewrite,
// in order. Past alignLimit it pairs greedily instead: equal
// instructions in step (two in a row), skipping forward on the xlated
// side (where the rewrites add instructions) at most alignSkip
// instructions.
func commonInsns(orig, xl isa.Program) [][2]int {
	n, m := len(orig), len(xl)
	var pairs [][2]int
	if n*m > alignLimit {
		// A pair counts when the next instructions pair too (or both
		// programs end there), so that a common instruction (exit,
		// r0 = 0) inside a long rewrite does not anchor by chance.
		anchor := func(i, j int) bool {
			if !sameModRewrite(orig[i], xl[j]) {
				return false
			}
			if i+1 == n || j+1 == m {
				return i+1 == n && j+1 == m
			}
			return sameModRewrite(orig[i+1], xl[j+1])
		}
		for i, j := 0, 0; i < n && j < m; i++ {
			for k := 0; k < alignSkip && j+k < m; k++ {
				if anchor(i, j+k) {
					pairs = append(pairs, [2]int{i, j + k})
					j += k + 1
					break
				}
			}
		}
		return pairs
	}
	// lcs[i*(m+1)+j] is the length of an LCS of orig[i:] and xl[j:]
	// (at most min(n, m) <= 2048 under alignLimit).
	lcs := make([]uint16, (n+1)*(m+1))
	at := func(i, j int) uint16 { return lcs[i*(m+1)+j] }
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			v := max(at(i+1, j), at(i, j+1))
			if sameModRewrite(orig[i], xl[j]) {
				v = max(v, at(i+1, j+1)+1)
			}
			lcs[i*(m+1)+j] = v
		}
	}
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case sameModRewrite(orig[i], xl[j]) && at(i, j) == at(i+1, j+1)+1:
			pairs = append(pairs, [2]int{i, j})
			i, j = i+1, j+1
		case at(i, j+1) >= at(i+1, j):
			j++ // an xlated instruction the original lacks
		default:
			i++
		}
	}
	return pairs
}

// alignSkip bounds the greedy alignment's look-ahead: the longest
// rewrite of one instruction in 6.1 (LD_ABS/LD_IND, inlined map
// lookups, bpf_loop inlining) is well under it.
const alignSkip = 64

// sameModRewrite reports whether an xlated instruction is the original
// one, up to what the verifier changes in instructions it keeps: branch
// offsets (instructions are inserted and removed), call immediates
// (helper numbers become kernel addresses, bpf-to-bpf targets become
// function indices), map references (fds become ids).
func sameModRewrite(o, x isa.Instruction) bool {
	if o.OpCode != x.OpCode || o.Dst != x.Dst || o.Src != x.Src {
		return false
	}
	switch {
	case o.OpCode == isa.OpCall:
		return true
	case o.IsBranch():
		return o.IsGotol() || o.Imm == x.Imm
	case o.IsLdImm64() && o.Pseudo() != isa.PseudoNone:
		return o.ImmHi() == x.ImmHi()
	}
	return o.Off == x.Off && o.Imm == x.Imm
}
