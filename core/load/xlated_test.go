package load

import (
	"fmt"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
)

func assemble(t *testing.T, src string) isa.Program {
	t.Helper()
	l, err := kernel.Assemble(src)
	if err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	return l.Program
}

// TestAlignXlated: each xlated instruction is attributed to the original
// instruction it comes from, for the shapes of 6.1's rewrites.
func TestAlignXlated(t *testing.T) {
	tests := []struct {
		name, orig, xlated string
		want               []int
	}{
		{"unchanged", "r0 = 1\nexit", "r0 = 1\nexit", []int{0, 1}},
		{"ctx load rewritten in place",
			"r2 = *(u32 *)(r1 +0)\nr0 = r2\nexit",
			"r2 = *(u32 *)(r1 +112)\nr0 = r2\nexit", []int{0, 1, 2}},
		{"one load becomes three (skb->ifindex)",
			"r5 = *(u32 *)(r1 +40)\nr0 = r5\nexit",
			"r5 = *(u64 *)(r1 +16)\nif r5 == 0x0 goto +1\nr5 = *(u32 *)(r5 +216)\nr0 = r5\nexit", []int{0, 0, 0, 1, 2}},
		{"guard inserted before a division",
			"r0 = 100\nr0 /= r2\nexit",
			"r0 = 100\nif r2 != 0x0 goto +2\nw0 ^= w0\ngoto +1\nr0 /= r2\nexit", []int{0, 1, 1, 1, 1, 2}},
		{"null check appended to a call",
			"call 1\nr1 = r0\nexit",
			"call 201840\nif r0 == 0x0 goto +1\nr0 += 56\nr1 = r0\nexit", []int{0, 0, 0, 1, 2}},
		{"dead code removed",
			"r0 = 0\ngoto +1\nr0 = 1\nexit",
			"r0 = 0\nexit", []int{0, 3}},
		{"jump offsets change",
			"if r1 > 0x5 goto +2\nr2 = *(u32 *)(r1 +0)\nr0 = 1\nexit",
			"if r1 > 0x5 goto +4\nr2 = *(u64 *)(r1 +16)\nif r2 == 0x0 goto +1\nr2 = *(u32 *)(r2 +216)\nr0 = 1\nexit", []int{0, 1, 1, 1, 2, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := alignXlated(assemble(t, tc.orig), assemble(t, tc.xlated))
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestAlignXlatedLarge: past the exact alignment's limit, the greedy
// pairing still attributes an unchanged program one to one and never
// leaves the programs' bounds.
func TestAlignXlatedLarge(t *testing.T) {
	var p isa.Program
	for i := 0; i < 3000; i++ {
		p = append(p, assemble(t, fmt.Sprintf("r0 += %d", i%7))...)
	}
	p = append(p, assemble(t, "exit")...)
	got := alignXlated(p, p)
	for i, o := range got {
		if o != i {
			t.Fatalf("insn %d attributed to %d", i, o)
		}
	}
	// A longer xlated program (a guard inserted every 100 instructions).
	var xl isa.Program
	for i, ins := range p {
		if i%100 == 50 {
			xl = append(xl, assemble(t, "if r2 != 0x0 goto +0")...)
		}
		xl = append(xl, ins)
	}
	for i, o := range alignXlated(p, xl) {
		if o < -1 || o >= len(p) {
			t.Fatalf("xlated insn %d attributed to %d (of %d)", i, o, len(p))
		}
	}
}

// TestAlignXlatedCorpus: on every accepted program of the corpora (up to
// 20k instructions), every xlated instruction gets an original one, in
// the original order (6.1's rewrites never reorder instructions).
func TestAlignXlatedCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("verifies the corpora; skipped with -short")
	}
	total := 0
	for _, f := range []string{"../../testdata/corpus/verifier-dev.jsonl.gz", "../../testdata/corpus/test_bpf-dev.jsonl.gz", "../../testdata/realworld/corpus.jsonl.gz"} {
		all, err := record.ReadAll(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range all {
			if in.CBPF || len(in.Insns) > 8*20000 {
				continue
			}
			res, opts, err := verifyIn(in, false, false)
			if err != nil || !res.Accepted {
				continue
			}
			slots, err := isa.UnmarshalSlots(in.Insns)
			if err != nil {
				t.Fatal(err)
			}
			orig, err := isa.Pair(slots)
			if err != nil {
				t.Fatal(err)
			}
			x := newXlated(res, opts, orig)
			last := 0
			for i, o := range x.orig {
				if o < last || o >= len(orig) {
					t.Errorf("%s: xlated insn %d attributed to %d (previous %d, %d original insns)", in.Name, i, o, last, len(orig))
					break
				}
				last = o
			}
			total += len(x.orig)
		}
	}
	t.Logf("%d xlated instructions attributed in order", total)
}
