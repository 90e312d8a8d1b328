package native

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/jit"
	"github.com/bpfplay/bpfplay/jit/ksyms"
)

// TestLRUInlineLookup runs the code the verifier inlines for an LRU
// hash lookup (call __htab_map_lookup_elem, touch the element's
// reference bit in its header, step to the value) and checks that the
// value written through it lands in the map.
func TestLRUInlineLookup(t *testing.T) {
	if err := Available(); err != nil {
		t.Skip(err)
	}
	addr, ok := ksyms.Addr("__htab_map_lookup_elem")
	if !ok {
		t.Fatal("no __htab_map_lookup_elem in ksyms")
	}
	const ref = 0x1c // somewhere in the element's header
	mov := func(dst isa.Register, imm int32) isa.Instruction {
		return isa.Instruction{OpCode: isa.ALUOpCode(isa.ALU64Class, isa.Mov, isa.ImmSource), Dst: dst, Imm: int64(imm)}
	}
	prog := isa.Program{
		{OpCode: isa.LoadStoreOpCode(isa.StClass, isa.MemMode, isa.DWord), Dst: isa.R10, Off: -8, Imm: 5}, // key 5
		isa.LdImm64Pseudo(isa.R1, isa.PseudoMapFD, 1, 0),                                                  // map id 1
		{OpCode: isa.ALUOpCode(isa.ALU64Class, isa.Mov, isa.RegSource), Dst: isa.R2, Src: isa.R10},
		{OpCode: isa.ALUOpCode(isa.ALU64Class, isa.Add, isa.ImmSource), Dst: isa.R2, Imm: -8},
		{OpCode: isa.OpCall, Imm: int64(int32(addr - jit.DefaultCallBase))},
		{OpCode: isa.JumpOpCode(isa.JumpClass, isa.JEq, isa.ImmSource), Dst: isa.R0, Off: 5},
		{OpCode: isa.LoadStoreOpCode(isa.LdXClass, isa.MemMode, isa.Byte), Dst: isa.R1, Src: isa.R0, Off: ref},
		{OpCode: isa.LoadStoreOpCode(isa.StClass, isa.MemMode, isa.Byte), Dst: isa.R0, Off: ref, Imm: 1},
		{OpCode: isa.ALUOpCode(isa.ALU64Class, isa.Add, isa.ImmSource), Dst: isa.R0, Imm: 0x30 + 8},
		{OpCode: isa.LoadStoreOpCode(isa.StClass, isa.MemMode, isa.DWord), Dst: isa.R0, Imm: 7},
		mov(isa.R0, 1),
		{OpCode: isa.OpExit},
	}
	key := make([]byte, 8)
	binary.LittleEndian.PutUint64(key, 5)
	m := record.Map{Type: "lru_hash", KeySize: 8, ValueSize: 8, MaxEntries: 4, Init: []record.Entry{{Key: key, Value: make([]byte, 8)}}}
	res, err := Run(context.Background(), &Request{Insns: prog.Encode(), Xlated: true, Maps: []record.Map{m}, StackDepth: []int{8}})
	if err != nil {
		t.Fatal(err)
	}
	if res.R0 != 1 || len(res.Maps) != 1 || len(res.Maps[0]) != 1 {
		t.Fatalf("r0 %d, maps %v", res.R0, res.Maps)
	}
	if got := binary.LittleEndian.Uint64(res.Maps[0][0].Value); got != 7 {
		t.Errorf("value after the run: %d, want 7", got)
	}
}
