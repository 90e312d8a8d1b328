package conformance_test

import (
	"bytes"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/isa"
)

// FuzzAssemble: no input panics, and whatever assembles prints and
// reassembles to the same bytes.
func FuzzAssemble(f *testing.F) {
	for _, s := range []string{
		"mov %r0, 1\nexit",
		"L1:\nadd %r0, 1\njlt %r0, 10, L1\nexit",
		"lock fetch add32 [%r10-4], %r1\ncall local f\nexit\nf:\nexit",
		"lddw %r0, 0x1122334455667788\nja32 +0\nmovsx1664 %r0, %r1\n.slot 0x95",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		l, err := conformance.Assemble(src)
		if err != nil {
			return
		}
		text := conformance.Text(l.Program)
		l2, err := conformance.Assemble(text)
		if err != nil {
			t.Fatalf("printed text does not assemble: %v\n%s", err, text)
		}
		if !bytes.Equal(l.Program.Encode(), l2.Program.Encode()) {
			t.Fatalf("round trip changed the bytes:\n%s", text)
		}
	})
}

// FuzzDisassemble: any valid program prints and reassembles to its bytes.
func FuzzDisassemble(f *testing.F) {
	f.Add([]byte{0xb7, 0, 0, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0x18, 0x21, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		prog, err := isa.Decode(b)
		if err != nil || len(prog) == 0 {
			return
		}
		text := conformance.Text(prog)
		l, err := conformance.Assemble(text)
		if err != nil {
			t.Fatalf("printed text does not assemble: %v\n%s", err, text)
		}
		if !bytes.Equal(l.Program.Encode(), b) {
			t.Fatalf("round trip changed the bytes:\n%s", text)
		}
	})
}

// FuzzParseData: no .data file panics the reader or Program.
func FuzzParseData(f *testing.F) {
	f.Add("-- asm\nmov %r0, 1\nexit\n-- result\n0x1\n")
	f.Add("-- raw\n04 00 01 00 01 00 00 00\n-- error\n")
	f.Add("-- raw\n0x0000000000000095\n-- mem\n00 ff\n")
	f.Fuzz(func(t *testing.T, src string) {
		tc, err := conformance.ParseData(src)
		if err != nil {
			return
		}
		tc.Program()
	})
}
