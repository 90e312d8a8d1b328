package verifier

import (
	"math/rand"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/isa"
)

// TestFastPrint checks the log's fast instruction printer against
// kernel.Printer (which matches Linux 6.1's text) on random slots.
func TestFastPrint(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	p := kernel.Printer{Style: kernel.Linux61}
	n := 0
	for range 200000 {
		in := insn{code: uint8(rng.Intn(256)), dst: uint8(rng.Intn(16)), src: uint8(rng.Intn(16)),
			off: int16(rng.Intn(1 << 16)), imm: int32(rng.Uint32())}
		if rng.Intn(4) == 0 {
			in.imm = int32(rng.Intn(64) - 32)
		}
		got, ok := appendInsnFast(nil, in)
		if !ok {
			continue
		}
		n++
		want := p.Insn(0, instruction(in, insn{}))
		if string(got) != want {
			t.Fatalf("slot %+v: fast %q, kernel.Printer %q", in.slot(), got, want)
		}
	}
	if n < 50000 {
		t.Fatalf("only %d of the random slots took the fast path", n)
	}
	_ = isa.OpExit
}
