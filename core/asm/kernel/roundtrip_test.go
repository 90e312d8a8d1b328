package kernel_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/isa"
)

func readSuite(t *testing.T) map[string]isa.Program {
	t.Helper()
	files, _ := filepath.Glob("../../../testdata/conformance/tests/*.data")
	if len(files) != 313 {
		t.Fatalf("found %d conformance tests, want 313", len(files))
	}
	out := map[string]isa.Program{}
	for _, f := range files {
		src, err := readFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tc, err := conformance.ParseData(src)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		p, err := tc.Program()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".data")] = p
	}
	return out
}

// styles are the printings that must assemble back to the same bytes.
var styles = []struct {
	name string
	text func(isa.Program) string
}{
	{"kernel+labels", kernel.Text},
	{"kernel", func(p isa.Program) string { return programText(&kernel.Printer{}, p) }},
	{"llvm", func(p isa.Program) string { return programText(&kernel.Printer{Style: kernel.LLVM}, p) }},
	{"llvm+labels", func(p isa.Program) string {
		return programText(&kernel.Printer{Style: kernel.LLVM, Label: kernel.AutoLabels(p)}, p)
	}},
}

func programText(pr *kernel.Printer, p isa.Program) string {
	var b strings.Builder
	if err := pr.Program(&b, p); err != nil {
		panic(err)
	}
	return b.String()
}

// TestConformanceRoundTrip: every conformance program printed in each
// style, and across dialects (conformance -> kernel -> conformance),
// assembles to its own bytes.
func TestConformanceRoundTrip(t *testing.T) {
	for name, p := range readSuite(t) {
		want := p.Encode()
		for _, st := range styles {
			text := st.text(p)
			l, err := kernel.Assemble(text)
			if err != nil {
				t.Errorf("%s (%s): %v\n%s", name, st.name, err, text)
				continue
			}
			if got := l.Program.Encode(); !bytes.Equal(got, want) {
				t.Errorf("%s (%s): round trip changed the bytes\n%s\ngot  %x\nwant %x", name, st.name, text, got, want)
			}
		}
		// kernel text -> program -> conformance text -> program
		l, err := kernel.Assemble(kernel.Text(p))
		if err != nil {
			continue
		}
		c, err := conformance.Assemble(conformance.Text(l.Program))
		if err != nil || !bytes.Equal(c.Program.Encode(), want) {
			t.Errorf("%s: kernel -> conformance round trip: %v", name, err)
		}
	}
}

// TestCorpusRoundTrip: every eBPF program of the Linux corpus that
// decodes prints and reassembles to its bytes, in every style.
func TestCorpusRoundTrip(t *testing.T) {
	n := 0
	for _, file := range []string{"verifier-dev.jsonl.gz", "test_bpf-dev.jsonl.gz"} {
		recs := corpusRecords(t, file)
		for _, r := range recs {
			if r.CBPF {
				continue
			}
			p, err := isa.Decode(r.Insns)
			if err != nil || len(p) > 5000 {
				continue
			}
			n++
			for _, st := range styles {
				text := st.text(p)
				l, err := kernel.Assemble(text)
				if err != nil {
					t.Errorf("%s (%s): %v", r.Name, st.name, err)
					continue
				}
				if !bytes.Equal(l.Program.Encode(), r.Insns) {
					t.Errorf("%s (%s): round trip changed the bytes", r.Name, st.name)
				}
			}
		}
	}
	t.Logf("%d corpus programs round-trip in %d styles", n, len(styles))
}

var _ = fmt.Sprint

// linux61Lossless reports whether Linux 6.1's log text says everything
// about ins: it does not for the cpu v4 forms it does not know (sdiv,
// movsx, ldsx, bswap, gotol with an imm), callx, or pseudo ld_imm64
// (it prints the resolved address).
func linux61Lossless(ins isa.Instruction) bool {
	op := ins.OpCode
	switch {
	case ins.IsSigned(), ins.MovSXBits() != 0, op.Mode() == isa.MemSXMode,
		op.Class() == isa.ALU64Class && op.ALUOp() == isa.End,
		ins.IsGotol(), op == isa.OpCallX, ins.IsKfuncCall(),
		ins.IsLdImm64() && ins.Src != 0:
		return false
	}
	return true
}

// TestLinux61LogRoundTrip: a program printed as Linux 6.1's verifier log
// (every pc, "pc: (xx) insn") assembles back to the same bytes, for every
// corpus and conformance program whose instructions 6.1 prints without
// loss.
func TestLinux61LogRoundTrip(t *testing.T) {
	progs := map[string]isa.Program{}
	for name, p := range readSuite(t) {
		progs["conformance/"+name] = p
	}
	for _, file := range []string{"verifier-dev.jsonl.gz", "test_bpf-dev.jsonl.gz"} {
		recs := corpusRecords(t, file)
		for _, r := range recs {
			if p, err := isa.Decode(r.Insns); err == nil && !r.CBPF && len(p) <= 5000 {
				progs[r.Name] = p
			}
		}
	}
	pr := &kernel.Printer{Style: kernel.Linux61}
	n := 0
outer:
	for name, p := range progs {
		var b strings.Builder
		for i, pc := range p.PCs() {
			if !linux61Lossless(p[i]) {
				continue outer
			}
			b.WriteString(pr.Line(pc, p[i]) + "\n")
		}
		l, err := kernel.Assemble(b.String())
		if err != nil {
			t.Errorf("%s: %v\n%s", name, err, b.String())
			continue
		}
		if !bytes.Equal(l.Program.Encode(), p.Encode()) {
			t.Errorf("%s: log round trip changed the bytes", name)
		}
		n++
	}
	t.Logf("%d programs round-trip through Linux 6.1's log text", n)
	if n < 1000 {
		t.Errorf("only %d programs checked", n)
	}
}
