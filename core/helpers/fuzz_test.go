package helpers_test

import (
	"encoding/binary"
	"sort"
	"testing"

	"github.com/bpfplay/bpfplay/core/helpers"
	"github.com/bpfplay/bpfplay/core/interp"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/progtype"
)

// FuzzHelpers calls implemented helpers with arguments drawn from the
// input: raw numbers, the context, stack and packet pointers, map
// pointers of every kind. A helper may fail or fault the program; it
// must never panic.
//
//	go test ./core/helpers -run XXX -fuzz FuzzHelpers -fuzztime 60s -parallel 1
func FuzzHelpers(f *testing.F) {
	f.Add(uint8(1), []byte{2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, uint8(0))
	f.Add(uint8(25), []byte{1, 0, 5, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0}, uint8(1))
	ids := helpers.Implemented()
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	specs := []maps.Spec{
		{Type: maps.Hash, KeySize: 4, ValueSize: 8, MaxEntries: 4}, {Type: maps.Array, KeySize: 4, ValueSize: 8, MaxEntries: 4},
		{Type: maps.RingBuf, MaxEntries: 4096}, {Type: maps.Queue, ValueSize: 8, MaxEntries: 4},
		{Type: maps.PerfEventArray, KeySize: 4, ValueSize: 4, MaxEntries: 2}, {Type: maps.ProgArray, KeySize: 4, ValueSize: 4, MaxEntries: 2},
		{Type: maps.LPMTrie, KeySize: 8, ValueSize: 8, MaxEntries: 4, Flags: 1}, {Type: maps.LRUHash, KeySize: 4, ValueSize: 8, MaxEntries: 2},
		{Type: maps.DevMap, KeySize: 4, ValueSize: 4, MaxEntries: 2}, {Type: maps.CgroupStorage, KeySize: 16, ValueSize: 8},
		{Type: maps.CPUMap, KeySize: 4, ValueSize: 4, MaxEntries: 2},
	}
	types := []string{"socket_filter", "sched_cls", "xdp", "flow_dissector", "kprobe", "cgroup_skb"}
	f.Fuzz(func(t *testing.T, which uint8, args []byte, typ uint8) {
		if len(args) < 20 {
			return
		}
		fds := map[int32]maps.Map{}
		for i := range specs {
			s := specs[i]
			m, err := maps.New(&s)
			if err != nil {
				t.Fatal(err)
			}
			fds[int32(i)] = m
		}
		id := ids[int(which)%len(ids)]
		var prog isa.Program
		prog = append(prog, isa.Instruction{OpCode: 0xbf, Dst: 6, Src: 1}) // r6 = ctx
		for r := 1; r <= 5; r++ {
			kind, v := args[4*(r-1)], binary.LittleEndian.Uint16(args[4*(r-1)+2:])
			dst := isa.Register(r)
			switch kind % 6 {
			case 0: // a number
				prog = append(prog, isa.LdImm64(dst, uint64(v)|uint64(args[4*(r-1)+1])<<56))
			case 1: // the context
				prog = append(prog, isa.Instruction{OpCode: 0xbf, Dst: dst, Src: 6})
			case 2: // the stack, somewhere
				prog = append(prog, isa.Instruction{OpCode: 0xbf, Dst: dst, Src: 10},
					isa.Instruction{OpCode: 0x07, Dst: dst, Imm: -int64(v % 600)})
			case 3: // a map
				prog = append(prog, isa.LdImm64Pseudo(dst, isa.PseudoMapFD, int32(int(v)%len(specs)), 0))
			case 4: // packet data (0 when the context has none)
				prog = append(prog, isa.Instruction{OpCode: 0x61, Dst: dst, Src: 6, Off: 76})
			default: // a small number
				prog = append(prog, isa.Instruction{OpCode: 0xb7, Dst: dst, Imm: int64(v % 70)})
			}
		}
		prog = append(prog, isa.Instruction{OpCode: isa.OpCall, Imm: int64(id)}, isa.Instruction{OpCode: isa.OpExit})
		p, err := interp.Compile(prog, &interp.Options{MapFDs: fds})
		if err != nil {
			t.Fatal(err)
		}
		pt, _ := progtype.ByName(types[int(typ)%len(types)])
		rt, err := progtype.NewRun(pt, progtype.Input{Data: ipv4UDP()})
		if err != nil {
			t.Fatal(err)
		}
		p.Run(&interp.Env{Ctx: rt, Budget: 10000})
	})
}
