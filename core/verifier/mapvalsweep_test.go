package verifier

import (
	"fmt"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

// The map value sweep: loads and stores through a map value pointer at
// constant offsets around the value's bounds, in every size, for a few
// value sizes, and loads at variable offsets bounded by branches;
// privileged and unprivileged. The kernel's answers
// (testdata/mapval-sweep.answers.jsonl.gz):
//
//	BPFPLAY_ORACLE_INPUT=/tmp/mv.jsonl go test ./core/verifier -run TestMapValueSweep
//	scripts/oracle.sh /tmp/mv.jsonl /tmp/mv.out.jsonl
//	BPFPLAY_ORACLE_OUTPUT=/tmp/mv.out.jsonl go test ./core/verifier -run TestMapValueSweep

const mapValueSweepAnswers = "testdata/mapval-sweep.answers.jsonl.gz"

func mapValueSweepCases(t *testing.T) []messageCase {
	sizes := map[int]string{1: "u8", 2: "u16", 4: "u32", 8: "u64"}
	lookup := "r6 = r1\n*(u32 *)(r10 -4) = 0\nr1 = map[vals] ll\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem\nif r0 == 0 goto out\nr1 = r6\n"
	var cases []messageCase
	add := func(name string, valueSize int, body string) {
		src := lookup + body + "out:\nr0 = 0\nexit\n"
		m := record.Map{Name: "vals", Type: "array", KeySize: 4, ValueSize: uint32(valueSize), MaxEntries: 1}
		in := sweepProgram(t, "bpfplay/mapval sweep: "+name, "socket_filter", src, &m)
		in.Unpriv = true
		cases = append(cases, messageCase{in: in})
	}
	for _, vs := range []int{4, 13, 64} {
		for _, sz := range []int{1, 2, 4, 8} {
			for off := -sz; off <= vs; off += max(sz/2, 1) {
				add(fmt.Sprintf("value %d read%d @%d", vs, sz*8, off), vs, fmt.Sprintf("r2 = *(%s *)(r0 %+d)\n", sizes[sz], off))
				add(fmt.Sprintf("value %d write%d @%d", vs, sz*8, off), vs, fmt.Sprintf("*(%s *)(r0 %+d) = 1\n", sizes[sz], off))
			}
		}
		for ri, r := range sweepRanges {
			add(fmt.Sprintf("value %d read8 @range %d", vs, ri), vs, r.bounded("r3")+"r0 += r3\nr2 = *(u8 *)(r0 +0)\n")
			add(fmt.Sprintf("value %d read32 @range %d+4", vs, ri), vs, r.bounded("r3")+"r0 += r3\nr2 = *(u32 *)(r0 +4)\n")
		}
	}
	return cases
}

// TestMapValueSweep compares verdicts, errnos, error lines and logs
// with Linux's for every access of the sweep, privileged and not.
func TestMapValueSweep(t *testing.T) {
	runSweep(t, mapValueSweepCases(t), mapValueSweepAnswers, true)
}
