package elf

import (
	"os"
	"testing"
)

// FuzzOpen feeds arbitrary bytes (seeded with the test objects) to Open:
// never a panic, and an object that opens is consistent.
//
//	go test ./core/elf -run '^$' -fuzz FuzzOpen -fuzztime 60s -parallel 1
func FuzzOpen(f *testing.F) {
	for _, name := range []string{"socket", "xdp", "tc", "kprobe"} {
		b, err := os.ReadFile("testdata/" + name + ".o")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		o, err := Open(b)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		for _, p := range o.Programs {
			slots := p.Insns.PCs()
			for _, r := range p.MapRefs {
				if r.Map < 0 || r.Map >= len(o.Maps) || r.Insn >= len(p.Insns) || slots[r.Insn] != r.Slot {
					t.Fatalf("inconsistent map reference %+v", r)
				}
			}
			for _, l := range p.Lines {
				if l.Insn < 0 || l.Insn >= len(p.Insns) {
					t.Fatalf("line record outside the program: %+v", l)
				}
			}
			_ = o.Record(p)
		}
		_ = o.Describe()
	})
}
