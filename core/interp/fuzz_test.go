package interp

import (
	"encoding/binary"
	"testing"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/progtype"
)

// FuzzRun runs random instruction streams (decoded leniently, so
// malformed instructions reach the interpreter) with a small budget. The
// interpreter must never panic or touch memory outside its regions (Go's
// bounds checks would panic), and three ways of running must agree on
// r0, the instruction count and the fault: the fused code, the plain
// code, and a traced run.
//
//	go test ./core/interp -run XXX -fuzz FuzzRun -fuzztime 60s -parallel 1
func FuzzRun(f *testing.F) {
	seed := func(ins ...isa.Instruction) []byte { return isa.Program(ins).Encode() }
	f.Add(seed(isa.Instruction{OpCode: 0xb7, Imm: 1}, isa.Instruction{OpCode: isa.OpExit}), false)
	f.Add(seed(isa.Instruction{OpCode: 0x79, Dst: 0, Src: 10, Off: -8}, isa.Instruction{OpCode: isa.OpExit}), true)
	f.Add(seed(isa.Instruction{OpCode: 0x69, Dst: 4, Src: 1, Off: 14}, isa.Instruction{OpCode: 0xdc, Dst: 4, Imm: 16},
		isa.Instruction{OpCode: 0x0f, Dst: 5, Src: 4}, isa.Instruction{OpCode: 0x05, Off: -4}), false)
	f.Add(seed(isa.Instruction{OpCode: isa.OpCall, Src: 1, Imm: 1}, isa.Instruction{OpCode: isa.OpExit},
		isa.Instruction{OpCode: 0x85, Imm: 1}, isa.Instruction{OpCode: isa.OpExit}), true)
	f.Fuzz(func(t *testing.T, code []byte, skb bool) {
		code = code[:len(code)/8*8]
		if len(code) == 0 || len(code) > 8*512 {
			return
		}
		slots, _ := isa.UnmarshalSlots(code)
		prog, err := isa.Pair(slots)
		if err != nil {
			return
		}
		fused, err := Compile(prog, nil)
		if err != nil {
			return
		}
		plain, _ := Compile(prog, &Options{NoFuse: true})
		mkEnv := func() *Env {
			if skb {
				pt, _ := progtype.ByName("sched_cls")
				pkt := make([]byte, 64)
				binary.BigEndian.PutUint16(pkt[12:], 0x0800)
				r, _ := progtype.NewRun(pt, progtype.Input{Data: pkt})
				return &Env{Ctx: r, Budget: 2000}
			}
			return &Env{Mem: make([]byte, 64), Budget: 2000}
		}
		a := fused.Run(mkEnv())
		b := plain.Run(mkEnv())
		e := mkEnv()
		e.Trace = 1 << 20
		c := plain.Run(e)
		for _, r := range []*Result{b, c} {
			if r.R0 != a.R0 || r.Insns != a.Insns || (r.Fault == nil) != (a.Fault == nil) ||
				(r.Fault != nil && (r.Fault.PC != a.Fault.PC || r.Fault.Kind != a.Fault.Kind)) {
				t.Fatalf("runs disagree: fused r0=%#x insns=%d fault=%v; other r0=%#x insns=%d fault=%v",
					a.R0, a.Insns, a.Fault, r.R0, r.Insns, r.Fault)
			}
		}
		if int64(len(c.Trace)) != c.Insns {
			t.Fatalf("trace has %d steps for %d instructions", len(c.Trace), c.Insns)
		}
	})
}
