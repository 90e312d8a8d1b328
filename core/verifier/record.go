package verifier

import (
	"fmt"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
)

// FirstMapFD is the file descriptor the first map of a record gets; the
// others follow (test_verifier's maps are the process's first fds after
// stdin, stdout and stderr).
const FirstMapFD = 3

// Kernel addresses bpfplay gives maps in logs and xlated programs, in
// the direct map region as Linux's would be.
const (
	mapAddrBase  = 0xffff888100000000
	mapAddrStep  = 0x1000
	mapValueBase = 0x100 // offset of an array map's first value
)

// FromRecord prepares a program record (FORMATS.md) for Verify: the
// program's slots with the maps' fixups applied (src 1 or 2, imm = the
// map's fd), and the options the record asks for. unpriv selects the
// unprivileged load a record with "unpriv": true also gets.
func FromRecord(in *record.In, unpriv bool) ([]isa.Slot, *Options, error) {
	slots, err := isa.UnmarshalSlots(in.Insns)
	if err != nil {
		return nil, nil, err
	}
	opts := &Options{
		ProgType:   in.ProgType,
		AttachType: in.ExpectedAttachType,
		ProgFlags:  in.ProgFlags,
		LogLevel:   1,
		Unpriv:     unpriv,
	}
	if in.LogLevel != nil {
		opts.LogLevel = *in.LogLevel & 3
	}
	for i := range in.Maps {
		rm := &in.Maps[i]
		fd := int32(FirstMapFD + i)
		m := mapFromRecord(rm, i)
		m.FD = fd
		opts.Maps = append(opts.Maps, m)
		for _, s := range rm.Fixups {
			if s < 0 || s+1 >= len(slots) || slots[s].Op != isa.OpLdImm64 {
				return nil, nil, fmt.Errorf("map %d: fixup slot %d is not an ld_imm64", i, s)
			}
			slots[s].Src = isa.Register(isa.PseudoMapFD)
			slots[s].Imm = fd
		}
		for _, s := range rm.ValueFixups {
			if s < 0 || s+1 >= len(slots) || slots[s].Op != isa.OpLdImm64 {
				return nil, nil, fmt.Errorf("map %d: value fixup slot %d is not an ld_imm64", i, s)
			}
			slots[s].Src = isa.Register(isa.PseudoMapValue)
			slots[s].Imm = fd
		}
	}
	return slots, opts, nil
}

func mapFromRecord(rm *record.Map, i int) Map {
	m := Map{
		Type: rm.Type, KeySize: rm.KeySize, ValueSize: rm.ValueSize, MaxEntries: rm.MaxEntries,
		Flags: rm.Flags, Name: rm.Name, ID: uint32(i + 1),
		Addr: mapAddrBase + uint64(i)*mapAddrStep,
	}
	m.ValueAddr = m.Addr + mapValueBase
	if rm.InnerMap != nil {
		inner := mapFromRecord(rm.InnerMap, i)
		m.Inner = &inner
	}
	return m
}
