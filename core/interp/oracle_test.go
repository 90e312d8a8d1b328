package interp_test

import (
	"flag"
	"fmt"
	"testing"

	"github.com/bpfplay/bpfplay/core/interp/testrun"
	ot "github.com/bpfplay/bpfplay/core/interp/testrun/oracletest"
)

// The ALU and jump sweep against Linux 6.1's test runs: every ALU
// operation (64 and 32 bit), byte swap and conditional jump on pairs of
// values chosen at the edges (0, ±1, the 32- and 64-bit sign
// boundaries, shift counts at and past the width), each result stored in
// a map. Division and modulo by zero, shift counts past the width and
// 32-bit results' upper halves are where engines differ; the kernel's
// answers (testdata/alu-oracle.jsonl.gz) settle them. Refresh:
//
//	go test ./core/interp -run TestOracle -oracle-in /tmp/alu.jsonl
//	scripts/oracle.sh /tmp/alu.jsonl /tmp/alu.out
//	go test ./core/interp -run TestOracle -oracle-trim /tmp/alu.out
var (
	oracleIn   = flag.String("oracle-in", "", "write the cases as oracle input to this file and stop")
	oracleTrim = flag.String("oracle-trim", "", "trim this oracle output into testdata/alu-oracle.jsonl.gz")
)

var edgeValues = []int64{0, 1, -1, 2, 7, 31, 32, 33, 63, 64, 65, 0x7fffffff, -0x80000000, 0xffffffff,
	0x100000000, 0x7fffffffffffffff, -0x8000000000000000, 0x123456789abcdef0}

func aluCases() []testrun.Case {
	var cs []testrun.Case
	ops := []string{"+=", "-=", "*=", "/=", "%=", "|=", "&=", "^=", "<<=", ">>=", "s>>="}
	for _, w := range []string{"r", "w"} {
		for _, op := range ops {
			for ai, a := range edgeValues {
				var steps []string
				for _, b := range edgeValues {
					steps = append(steps, fmt.Sprintf("r2 = %d ll\nr3 = %d ll\n%s2 %s %s3\nr0 = r2\n", a, b, w, op, w))
				}
				cs = append(cs, testrun.Case{Name: fmt.Sprintf("interp/alu/%s %s/%d", w, op, ai), Asm: ot.Steps(steps...),
					Maps: []testrun.NamedMap{ot.ResMap()}})
			}
		}
		var steps []string
		for _, a := range edgeValues {
			steps = append(steps, fmt.Sprintf("r2 = %d ll\n%s2 = -%s2\nr0 = r2\n", a, w, w))
		}
		cs = append(cs, testrun.Case{Name: fmt.Sprintf("interp/alu/%s neg", w), Asm: ot.Steps(steps...),
			Maps: []testrun.NamedMap{ot.ResMap()}})
		steps = nil
		for _, a := range edgeValues {
			steps = append(steps, fmt.Sprintf("r2 = %d ll\n%s3 = %s2\nr0 = r3\n", a, w, w))
		}
		cs = append(cs, testrun.Case{Name: fmt.Sprintf("interp/alu/%s mov", w), Asm: ot.Steps(steps...),
			Maps: []testrun.NamedMap{ot.ResMap()}})
	}
	for _, swap := range []string{"be16", "be32", "be64", "le16", "le32", "le64"} {
		var steps []string
		for _, a := range edgeValues {
			steps = append(steps, fmt.Sprintf("r2 = %d ll\nr2 = %s r2\nr0 = r2\n", a, swap))
		}
		cs = append(cs, testrun.Case{Name: "interp/alu/" + swap, Asm: ot.Steps(steps...),
			Maps: []testrun.NamedMap{ot.ResMap()}})
	}
	for _, w := range []string{"r", "w"} {
		for _, op := range []string{"==", "!=", ">", ">=", "<", "<=", "s>", "s>=", "s<", "s<=", "&"} {
			for ai, a := range edgeValues {
				var steps []string
				for _, b := range edgeValues {
					steps = append(steps, fmt.Sprintf("r2 = %d ll\nr3 = %d ll\nr0 = 1\nif %s2 %s %s3 goto +1\nr0 = 0\n", a, b, w, op, w))
				}
				cs = append(cs, testrun.Case{Name: fmt.Sprintf("interp/jmp/%s %s/%d", w, op, ai), Asm: ot.Steps(steps...),
					Maps: []testrun.NamedMap{ot.ResMap()}})
			}
		}
	}
	return cs
}

func TestOracle(t *testing.T) {
	ot.Run(t, aluCases(), "testdata/alu-oracle.jsonl.gz", *oracleIn, *oracleTrim)
}
