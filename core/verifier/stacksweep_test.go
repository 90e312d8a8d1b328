package verifier

import (
	"fmt"
	"testing"
)

// The stack sweep: one store (a constant, an unknown scalar, the frame
// pointer or the context pointer, 1, 2, 4 or 8 bytes, at every aligned
// offset of two 8-byte slots) then one load (every size, every aligned
// offset of the same slots), privileged and unprivileged: spills,
// fills, partial overwrites of spilled pointers and reads of stack that
// was never written, compared with Linux 6.1 by whole level-2 log. The
// kernel's answers (testdata/stack-sweep.answers.jsonl.gz):
//
//	BPFPLAY_ORACLE_INPUT=/tmp/st.jsonl go test ./core/verifier -run TestStackSweep
//	scripts/oracle.sh /tmp/st.jsonl /tmp/st.out.jsonl
//	BPFPLAY_ORACLE_OUTPUT=/tmp/st.out.jsonl go test ./core/verifier -run TestStackSweep

const stackSweepAnswers = "testdata/stack-sweep.answers.jsonl.gz"

func stackSweepCases(t *testing.T) []messageCase {
	sizes := map[int]string{1: "u8", 2: "u16", 4: "u32", 8: "u64"}
	kinds := []struct{ name, setup, src string }{
		{"const", "", ""}, // a store of an immediate
		{"scalar", "r2 = *(u32 *)(r1 +0)\n", "r2"},
		{"fp", "r2 = r10\n", "r2"},
		{"ctx", "", "r1"},
	}
	var cases []messageCase
	for _, k := range kinds {
		for _, ws := range []int{8, 4, 2, 1} {
			for woff := -16; woff < 0; woff += ws {
				for _, rs := range []int{8, 4, 1} {
					for roff := -16; roff < 0; roff += rs {
						store := fmt.Sprintf("*(%s *)(r10 %d) = %s\n", sizes[ws], woff, k.src)
						if k.src == "" {
							store = fmt.Sprintf("*(%s *)(r10 %d) = 42\n", sizes[ws], woff)
						}
						src := "r0 = 0\n" + k.setup + store + fmt.Sprintf("r3 = *(%s *)(r10 %d)\nexit\n", sizes[rs], roff)
						in := sweepProgram(t, fmt.Sprintf("bpfplay/stack sweep: %s %d@%d read %d@%d", k.name, ws, woff, rs, roff), "socket_filter", src, nil)
						in.LogLevel, in.Unpriv = &level2, true
						cases = append(cases, messageCase{in: in})
					}
				}
			}
		}
	}
	return cases
}

// TestStackSweep compares both verdicts, errnos, error lines and whole
// logs with Linux's for every program of the sweep.
func TestStackSweep(t *testing.T) { runSweep(t, stackSweepCases(t), stackSweepAnswers, true) }
