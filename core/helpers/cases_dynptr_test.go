package helpers_test

import (
	"fmt"

	"github.com/bpfplay/bpfplay/core/interp/testrun"
	ot "github.com/bpfplay/bpfplay/core/interp/testrun/oracletest"
)

// Dynptrs: a local dynptr over a map value, reads, writes and slices
// of it, and ring buffer records reserved as dynptrs. The dynptr lives
// at fp-64 (16 bytes), a scratch buffer at fp-96; r7 holds the value.

const dynptrValue = `*(u32 *)(r10 -4) = 0
r1 = map[vals] ll
r2 = r10
r2 += -4
call bpf_map_lookup_elem
if r0 == 0 goto out
r7 = r0
r1 = 0x1122334455667788 ll
*(u64 *)(r7 +0) = r1
r1 = 0x99aabbccddeeff00 ll
*(u64 *)(r7 +8) = r1
*(u64 *)(r10 -96) = 0
*(u64 *)(r10 -88) = 0
*(u64 *)(r10 -80) = 0
*(u64 *)(r10 -72) = 0
`

func dynRead(off, n, flags int) string {
	return fmt.Sprintf("r1 = r10\nr1 += -96\nr2 = %d\nr3 = r10\nr3 += -64\nr4 = %d\nr5 = %d\ncall bpf_dynptr_read\n", n, off, flags)
}

func dynWrite(off, n, flags int) string {
	return fmt.Sprintf("r1 = r10\nr1 += -64\nr2 = %d\nr3 = r10\nr3 += -96\nr4 = %d\nr5 = %d\ncall bpf_dynptr_write\n", off, n, flags)
}

// dynData reads the u64 at a slice of the dynptr, or -1 when the slice
// is NULL.
func dynData(off int) string {
	return fmt.Sprintf("r1 = r10\nr1 += -64\nr2 = %d\nr3 = 8\ncall bpf_dynptr_data\nif r0 == 0 goto +2\nr0 = *(u64 *)(r0 +0)\ngoto +1\nr0 = -1\n", off)
}

func fromMem(size, flags int) string {
	return fmt.Sprintf("r1 = r7\nr2 = %d\nr3 = %d\nr4 = r10\nr4 += -64\ncall bpf_dynptr_from_mem\n", size, flags)
}

func dynptrCases() []testrun.Case {
	vals := ot.M("vals", "array", 4, 32, 1, 0)
	rb := ot.M("rb", "ringbuf", 0, 0, 4096, 0)
	wrap := func(body string) string { return dynptrValue + body + "out:\nr0 = 0\nexit\n" }
	steps := func(ops ...string) string {
		s := ot.Steps(ops...)
		return s[:len(s)-len("r0 = 0\nexit\n")]
	}
	reserve := func(size, flags int) string {
		return fmt.Sprintf("r1 = map[rb] ll\nr2 = %d\nr3 = %d\nr4 = r10\nr4 += -64\ncall bpf_ringbuf_reserve_dynptr\n", size, flags)
	}
	release := func(how string, flags int) string {
		return fmt.Sprintf("r1 = r10\nr1 += -64\nr2 = %d\ncall bpf_ringbuf_%s_dynptr\nr0 = 0\n", flags, how)
	}
	return []testrun.Case{
		{Name: "helpers/dynptr/local", Maps: []testrun.NamedMap{ot.ResMap(), vals}, Asm: wrap(steps(
			fromMem(32, 0),
			dynRead(0, 8, 0), "r0 = *(u64 *)(r10 -96)\n",
			dynRead(24, 8, 0), dynRead(25, 8, 0), dynRead(0, 8, 1), dynRead(33, 0, 0), dynRead(32, 0, 0),
			"r1 = 0x0102030405060708 ll\n*(u64 *)(r10 -96) = r1\n"+dynWrite(4, 4, 0), "r0 = *(u64 *)(r7 +0)\n",
			dynWrite(30, 4, 0), dynWrite(0, 4, 1),
			dynData(8), dynData(24), dynData(25), "r0 = *(u64 *)(r10 -88)\n",
		))},
		{Name: "helpers/dynptr/local-small", Maps: []testrun.NamedMap{ot.ResMap(), vals}, Asm: wrap(steps(
			fromMem(12, 0), dynRead(4, 8, 0), "r0 = *(u64 *)(r10 -96)\n", dynRead(5, 8, 0), dynData(4), dynData(5),
		))},
		{Name: "helpers/dynptr/local-empty", Maps: []testrun.NamedMap{ot.ResMap(), vals}, Asm: wrap(steps(
			fromMem(0, 0), dynRead(0, 0, 0), dynData(0), dynWrite(0, 0, 0),
		))},
		{Name: "helpers/dynptr/bad-flags", Maps: []testrun.NamedMap{ot.ResMap(), vals}, Asm: wrap(steps(
			fromMem(32, 1), dynRead(0, 8, 0), dynWrite(0, 8, 0), dynData(0),
		))},
		{Name: "helpers/dynptr/ringbuf", Maps: []testrun.NamedMap{ot.ResMap(), rb}, Asm: "r7 = 0\n" + ot.Steps(
			"r1 = 0x1122334455667788 ll\n*(u64 *)(r10 -96) = r1\n"+reserve(16, 0),
			dynWrite(0, 8, 0), dynWrite(8, 8, 0), dynWrite(9, 8, 0), dynData(0), release("submit", 0),
			reserve(16, 1), release("discard", 0),
			reserve(8192, 0), release("discard", 0),
			reserve(8, 0), release("discard", 0),
			"r1 = map[rb] ll\nr2 = 0\ncall bpf_ringbuf_query\n",
			reserve(24, 0), dynRead(16, 8, 0), release("submit", 1),
			"r1 = map[rb] ll\nr2 = 0\ncall bpf_ringbuf_query\n",
		)},
	}
}
