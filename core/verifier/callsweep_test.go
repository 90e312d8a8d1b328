package verifier

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

// The call sweep: chains of bpf-to-bpf calls, 1 to 9 functions deep,
// each function using the same stack size, with and without a tail call
// in the deepest: the frame limit, the combined stack size, the stack
// allowed below a tail call, and the stack depths the log reports. The
// kernel's answers (testdata/call-sweep.answers.jsonl.gz):
//
//	BPFPLAY_ORACLE_INPUT=/tmp/cs2.jsonl go test ./core/verifier -run TestCallSweep
//	scripts/oracle.sh /tmp/cs2.jsonl /tmp/cs2.out.jsonl
//	BPFPLAY_ORACLE_OUTPUT=/tmp/cs2.out.jsonl go test ./core/verifier -run TestCallSweep

const callSweepAnswers = "testdata/call-sweep.answers.jsonl.gz"

func callSweepCases(t *testing.T) []messageCase {
	var cases []messageCase
	for _, tail := range []bool{false, true} {
		for depth := 1; depth <= 9; depth++ {
			for _, size := range []int{8, 64, 128, 256, 512} {
				var sb strings.Builder
				for f := 0; f < depth; f++ {
					if f > 0 {
						fmt.Fprintf(&sb, "f%d:\n", f)
					}
					fmt.Fprintf(&sb, "*(u64 *)(r10 -%d) = 0\n", size)
					switch {
					case f+1 < depth:
						fmt.Fprintf(&sb, "call f%d\n", f+1)
					case tail:
						sb.WriteString("r2 = map[progs] ll\nr3 = 0\ncall bpf_tail_call\n")
					}
					sb.WriteString("r0 = 0\nexit\n")
				}
				progs := record.Map{Name: "progs", Type: "prog_array", KeySize: 4, ValueSize: 4, MaxEntries: 1}
				cases = append(cases, messageCase{in: sweepProgram(t, fmt.Sprintf("bpfplay/call sweep: depth %d stack %d tail %v", depth, size, tail),
					"socket_filter", sb.String(), &progs)})
			}
		}
	}
	return cases
}

// TestCallSweep compares verdict, errno, error line, log and xlated
// with Linux's for every call chain of the sweep.
func TestCallSweep(t *testing.T) { runSweep(t, callSweepCases(t), callSweepAnswers, true) }
