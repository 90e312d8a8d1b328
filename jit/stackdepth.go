package jit

import "github.com/bpfplay/bpfplay/core/isa"

// EstimateStackDepth approximates the verifier's stack depth of the
// function occupying slots [first, end) of p, for programs that reach the
// JIT without the verifier's answer (the verifier records the deepest
// r10-relative access on any path, including the buffers it hands to
// helpers). The estimate follows r10 and copies of it adjusted by
// constants through straight-line code, and takes the deepest access or
// helper argument seen. It can only err on the deep side for pointers
// it loses track of; the load pipeline passes the verifier's figure.
func EstimateStackDepth(p isa.Program, first, end int) int {
	return estimateStackDepth(p, p.PCs(), first, end)
}

func estimateStackDepth(p isa.Program, pcs []int, first, end int) int {
	const unknown = 1 << 30
	var fp [isa.NumRegisters + 1]int // offset from r10, or unknown
	reset := func() {
		for i := range fp {
			fp[i] = unknown
		}
		fp[isa.R10] = 0
	}
	reset()
	targets := map[int]bool{}
	for i, ins := range p {
		if ins.IsBranch() {
			targets[pcs[i]+1+ins.BranchOffset()] = true
		}
	}
	depth := 0
	note := func(off int) {
		if -off > depth {
			depth = -off
		}
	}
	for i, ins := range p {
		pc := pcs[i]
		if pc < first || pc >= end {
			continue
		}
		if targets[pc] {
			reset()
		}
		cls := ins.OpCode.Class()
		valid := func(r isa.Register) bool { return int(r) < len(fp) }
		if !valid(ins.Dst) || !valid(ins.Src) {
			continue
		}
		switch {
		case cls == isa.LdXClass:
			if fp[ins.Src] != unknown {
				note(fp[ins.Src] + int(ins.Off))
			}
			fp[ins.Dst] = unknown
		case cls == isa.StClass || cls == isa.StXClass:
			if fp[ins.Dst] != unknown {
				note(fp[ins.Dst] + int(ins.Off))
			}
			if ins.IsAtomic() && ins.Atomic().Fetch() {
				fp[ins.Src] = unknown
				if ins.Atomic() == isa.AtomicCmpXchg {
					fp[isa.R0] = unknown
				}
			}
		case cls == isa.ALU64Class && ins.OpCode.ALUOp() == isa.Mov && ins.OpCode.Source() == isa.RegSource && ins.Off == 0:
			fp[ins.Dst] = fp[ins.Src]
		case cls == isa.ALU64Class && (ins.OpCode.ALUOp() == isa.Add || ins.OpCode.ALUOp() == isa.Sub) && ins.OpCode.Source() == isa.ImmSource:
			if fp[ins.Dst] != unknown {
				d := int(int32(ins.Imm))
				if ins.OpCode.ALUOp() == isa.Sub {
					d = -d
				}
				fp[ins.Dst] += d
			}
		case cls.IsALU() || ins.IsLdImm64():
			fp[ins.Dst] = unknown
		case ins.OpCode == isa.OpCall:
			for r := isa.R1; r <= isa.R5; r++ {
				if fp[r] != unknown {
					note(fp[r])
				}
			}
			for r := isa.R0; r <= isa.R5; r++ {
				fp[r] = unknown
			}
		}
	}
	return depth
}
