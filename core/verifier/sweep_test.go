package verifier

import (
	"encoding/binary"
	"os"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/record"
)

// runSweep is the driver the oracle-answered tables share (the message
// table, helper availability, and the ctx, scalar, stack, pointer, map
// value, packet, map/helper, argument, opcode, ld_imm64, loop and call
// sweeps). With BPFPLAY_ORACLE_INPUT it
// writes the cases for the kernel oracle; with BPFPLAY_ORACLE_OUTPUT it
// trims the oracle's answers into answersPath (keepLog: with the logs
// of at most 4 KiB); otherwise it compares every case with Linux's
// answer, privileged and, where the case asks, unprivileged.
func runSweep(t *testing.T, cases []messageCase, answersPath string, keepLog bool) {
	t.Helper()
	if p := os.Getenv("BPFPLAY_ORACLE_INPUT"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		w := record.NewWriter(f)
		for _, c := range cases {
			w.Write(c.in)
		}
		f.Close()
		t.Logf("wrote %d programs to %s for the kernel oracle", len(cases), p)
		return
	}
	if p := os.Getenv("BPFPLAY_ORACLE_OUTPUT"); p != "" {
		writeAnswers(t, cases, p, answersPath, keepLog)
		return
	}
	answers := readAnswers(t, answersPath)
	if len(answers) != len(cases) {
		t.Fatalf("%d answers for %d cases: refresh %s", len(answers), len(cases), answersPath)
	}
	for _, c := range cases {
		a := answers[c.in.Name]
		if a == nil {
			t.Fatalf("no kernel answer for %q", c.in.Name)
		}
		name := c.in.Name
		if i := strings.Index(name, ": "); i >= 0 {
			name = name[i+2:]
		}
		t.Run(name, func(t *testing.T) {
			compareAnswer(t, c.in, false, a)
			if c.in.Unpriv {
				if a.Unpriv == nil {
					t.Fatalf("no unprivileged kernel answer")
				}
				compareAnswer(t, c.in, true, a.Unpriv)
			}
		})
	}
}

// level2 asks for the whole log (level 1 keeps only the failing path).
var level2 = 2

// sweepProgram assembles a sweep's program (kernel dialect) into a
// record of type progType. Every map the program names is m (one map,
// named m.Name), with the program's references to it patched.
func sweepProgram(t *testing.T, name, progType, src string, m *record.Map) *record.In {
	t.Helper()
	l, err := kernel.Assemble(src)
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, src)
	}
	in := &record.In{Name: name, ProgType: progType, Insns: l.Program.Encode()}
	for _, n := range l.Maps {
		if m == nil || n != m.Name {
			t.Fatalf("%s: map %q is not the sweep's", name, n)
		}
		in.Maps = append(in.Maps, *m)
	}
	for _, r := range l.MapRefs {
		mm := &in.Maps[r.Index]
		if r.Value {
			mm.ValueFixups = append(mm.ValueFixups, r.Slot)
		} else {
			mm.Fixups = append(mm.Fixups, r.Slot)
		}
	}
	return in
}

// rawSlot encodes one instruction slot field by field, malformed ones
// included (the sweeps that go below the assembler).
func rawSlot(op, dst, src uint8, off int16, imm int32) []byte {
	b := make([]byte, 8)
	b[0], b[1] = op, dst|src<<4
	binary.LittleEndian.PutUint16(b[2:], uint16(off))
	binary.LittleEndian.PutUint32(b[4:], uint32(imm))
	return b
}
