package verifier

import (
	"fmt"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

// The opcode sweep: every one of the 256 opcodes, with its fields zero
// and with one field set (source or destination register, including the
// frame pointer and the hidden r11, offset, immediate), between
// "r0 = 0" instructions: what Linux 6.1 makes of malformed and
// well-formed instructions alike, by whole log. The kernel's answers
// (testdata/opcode-sweep.answers.jsonl.gz):
//
//	BPFPLAY_ORACLE_INPUT=/tmp/os.jsonl go test ./core/verifier -run TestOpcodeSweep
//	scripts/oracle.sh /tmp/os.jsonl /tmp/os.out.jsonl
//	BPFPLAY_ORACLE_OUTPUT=/tmp/os.out.jsonl go test ./core/verifier -run TestOpcodeSweep

const opcodeSweepAnswers = "testdata/opcode-sweep.answers.jsonl.gz"

func opcodeSweepCases() []messageCase {
	variants := []struct {
		name     string
		dst, src uint8
		off      int16
		imm      int32
	}{
		{"zero", 0, 0, 0, 0}, {"src1", 0, 1, 0, 0}, {"dst10", 10, 0, 0, 0}, {"dst11", 11, 0, 0, 0},
		{"src11", 0, 11, 0, 0}, {"off1", 0, 0, 1, 0}, {"imm1", 0, 0, 0, 1}, {"imm-1", 0, 0, 0, -1},
	}
	r0 := rawSlot(0xb7, 0, 0, 0, 0)
	exit := rawSlot(0x95, 0, 0, 0, 0)
	var cases []messageCase
	for op := 0; op < 256; op++ {
		for _, v := range variants {
			var insns []byte
			insns = append(insns, r0...)
			insns = append(insns, rawSlot(uint8(op), v.dst, v.src, v.off, v.imm)...)
			if op == 0x18 {
				insns = append(insns, make([]byte, 8)...) // ld_imm64's second half
			} else {
				insns = append(insns, r0...)
			}
			insns = append(insns, r0...)
			insns = append(insns, exit...)
			cases = append(cases, messageCase{in: &record.In{Name: fmt.Sprintf("bpfplay/opcode sweep: %02x %s", op, v.name),
				ProgType: "socket_filter", Insns: insns}})
		}
	}
	return cases
}

// TestOpcodeSweep compares verdict, errno, error line and log with
// Linux's for every opcode and field variant.
func TestOpcodeSweep(t *testing.T) { runSweep(t, opcodeSweepCases(), opcodeSweepAnswers, true) }
