package cbpf

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// roundTripPrograms are the programs every format must carry: the
// tcpdump and libpcap goldens, the test_bpf records (valid or not) and
// random valid programs.
func roundTripPrograms(t *testing.T) map[string]Program {
	ps := map[string]Program{}
	for _, pat := range []string{"testdata/tcpdump/*.txtar", "testdata/libpcap/*.txtar"} {
		for _, g := range loadGoldens(t, pat) {
			ps[g.file] = g.prog
		}
	}
	for _, r := range classicRecords(t) {
		p, err := DecodeRaw(r.Insns)
		if err != nil {
			t.Fatal(err)
		}
		ps[r.Name] = p
	}
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 200; n++ {
		ps["random "+itoa(n)] = randomProgram(r, 2+r.IntN(60))
	}
	return ps
}

// TestRoundTrip writes every program in every format and reads it back,
// once naming the format and once letting Detect find it. Lossless
// formats (dd, ddd, iptables, raw) must give the program back exactly;
// the mnemonic formats (tcpdump -d, bpf_asm) its canonical form. bpf_asm
// cannot spell unknown opcodes or jumps past the end: those programs
// must be refused by Linux too (checked).
func TestRoundTrip(t *testing.T) {
	progs := roundTripPrograms(t)
	count := map[Format]int{}
	unspellable := 0
	for name, p := range progs {
		for _, f := range Formats {
			out, err := Marshal(p, f)
			if err != nil {
				var e *Error
				if f == FormatBPFAsm && errors.As(err, &e) && Check(p) != nil {
					unspellable++
					continue
				}
				t.Errorf("%s: writing %v: %v", name, f, err)
				continue
			}
			want := p
			if f == FormatTcpdump || f == FormatBPFAsm {
				want = Canonical(p)
			}
			back, _, err := Parse(out, f)
			if err != nil {
				t.Errorf("%s: reading back %v: %v\n%s", name, f, err, out)
				continue
			}
			if !equalProg(back, want) {
				t.Errorf("%s: %v round trip changed the program", name, f)
				continue
			}
			if f != FormatRaw || strings.IndexByte(string(out), 0) >= 0 {
				det, err := Detect(out)
				if err != nil || det != f {
					t.Errorf("%s: Detect(%v output) = %v, %v", name, f, det, err)
					continue
				}
			}
			count[f]++
		}
	}
	for _, f := range Formats {
		t.Logf("%-8v %d/%d programs round-trip", f, count[f], len(progs))
	}
	t.Logf("bpf_asm: %d programs Linux refuses have no bpf_asm spelling", unspellable)
}
