package verifier

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

// The ld_imm64 sweep: every pseudo source (0-6, and past them) with
// immediates that name the program's map (fd 3), no map, or nonsense,
// and second halves that give value offsets inside and past the value;
// the loaded register is then used as a pointer. The kernel's answers
// (testdata/ldimm-sweep.answers.jsonl.gz):
//
//	BPFPLAY_ORACLE_INPUT=/tmp/li.jsonl go test ./core/verifier -run TestLdImmSweep
//	scripts/oracle.sh /tmp/li.jsonl /tmp/li.out.jsonl
//	BPFPLAY_ORACLE_OUTPUT=/tmp/li.out.jsonl go test ./core/verifier -run TestLdImmSweep

const ldImmSweepAnswers = "testdata/ldimm-sweep.answers.jsonl.gz"

// mapFixup stands for "the program's map" in the sweep's immediates.
const mapFixup = -1 << 31

func ldImmSweepCases() []messageCase {
	var cases []messageCase
	for src := uint8(0); src <= 7; src++ {
		imms := []int32{0, 3, 4, -1, 1}
		if src == 1 || src == 2 {
			// Map fds: the program's map (its slot patched with the
			// map's fd, as loaders do), or none at all (-1). Other
			// numbers name whatever the loading process has open.
			imms = []int32{mapFixup, -1}
		}
		for _, imm := range imms {
			for _, hi := range []int32{0, 8, 60, 64, -1} {
				for _, use := range []string{"load", "none"} {
					var insns []byte
					insns = append(insns, rawSlot(0x18, 1, src, 0, imm)...)
					insns = append(insns, rawSlot(0, 0, 0, 0, hi)...)
					if use == "load" {
						insns = append(insns, rawSlot(0x61, 0, 1, 0, 0)...) // r0 = *(u32 *)(r1 +0)
					}
					insns = append(insns, rawSlot(0xb7, 0, 0, 0, 0)...)
					insns = append(insns, rawSlot(0x95, 0, 0, 0, 0)...)
					what := fmt.Sprint(imm)
					m := record.Map{Name: "vals", Type: "array", KeySize: 4, ValueSize: 64, MaxEntries: 1}
					if imm == mapFixup {
						what = "map"
						binary.LittleEndian.PutUint32(insns[4:], 0)
						if src == 1 {
							m.Fixups = []int{0}
						} else {
							m.ValueFixups = []int{0}
						}
					}
					name := fmt.Sprintf("bpfplay/ldimm sweep: src %d imm %s hi %d %s", src, what, hi, use)
					in := &record.In{Name: name, ProgType: "socket_filter", Insns: insns, Maps: []record.Map{m}}
					cases = append(cases, messageCase{in: in})
				}
			}
		}
	}
	return cases
}

// TestLdImmSweep compares verdict, errno, error line, log and xlated
// with Linux's for every ld_imm64 form of the sweep.
func TestLdImmSweep(t *testing.T) { runSweep(t, ldImmSweepCases(), ldImmSweepAnswers, true) }
