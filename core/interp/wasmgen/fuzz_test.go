package wasmgen_test

import (
	"context"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/bpfplay/bpfplay/core/isa"
)

// FuzzWasm compiles random instruction streams and runs them in wazero
// and in the interpreter: whenever the interpreter exits normally the
// module must agree on r0, the count and the memory; whenever it faults
// the module must hand the run back (StatusRedo).
//
//	go test ./core/interp/wasmgen -run XXX -fuzz FuzzWasm -fuzztime 60s -parallel 1
func FuzzWasm(f *testing.F) {
	seed := func(ins ...isa.Instruction) []byte { return isa.Program(ins).Encode() }
	f.Add(seed(isa.Instruction{OpCode: 0xb7, Imm: 1}, isa.Instruction{OpCode: isa.OpExit}))
	f.Add(seed(isa.Instruction{OpCode: 0x71, Dst: 0, Src: 1, Off: 3}, isa.Instruction{OpCode: 0x07, Dst: 0, Imm: 1},
		isa.Instruction{OpCode: 0xa5, Dst: 0, Imm: 10, Off: -2}, isa.Instruction{OpCode: isa.OpExit}))
	f.Add(seed(isa.Instruction{OpCode: 0x7b, Dst: 10, Src: 1, Off: -8}, isa.Instruction{OpCode: 0x79, Dst: 0, Src: 10, Off: -8},
		isa.Instruction{OpCode: 0xdc, Dst: 0, Imm: 64}, isa.Instruction{OpCode: isa.OpExit}))
	rt := wazero.NewRuntime(context.Background())
	f.Cleanup(func() { rt.Close(context.Background()) })
	f.Fuzz(func(t *testing.T, code []byte) {
		code = code[:len(code)/8*8]
		if len(code) == 0 || len(code) > 8*256 {
			return
		}
		slots, _ := isa.UnmarshalSlots(code)
		prog, err := isa.Pair(slots)
		if err != nil {
			return
		}
		mem := make([]byte, 32)
		for i := range mem {
			mem[i] = byte(i * 13)
		}
		compare(t, rt, "fuzz", prog, mem, 5000, 4, false)
	})
}
