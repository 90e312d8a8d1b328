package progen

import (
	"testing"

	"github.com/bpfplay/bpfplay/core/isa"
)

// TestCoverage checks that the generator reaches every instruction kind
// the differential test is meant to compare.
func TestCoverage(t *testing.T) {
	seen := map[string]bool{}
	b := make([]byte, 600)
	for seed := 0; seed < 3000; seed++ {
		x := uint32(seed*2654435761 + 1)
		for i := range b {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			b[i] = byte(x)
		}
		p := Program(b)
		if _, err := isa.FromSlots(mustSlots(t, p)); err != nil {
			t.Fatalf("seed %d: invalid program: %v", seed, err)
		}
		for _, ins := range p {
			seen[kind(ins)] = true
		}
	}
	for _, k := range []string{"alu64", "alu32", "div", "sdiv", "mod", "smod", "movsx", "end", "bswap", "neg",
		"ldx", "ldsx", "st", "stx", "atomic", "cmpxchg", "xchg", "jmp", "jmp32", "ja", "gotol", "lddw"} {
		if !seen[k] {
			t.Errorf("the generator never makes %s", k)
		}
	}
}

func mustSlots(t *testing.T, p isa.Program) []isa.Slot {
	t.Helper()
	s, err := isa.UnmarshalSlots(p.Encode())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func kind(ins isa.Instruction) string {
	op := ins.OpCode
	switch c := op.Class(); {
	case c.IsALU():
		switch op.ALUOp() {
		case isa.Div:
			if ins.Off == 1 {
				return "sdiv"
			}
			return "div"
		case isa.Mod:
			if ins.Off == 1 {
				return "smod"
			}
			return "mod"
		case isa.Mov:
			if ins.Off != 0 {
				return "movsx"
			}
		case isa.End:
			if c == isa.ALU64Class {
				return "bswap"
			}
			return "end"
		case isa.Neg:
			return "neg"
		}
		if c == isa.ALU64Class {
			return "alu64"
		}
		return "alu32"
	case ins.IsLdImm64():
		return "lddw"
	case c == isa.LdXClass:
		if op.Mode() == isa.MemSXMode {
			return "ldsx"
		}
		return "ldx"
	case c == isa.StClass:
		return "st"
	case ins.IsAtomic():
		switch ins.Atomic() {
		case isa.AtomicCmpXchg:
			return "cmpxchg"
		case isa.AtomicXchg:
			return "xchg"
		}
		return "atomic"
	case c == isa.StXClass:
		return "stx"
	case ins.IsGotol():
		return "gotol"
	case op == isa.OpJa:
		return "ja"
	case c == isa.Jump32Class:
		return "jmp32"
	case c == isa.JumpClass:
		return "jmp"
	}
	return "other"
}
