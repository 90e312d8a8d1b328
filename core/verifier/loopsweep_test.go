package verifier

import (
	"fmt"
	"testing"
)

// The loop sweep: bounded loops the verifier walks iteration by
// iteration — counted up or down, by different steps, to constant or
// packet-dependent bounds, with branches in the body that fork states,
// with a stack slot or a map value updated each turn — so that pruning,
// state equivalence and precision decide how many instructions are
// processed. Compared with Linux 6.1 by the statistics line (insns
// processed, states) and the whole level-2 log (where it is at most
// 4 KiB; the statistics always). The kernel's answers
// (testdata/loop-sweep.answers.jsonl.gz):
//
//	BPFPLAY_ORACLE_INPUT=/tmp/ls.jsonl go test ./core/verifier -run TestLoopSweep
//	scripts/oracle.sh /tmp/ls.jsonl /tmp/ls.out.jsonl
//	BPFPLAY_ORACLE_OUTPUT=/tmp/ls.out.jsonl go test ./core/verifier -run TestLoopSweep

const loopSweepAnswers = "testdata/loop-sweep.answers.jsonl.gz"

func loopSweepCases(t *testing.T) []messageCase {
	bodies := []struct{ name, code string }{
		{"plain", "r3 += 1\n"},
		{"fork", "r4 = r2\nr4 &= 1\nif r4 == 0 goto +1\nr3 += 1\n"},
		{"fork-precise", "r4 = r2\nr4 &= 3\nif r4 != 2 goto +1\nr3 += r4\n"},
		{"stack", "r4 = *(u64 *)(r10 -8)\nr4 += r2\n*(u64 *)(r10 -8) = r4\n"},
		{"unknown", "r4 = *(u32 *)(r1 +0)\nif r4 > 7 goto +1\nr3 += r4\n"},
	}
	var cases []messageCase
	for _, b := range bodies {
		for _, n := range []int{1, 2, 3, 8, 25} {
			for _, step := range []int{1, 3} {
				for _, dir := range []string{"up", "down"} {
					var loop string
					if dir == "up" {
						loop = fmt.Sprintf("r2 = 0\nloop:\n%sr2 += %d\nif r2 < %d goto loop\n", b.code, step, n)
					} else {
						loop = fmt.Sprintf("r2 = %d\nloop:\n%sr2 -= %d\nif r2 s> 0 goto loop\n", n, b.code, step)
					}
					src := "r6 = r1\n*(u64 *)(r10 -8) = 0\nr3 = 0\n" + loop + "r0 = r3\nexit\n"
					in := sweepProgram(t, fmt.Sprintf("bpfplay/loop sweep: %s n=%d step=%d %s", b.name, n, step, dir), "socket_filter", src, nil)
					in.LogLevel = &level2
					cases = append(cases, messageCase{in: in})
				}
			}
		}
		// A bound the packet decides (at most 16).
		src := "r6 = r1\n*(u64 *)(r10 -8) = 0\nr3 = 0\nr5 = *(u32 *)(r1 +0)\nif r5 > 16 goto out\nr2 = 0\nloop:\n" + b.code +
			"r2 += 1\nif r2 < r5 goto loop\nout:\nr0 = r3\nexit\n"
		in := sweepProgram(t, "bpfplay/loop sweep: "+b.name+" packet bound", "socket_filter", src, nil)
		in.LogLevel = &level2
		cases = append(cases, messageCase{in: in})
	}
	return cases
}

// TestLoopSweep compares verdict, errno, statistics and log with Linux's
// for every loop of the sweep.
func TestLoopSweep(t *testing.T) { runSweep(t, loopSweepCases(t), loopSweepAnswers, true) }
