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
	// origSlot maps each xlated slot to the slot of the program as loaded
	// it came from (verifier.Result.XlatedOrig).
	origSlot []int
	// direct marks the tail calls the JIT patches into direct jumps.
	direct map[int]bool
}

// newXlated collects what the JIT and the native runner need from an
// accepted verification. nil when the verifier's output does not decode.
func newXlated(res *verifier.Result, opts *verifier.Options) *xlatedProg {
	prog, err := isa.Pair(res.Xlated)
	if err != nil {
		return nil
	}
	x := &xlatedProg{prog: prog, stackDepth: res.StackDepth, origSlot: res.XlatedOrig, direct: map[int]bool{}}
	for _, pc := range res.DirectTailCalls {
		x.direct[pc] = true
	}
	for _, m := range opts.Maps {
		x.mapIDs = append(x.mapIDs, int32(m.ID))
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

// directTailCall says whether the tail call at xlated slot pc is a
// direct jump (jit.DisplayOptions.DirectTailCall).
func (x *xlatedProg) directTailCall(pc int) bool { return x.direct[pc] }

// origSlots returns, per xlated slot, the slot of the instruction as
// loaded it comes from.
func (x *xlatedProg) origSlots() []int { return x.origSlot }
