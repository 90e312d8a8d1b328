package verifier

import (
	"fmt"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

// The argument sweep: every helper called with all five argument
// registers of one kind — zero, a small constant, initialised or
// uninitialised stack, the context, a map, a map value, a packet
// pointer — from an XDP, a kprobe and a socket filter program (the
// latter also unprivileged). Linux checks arguments in
// order and names the first that does not fit: the table pins what each
// helper's arguments accept, with the kernel's wording. The kernel's
// answers (testdata/arg-sweep.answers.jsonl.gz):
//
//	BPFPLAY_ORACLE_INPUT=/tmp/as.jsonl go test ./core/verifier -run TestArgSweep
//	scripts/oracle.sh /tmp/as.jsonl /tmp/as.out.jsonl
//	BPFPLAY_ORACLE_OUTPUT=/tmp/as.out.jsonl go test ./core/verifier -run TestArgSweep

const argSweepAnswers = "testdata/arg-sweep.answers.jsonl.gz"

func argSweepCases(t *testing.T) []messageCase {
	init := ""
	for off := -64; off < 0; off += 8 {
		init += fmt.Sprintf("*(u64 *)(r10 %d) = 0\n", off)
	}
	all := func(src string) string {
		s := ""
		for r := 1; r <= 5; r++ {
			s += fmt.Sprintf("r%d = %s\n", r, src)
		}
		return s
	}
	kinds := []struct {
		name, setup string
		xdpOnly     bool
	}{
		{"zero", all("0"), false},
		{"const8", all("8"), false},
		{"fp", "r6 = r10\nr6 += -64\n" + all("r6"), false},
		{"fp-uninit", "r6 = r10\nr6 += -128\n" + all("r6"), false},
		{"ctx", "r6 = r1\n" + all("r6"), false},
		{"map", "r6 = map[m] ll\n" + all("r6"), false},
		{"map-value", "r6 = r1\n*(u32 *)(r10 -4) = 0\nr1 = map[m] ll\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem\nif r0 == 0 goto out\nr6 = r0\n" + all("r6"), false},
		{"packet", "r6 = *(u32 *)(r1 +0)\nr7 = *(u32 *)(r1 +4)\nr8 = r6\nr8 += 64\nif r8 > r7 goto out\n" + all("r6"), true},
	}
	m := record.Map{Name: "m", Type: "array", KeySize: 4, ValueSize: 64, MaxEntries: 1}
	var cases []messageCase
	for _, pt := range []string{"xdp", "kprobe", "socket_filter"} {
		for _, k := range kinds {
			if k.xdpOnly && pt != "xdp" {
				continue
			}
			for h := 1; h <= maxHelper6_1; h++ {
				src := init + k.setup + fmt.Sprintf("call %d\nout:\nr0 = 0\nexit\n", h)
				in := sweepProgram(t, fmt.Sprintf("bpfplay/arg sweep: %s %s %d", pt, k.name, h), pt, src, &m)
				// Socket filters also load unprivileged (fewer helpers,
				// stricter pointer rules).
				in.Unpriv = pt == "socket_filter"
				cases = append(cases, messageCase{in: in})
			}
		}
	}
	return cases
}

// TestArgSweep compares verdict, errno, error line and log with Linux's
// for every helper and kind of argument.
func TestArgSweep(t *testing.T) { runSweep(t, argSweepCases(t), argSweepAnswers, false) }
