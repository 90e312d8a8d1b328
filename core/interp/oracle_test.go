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

// unaryCase applies op (to r2) to every edge value, one result each.
func unaryCase(name, op string) testrun.Case {
	var steps []string
	for _, a := range edgeValues {
		steps = append(steps, fmt.Sprintf("r2 = %d ll\n", a)+op)
	}
	return testrun.Case{Name: "interp/alu/" + name, Asm: ot.Steps(steps...), Maps: []testrun.NamedMap{ot.ResMap()}}
}

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
		cs = append(cs, unaryCase(w+" neg", fmt.Sprintf("%s2 = -%s2\nr0 = r2\n", w, w)),
			unaryCase(w+" mov", fmt.Sprintf("%s3 = %s2\nr0 = r3\n", w, w)))
	}
	for _, swap := range []string{"be16", "be32", "be64", "le16", "le32", "le64"} {
		cs = append(cs, unaryCase(swap, fmt.Sprintf("r2 = %s r2\nr0 = r2\n", swap)))
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
	// Atomics on a stack slot: the slot's value after and the fetched
	// old value, 64- and 32-bit.
	atomics := []struct{ name, op string }{
		{"add", "lock *(%[1]s *)(r10 -8) += %[2]s3\n"}, {"or", "lock *(%[1]s *)(r10 -8) |= %[2]s3\n"},
		{"and", "lock *(%[1]s *)(r10 -8) &= %[2]s3\n"}, {"xor", "lock *(%[1]s *)(r10 -8) ^= %[2]s3\n"},
		{"fetch_add", "%[2]s3 = atomic%[3]s_fetch_add((%[1]s *)(r10 -8), %[2]s3)\n"},
		{"fetch_or", "%[2]s3 = atomic%[3]s_fetch_or((%[1]s *)(r10 -8), %[2]s3)\n"},
		{"fetch_and", "%[2]s3 = atomic%[3]s_fetch_and((%[1]s *)(r10 -8), %[2]s3)\n"},
		{"fetch_xor", "%[2]s3 = atomic%[3]s_fetch_xor((%[1]s *)(r10 -8), %[2]s3)\n"},
		{"xchg", "%[2]s3 = atomic%[3]s_xchg((%[1]s *)(r10 -8), %[2]s3)\n"},
		{"cmpxchg", "%[2]s0 = atomic%[3]s_cmpxchg((%[1]s *)(r10 -8), %[2]s0, %[2]s3)\n"},
	}
	for _, width := range []struct{ size, reg, suffix string }{{"u64", "r", "64"}, {"u32", "w", ""}} {
		for _, at := range atomics {
			for ai, a := range edgeValues {
				var steps []string
				for bi, b := range edgeValues[:15] {
					// cmpxchg compares with r0: the slot's value half the time.
					expect := a
					if bi%2 == 1 {
						expect = b
					}
					op := fmt.Sprintf(at.op, width.size, width.reg, width.suffix)
					steps = append(steps, fmt.Sprintf("r2 = %d ll\n*(u64 *)(r10 -8) = r2\nr3 = %d ll\nr0 = %d ll\n%sr4 = *(u64 *)(r10 -8)\nr0 ^= r4\nr0 ^= r3\n", a, b, expect, op))
				}
				cs = append(cs, testrun.Case{Name: fmt.Sprintf("interp/atomic/%s %s/%d", width.size, at.name, ai), Asm: ot.Steps(steps...),
					Maps: []testrun.NamedMap{ot.ResMap()}})
			}
		}
	}
	return cs
}

func TestOracle(t *testing.T) {
	ot.Run(t, aluCases(), "testdata/alu-oracle.jsonl.gz", *oracleIn, *oracleTrim)
}
