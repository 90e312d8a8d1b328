package load

import (
	"context"
	"testing"
)

// FuzzLoadJIT loads arbitrary instruction bytes with the JIT: the
// pipeline must never panic, and whenever the verifier accepts, the JIT
// pane must show the xlated program with every machine-code line mapped
// to an xlated instruction and, where given, to an instruction as
// written.
//
//	go test ./core/load -run '^$' -fuzz FuzzLoadJIT -fuzztime 60s -parallel 1
func FuzzLoadJIT(f *testing.F) {
	types := []string{"socket_filter", "sched_cls", "xdp", "kprobe", "cgroup_skb"}
	for i, c := range jitCases {
		p, err := resolve(c.request())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(p.prog.Encode(), uint8(i))
	}
	f.Fuzz(func(t *testing.T, insns []byte, kind uint8) {
		if len(insns) > 8*256 {
			return
		}
		resp := Load(context.Background(), &Request{Source: Source{Insns: insns}, ProgType: types[int(kind)%len(types)], JIT: true})
		if resp.Verifier == nil || !resp.Verifier.Accepted || !resp.OK {
			return
		}
		if resp.JIT == nil || resp.JIT.Program != "xlated" {
			t.Fatalf("accepted, but the JIT pane is %+v (%+v)", resp.JIT, resp.Diagnostics)
		}
		xl, orig := map[int]bool{}, map[int]bool{}
		for _, l := range resp.Xlated {
			xl[l.PC] = true
		}
		for _, l := range resp.Listing {
			orig[l.PC] = true
		}
		for _, l := range resp.JIT.Listing {
			if l.Slot >= 0 && !xl[l.Slot] {
				t.Fatalf("machine code at %d maps to slot %d, not an xlated instruction", l.Off, l.Slot)
			}
			if l.OrigSlot != nil && !orig[*l.OrigSlot] {
				t.Fatalf("machine code at %d maps to original slot %d, not an instruction", l.Off, *l.OrigSlot)
			}
		}
	})
}
