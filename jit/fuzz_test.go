package jit

import (
	"testing"

	"github.com/bpfplay/bpfplay/core/isa"
)

// FuzzCompile feeds arbitrary instruction slots to the emitter: it may
// refuse a program with an error but must never panic, and what it
// accepts must disassemble into whole instructions that cover the image.
//
//	go test ./jit -run '^$' -fuzz FuzzCompile -fuzztime 60s -parallel 1
func FuzzCompile(f *testing.F) {
	f.Add([]byte{0xb7, 0, 0, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0x85, 0x10, 1, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0, 0xb7, 0, 0, 0, 7, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0x18, 0x21, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x85, 0, 0, 0, 12, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0x3f, 0x12, 1, 0, 0, 0, 0, 0, 0xdb, 0x1a, 0xf8, 0xff, 0xf1, 0, 0, 0, 0x06, 0, 0, 0, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		b = b[:len(b)&^7]
		slots, err := isa.UnmarshalSlots(b)
		if err != nil || len(slots) == 0 || len(slots) > 4096 {
			return
		}
		p, err := isa.Pair(slots)
		if err != nil {
			return
		}
		opt := Options{Pointer: func(pc int, ins isa.Instruction) (uint64, error) { return 0xffff888000001000, nil }}
		img, err := Compile(p, opt)
		if err != nil {
			return
		}
		if fixed, err := RuntimeFixups(p); err == nil {
			if _, err := Compile(XlatedCalls(fixed), opt); err != nil {
				_ = err // may be refused; must not panic
			}
		}
		for _, l := range img.Listing(ATT, nil) {
			if l.Text == "(bad)" {
				t.Fatalf("undecodable byte at %#x in the image of % x", l.Off, b)
			}
		}
	})
}
