package verifier

import (
	"os"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

// runSweep is the driver the oracle-answered tables share (helper
// availability, the ctx, scalar, stack, pointer, map/helper, argument,
// opcode, ld_imm64, loop and call sweeps). With BPFPLAY_ORACLE_INPUT it
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
