package verifier

import (
	"fmt"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

// The pointer sweep: arithmetic on pointers — the frame pointer, a map
// value, the context — with every ALU operation and an immediate or a
// bounded scalar, then a one-byte load through the result; privileged
// and unprivileged (where Linux forbids more, and masks what it allows
// against speculation: the xlated program shows the sanitising). By
// whole level-2 log and xlated program. The kernel's answers
// (testdata/ptr-sweep.answers.jsonl.gz):
//
//	BPFPLAY_ORACLE_INPUT=/tmp/ps.jsonl go test ./core/verifier -run TestPtrSweep
//	scripts/oracle.sh /tmp/ps.jsonl /tmp/ps.out.jsonl
//	BPFPLAY_ORACLE_OUTPUT=/tmp/ps.out.jsonl go test ./core/verifier -run TestPtrSweep

const ptrSweepAnswers = "testdata/ptr-sweep.answers.jsonl.gz"

func ptrSweepCases(t *testing.T) []messageCase {
	kinds := []struct{ name, setup string }{
		{"fp", "r2 = r10\nr2 += -16\n"},
		{"map_value", "*(u32 *)(r10 -4) = 0\nr1 = map[vals] ll\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem\nif r0 == 0 goto out\nr2 = r0\nr0 = 0\nr1 = r6\n"},
		{"ctx", "r2 = r1\n"},
	}
	vals := record.Map{Name: "vals", Type: "array", KeySize: 4, ValueSize: 16, MaxEntries: 1}
	var cases []messageCase
	add := func(name, body string) {
		// The stack the frame pointer cases read is written first.
		init := "*(u64 *)(r10 -32) = 0\n*(u64 *)(r10 -24) = 0\n*(u64 *)(r10 -16) = 0\n*(u64 *)(r10 -8) = 0\n"
		src := "r6 = r1\nr0 = 0\n" + init + body + "r0 = *(u8 *)(r2 +0)\nr0 = 0\nout:\nexit\n"
		in := sweepProgram(t, "bpfplay/ptr sweep: "+name, "socket_filter", src, &vals)
		in.Unpriv, in.LogLevel = true, &level2
		cases = append(cases, messageCase{in: in})
	}
	for _, k := range kinds {
		for _, op := range sweepOps {
			for _, imm := range []int64{0, 1, 8, 15, 16, -1, -16, 0x7fffffff} {
				add(fmt.Sprintf("%s %s %d", k.name, op, imm), k.setup+fmt.Sprintf("r2 %s %d\n", op, imm))
			}
			for ri, r := range sweepRanges {
				add(fmt.Sprintf("%s %s range %d", k.name, op, ri), k.setup+r.bounded("r3")+fmt.Sprintf("r2 %s r3\n", op))
			}
		}
		for ri, r := range sweepRanges {
			// a scalar plus a pointer: the pointer moves to the left
			add(fmt.Sprintf("%s scalar += ptr range %d", k.name, ri), k.setup+r.bounded("r3")+"r3 += r2\nr2 = r3\n")
			add(fmt.Sprintf("%s w += range %d", k.name, ri), k.setup+r.bounded("r3")+"w2 += w3\n")
			add(fmt.Sprintf("%s ptr - ptr range %d", k.name, ri), k.setup+r.bounded("r3")+"r4 = r2\nr4 -= r2\nr2 += r4\n")
		}
	}
	return cases
}

// TestPtrSweep compares both verdicts, errnos, error lines, whole logs
// and the xlated programs with Linux's for every program of the sweep.
func TestPtrSweep(t *testing.T) { runSweep(t, ptrSweepCases(t), ptrSweepAnswers, true) }
