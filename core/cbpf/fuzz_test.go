package cbpf

import (
	"bytes"
	"testing"
)

// FuzzParse feeds arbitrary bytes to every reader. It must never panic;
// whatever parses must survive being written and read again in every
// format (canonical form for tcpdump -d and bpf_asm).
//
//	go test ./core/cbpf -run '^$' -fuzz FuzzParse -fuzztime 60s -parallel 1
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"(000) ldh      [12]\n(001) jeq      #0x800           jt 2\tjf 3\n(002) ret      #262144\n(003) ret      #0\n",
		"{ 0x28, 0, 0, 0x0000000c },\n{ 0x6, 0, 0, 0x00000000 },\n",
		"2\n40 0 0 12\n6 0 0 0\n",
		"4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0",
		"ldh [12]\njne #0x800, drop\nret #-1\ndrop: ret #0\n",
		"\x28\x00\x00\x00\x0c\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00\x00",
		"ldxb 4*([14]&0xf)\nld [x + 2]\nret a\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, in := range append([]Format{FormatAuto}, Formats...) {
			p, got, err := Parse(b, in)
			if err != nil {
				continue
			}
			for _, out := range Formats {
				text, err := Marshal(p, out)
				if err != nil {
					continue // bpf_asm cannot spell every program
				}
				back, _, err := Parse(text, out)
				if err != nil {
					t.Fatalf("read as %v, written as %v, cannot read back: %v\n%q", got, out, err, text)
				}
				want := p
				if out == FormatTcpdump || out == FormatBPFAsm {
					want = Canonical(p)
				}
				if !equalProg(back, want) {
					t.Fatalf("read as %v, %v round trip changed the program", got, out)
				}
			}
		}
	})
}

// FuzzRun checks, runs and converts arbitrary sock_filter bytes on an
// arbitrary packet: never a panic, and for accepted programs the
// classic run and the converted eBPF agree.
//
//	go test ./core/cbpf -run '^$' -fuzz FuzzRun -fuzztime 60s -parallel 1
func FuzzRun(f *testing.F) {
	f.Add(EncodeRaw(Program{{Code: 0x28, K: 12}, {Code: 0x15, Jt: 0, Jf: 1, K: 0x800}, {Code: 0x06, K: 1}, {Code: 0x06}}), []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x08\x00"))
	f.Add(EncodeRaw(Program{{Code: 0xb1, K: 14}, {Code: 0x48, K: 2}, {Code: 0x3c}, {Code: 0x16}}), bytes.Repeat([]byte{0x45}, 40))
	f.Add(EncodeRaw(Program{{Code: 0x20, K: AncOffset + 52}, {Code: 0x20, K: AncOffset + 12}, {Code: 0x16}}), []byte{})
	f.Fuzz(func(t *testing.T, prog, pkt []byte) {
		p, err := DecodeRaw(prog[:len(prog)/InsnSize*InsnSize])
		if err != nil {
			t.Fatal(err)
		}
		if len(p) > 64 {
			p = p[:64]
		}
		if Check(p) != nil {
			return
		}
		for _, skb := range []*Skb{TestBPFSkb(pkt), TestRunSkb(pkt)} {
			want := run(p, skb, nil)
			c, err := Convert(p)
			if err != nil {
				t.Fatalf("Convert refused a checked program: %v", err)
			}
			got, err := execConverted(c, skb)
			if err != nil || got != want {
				t.Fatalf("converted eBPF gives %d (%v), classic %d\n%s", got, err, want, FormatTcpdumpListing(p))
			}
		}
	})
}
