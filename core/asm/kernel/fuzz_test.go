package kernel_test

import (
	"bytes"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/isa"
)

var fuzzSeeds = []string{
	"r0 = 1\nexit\n",
	"loop:\nr0 += 1\nif r0 < 10 goto loop\nexit",
	"r1 = map[m] ll\nr2 = map[m][0]+16\ncall bpf_map_lookup_elem#1\ncall f\nexit\nf:\nr0 = 0\nexit",
	"lock *(u64 *)(r1 +0) += r2\nr0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)\nw2 = xchg32_32(r1 - 0x8, w2)",
	"r0 = *(u32 *)skb[r2 + 4]\nr0 = be16 r0\nr0 = (s8)r1\ngotol +1\n.slot 0x95",
	"0: (b7) r0 = 0 ; R0_w=0\n1: (95) exit\n",
	"       0:\tb7 00 00 00 00 00 00 00\tr0 = 0x0\n       1:\t95 00 00 00 00 00 00 00\texit\n",
	"r1 = 0x1122334455667788 ll\nr1 s/= -3\nw1 s%= w2\n*(u16 *)(r10 -2) = 0xffff",
}

// FuzzAssemble: no input panics, and whatever assembles prints and
// reassembles to the same bytes.
func FuzzAssemble(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		l, err := kernel.Assemble(src)
		if err != nil {
			return
		}
		want := l.Program.Encode()
		for _, text := range []string{kernel.Text(l.Program), programText(&kernel.Printer{Style: kernel.LLVM}, l.Program)} {
			l2, err := kernel.Assemble(text)
			if err != nil {
				t.Fatalf("printed text does not assemble: %v\n%s", err, text)
			}
			if got := l2.Program.Encode(); !bytes.Equal(got, want) {
				t.Fatalf("round trip changed the bytes:\n%s\n%x\n%x", text, want, got)
			}
		}
	})
}

// FuzzDisassemble: any bytes print in every style without panicking,
// and the Kernel and LLVM texts assemble back to the same bytes.
func FuzzDisassemble(f *testing.F) {
	f.Add([]byte{0xb7, 0, 0, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0x18, 0x21, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0})
	f.Add([]byte{0xdb, 0x21, 0xf8, 0xff, 0xf1, 0, 0, 0})
	f.Add([]byte{0x05, 0, 0x00, 0x80, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		slots, err := isa.UnmarshalSlots(b)
		if err != nil {
			return
		}
		prog, err := isa.Pair(slots)
		if err != nil {
			return
		}
		_ = programText(&kernel.Printer{Style: kernel.Linux61}, prog)
		// Pair keeps only the imm of an ld_imm64's second slot (the rest is
		// what Decode rejects), so the bytes to get back are the program's.
		want := prog.Encode()
		for _, text := range []string{kernel.Text(prog), programText(&kernel.Printer{Style: kernel.LLVM, Label: kernel.AutoLabels(prog)}, prog)} {
			l, err := kernel.Assemble(text)
			if len(prog) == 0 {
				return
			}
			if err != nil {
				t.Fatalf("printed text does not assemble: %v\n%s", err, text)
			}
			if got := l.Program.Encode(); !bytes.Equal(got, want) {
				t.Fatalf("round trip changed the bytes:\n%s\n%x\n%x", text, want, got)
			}
		}
	})
}
