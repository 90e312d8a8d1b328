package verifier

import (
	"fmt"
	"testing"
)

// The scalar sweep: the verifier's range and tnum tracking through
// every ALU operation, 64- and 32-bit, on a register known to lie in a
// range (a packet length bounded by branches, shifted to reach negative
// values), with an immediate or a second bounded register. The log at
// level 2 shows each result's bounds ("R2_w=scalar(umin=...,var_off=...)";
// level 1 keeps only the failing path),
// so comparing whole logs with Linux's compares the tracking; then every
// conditional jump, whose two paths refine the bounds. The
// kernel's answers (testdata/scalar-sweep.answers.jsonl.gz):
//
//	BPFPLAY_ORACLE_INPUT=/tmp/ss.jsonl go test ./core/verifier -run TestScalarSweep
//	scripts/oracle.sh /tmp/ss.jsonl /tmp/ss.out.jsonl
//	BPFPLAY_ORACLE_OUTPUT=/tmp/ss.out.jsonl go test ./core/verifier -run TestScalarSweep

const scalarSweepAnswers = "testdata/scalar-sweep.answers.jsonl.gz"

// sweepRange is a register's range: skb->len bounded to [lo, hi], then
// bias subtracted.
type sweepRange struct{ lo, hi, bias int64 }

var sweepRanges = []sweepRange{
	{7, 7, 0}, {3, 10, 0}, {0, 255, 0}, {1000, 1 << 20, 0}, {0, -1, 0},
	{5, 20, 10}, {0, 100, 50}, {0x7ffffff0, 0x80000010, 0},
}

// bounded loads skb->len into reg and bounds it (unbounded: hi < 0).
func (r sweepRange) bounded(reg string) string {
	s := fmt.Sprintf("%s = *(u32 *)(r1 +0)\n", reg)
	if r.hi >= 0 {
		s += fmt.Sprintf("if %s > %d goto out\nif %s < %d goto out\n", reg, r.hi, reg, r.lo)
	}
	if r.bias != 0 {
		s += fmt.Sprintf("%s -= %d\n", reg, r.bias)
	}
	return s
}

var sweepOps = []string{"+=", "-=", "*=", "/=", "%=", "|=", "&=", "^=", "<<=", ">>=", "s>>="}

var sweepImms = []int64{0, 1, 3, 8, 255, -1, -8, 0x7fffffff, -0x80000000, 31, 63}

func scalarSweepCases(t *testing.T) []messageCase {
	var cases []messageCase
	add := func(name, body string, unpriv ...bool) {
		src := "r0 = 0\n" + body + "out:\nexit\n"
		in := sweepProgram(t, "bpfplay/scalar sweep: "+name, "socket_filter", src, nil)
		in.LogLevel, in.Unpriv = &level2, len(unpriv) > 0 && unpriv[0]
		cases = append(cases, messageCase{in: in})
	}
	for ri, r := range sweepRanges {
		for _, w := range []string{"r", "w"} {
			add(fmt.Sprintf("%s neg range %d", w, ri), r.bounded("r2")+fmt.Sprintf("%s2 = -%s2\n", w, w))
			for _, op := range sweepOps {
				for _, imm := range sweepImms {
					add(fmt.Sprintf("%s %s %d range %d", w, op, imm, ri), r.bounded("r2")+fmt.Sprintf("%s2 %s %d\n", w, op, imm))
				}
				for rj, r2 := range sweepRanges {
					add(fmt.Sprintf("%s %s reg range %d, %d", w, op, ri, rj),
						r.bounded("r2")+r2.bounded("r3")+fmt.Sprintf("%s2 %s %s3\n", w, op, w))
				}
			}
		}
	}
	// Branches: what each comparison teaches about both registers on
	// both paths (the log shows the state at each path's start).
	for ri, r := range sweepRanges {
		for _, w := range []string{"r", "w"} {
			for _, op := range sweepCmps {
				for _, imm := range []int64{0, 7, 100, -1, 0x7fffffff, -0x80000000} {
					// Also unprivileged (two of the immediates): Linux
					// then explores the branch a CPU might speculate
					// into as well.
					add(fmt.Sprintf("if %s %s %d range %d", w, op, imm, ri),
						r.bounded("r2")+fmt.Sprintf("if %s2 %s %d goto +1\nr0 = r2\nr0 = r2\n", w, op, imm), imm == 7 || imm == -1)
				}
				for rj, r2 := range sweepRanges {
					add(fmt.Sprintf("if %s %s reg range %d, %d", w, op, ri, rj),
						r.bounded("r2")+r2.bounded("r3")+fmt.Sprintf("if %s2 %s %s3 goto +1\nr0 = r2\nr0 = r3\n", w, op, w))
				}
			}
		}
	}
	return cases
}

var sweepCmps = []string{"==", "!=", ">", ">=", "<", "<=", "s>", "s>=", "s<", "s<=", "&"}

// TestScalarSweep compares verdict, errno, error line, statistics and
// the whole log with Linux's for every program of the sweep.
func TestScalarSweep(t *testing.T) { runSweep(t, scalarSweepCases(t), scalarSweepAnswers, true) }
