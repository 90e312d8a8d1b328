package verifier

import (
	"fmt"
	"testing"
)

// The packet sweep: direct packet access in XDP after a bounds check of
// N bytes (data + N > data_end), loads and stores of every size at
// offsets around N, loads at variable offsets bounded by branches, and
// data_meta accesses. The kernel's answers
// (testdata/pkt-sweep.answers.jsonl.gz):
//
//	BPFPLAY_ORACLE_INPUT=/tmp/pk.jsonl go test ./core/verifier -run TestPacketSweep
//	scripts/oracle.sh /tmp/pk.jsonl /tmp/pk.out.jsonl
//	BPFPLAY_ORACLE_OUTPUT=/tmp/pk.out.jsonl go test ./core/verifier -run TestPacketSweep

const packetSweepAnswers = "testdata/pkt-sweep.answers.jsonl.gz"

func packetSweepCases(t *testing.T) []messageCase {
	sizes := map[int]string{1: "u8", 2: "u16", 4: "u32", 8: "u64"}
	var cases []messageCase
	add := func(name, body string) {
		src := "r6 = r1\nr2 = *(u32 *)(r1 +0)\nr3 = *(u32 *)(r1 +4)\n" + body + "out:\nr0 = 2\nexit\n"
		cases = append(cases, messageCase{in: sweepProgram(t, "bpfplay/pkt sweep: "+name, "xdp", src, nil)})
	}
	for _, n := range []int{0, 1, 8, 14, 64} {
		check := fmt.Sprintf("r4 = r2\nr4 += %d\nif r4 > r3 goto out\n", n)
		for _, sz := range []int{1, 2, 4, 8} {
			for off := -2; off <= n+2; off += max(sz/2, 1) {
				add(fmt.Sprintf("checked %d read%d @%d", n, sz*8, off), check+fmt.Sprintf("r5 = *(%s *)(r2 %+d)\n", sizes[sz], off))
				add(fmt.Sprintf("checked %d write%d @%d", n, sz*8, off), check+fmt.Sprintf("*(%s *)(r2 %+d) = 1\n", sizes[sz], off))
			}
		}
		for ri, r := range sweepRanges {
			add(fmt.Sprintf("checked %d read8 @range %d", n, ri), check+r.bounded("r5")+"r2 += r5\nr5 = *(u8 *)(r2 +0)\n")
			add(fmt.Sprintf("range %d then checked %d read8", ri, n), r.bounded("r5")+"r2 += r5\n"+check+"r5 = *(u8 *)(r2 +0)\n")
		}
	}
	// data_meta: readable only after its own check against data.
	add("meta unchecked", "r4 = *(u32 *)(r6 +8)\nr5 = *(u8 *)(r4 +0)\n")
	add("meta checked", "r4 = *(u32 *)(r6 +8)\nr5 = r4\nr5 += 4\nif r5 > r2 goto out\nr5 = *(u32 *)(r4 +0)\n")
	add("meta checked too far", "r4 = *(u32 *)(r6 +8)\nr5 = r4\nr5 += 4\nif r5 > r2 goto out\nr5 = *(u32 *)(r4 +2)\n")
	return cases
}

// TestPacketSweep compares verdict, errno, error line and log with
// Linux's for every packet access of the sweep.
func TestPacketSweep(t *testing.T) {
	runSweep(t, packetSweepCases(t), packetSweepAnswers, true)
}
