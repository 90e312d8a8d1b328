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

// TestXlatedOrigins: each xlated slot names the slot of the loaded
// program it comes from, for the shapes of 6.1's rewrites: code a
// rewrite inserts stands for the instruction it replaced.
func TestXlatedOrigins(t *testing.T) {
	tests := []struct {
		name, progType, src string
		want                []int
	}{
		{"unchanged", "socket_filter", "r0 = 1\nexit", []int{0, 1}},
		{"ctx load rewritten in place (skb->len)", "socket_filter",
			"r2 = *(u32 *)(r1 +0)\nr0 = r2\nexit", []int{0, 1, 2}},
		{"one load becomes three (skb->ifindex)", "socket_filter",
			"r5 = *(u32 *)(r1 +40)\nr0 = r5\nexit", []int{0, 0, 0, 1, 2}},
		{"guard inserted before a division", "socket_filter",
			"r0 = 100\nr2 = *(u32 *)(r1 +0)\nr0 /= r2\nexit", []int{0, 1, 2, 2, 2, 2, 3}},
		{"ld_imm64 keeps both slots", "socket_filter",
			"r1 = 0x100000000 ll\nr0 = 0\nexit", []int{0, 1, 2, 3}},
		{"dead code removed", "socket_filter",
			"r0 = 0\nif r0 == 0x0 goto +1\nr0 = 1\nexit", []int{0, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := &record.In{Name: tc.name, ProgType: tc.progType, Insns: assemble(t, tc.src).Encode()}
			res, opts, err := verifyIn(in, false, false)
			if err != nil || !res.Accepted {
				t.Fatalf("not accepted: %v\n%s", err, res.Log)
			}
			if got := newXlated(res, opts).origSlots(); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("origins %v, want %v", got, tc.want)
			}
		})
	}
}

// TestXlatedOriginsCorpus: on every accepted program of the corpora (up
// to 20k instructions), every xlated slot names an original one, in the
// original order (6.1's rewrites never reorder instructions).
func TestXlatedOriginsCorpus(t *testing.T) {
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
			x := newXlated(res, opts)
			last, n := 0, len(in.Insns)/8
			for i, o := range x.origSlots() {
				if o < last || o >= n {
					t.Errorf("%s: xlated slot %d attributed to %d (previous %d, %d original slots)", in.Name, i, o, last, n)
					break
				}
				last = o
			}
			if len(x.origSlots()) != len(res.Xlated) {
				t.Errorf("%s: %d origins for %d xlated slots", in.Name, len(x.origSlots()), len(res.Xlated))
			}
			total += len(x.origSlots())
		}
	}
	t.Logf("%d xlated slots attributed in order", total)
}
