package isa

import (
	"encoding/binary"
	"fmt"
)

// SlotSize is the size of one encoded instruction slot in bytes.
const SlotSize = 8

// Slot is one raw 64-bit instruction slot exactly as it is encoded, before
// any meaning is given to it. ld_imm64 occupies two slots; the second one
// has opcode 0 and carries the upper 32 bits of the constant in Imm.
type Slot struct {
	Op  OpCode
	Dst Register // low nibble of byte 1
	Src Register // high nibble of byte 1
	Off int16
	Imm int32
}

// AppendSlot appends the 8-byte little-endian encoding of s to b.
func AppendSlot(b []byte, s Slot) []byte {
	return append(b, byte(s.Op), byte(s.Dst&0x0f)|byte(s.Src&0x0f)<<4,
		byte(s.Off), byte(uint16(s.Off)>>8),
		byte(s.Imm), byte(uint32(s.Imm)>>8), byte(uint32(s.Imm)>>16), byte(uint32(s.Imm)>>24))
}

// SlotFromBytes decodes one slot from the first 8 bytes of b.
func SlotFromBytes(b []byte) Slot {
	_ = b[7]
	return Slot{
		Op:  OpCode(b[0]),
		Dst: Register(b[1] & 0x0f),
		Src: Register(b[1] >> 4),
		Off: int16(binary.LittleEndian.Uint16(b[2:])),
		Imm: int32(binary.LittleEndian.Uint32(b[4:])),
	}
}

// SlotFromUint64 decodes a slot from its value as a little-endian u64
// (the form the conformance suite's "-- raw" sections use).
func SlotFromUint64(v uint64) Slot {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	return SlotFromBytes(b[:])
}

// Uint64 returns the slot as a little-endian u64.
func (s Slot) Uint64() uint64 {
	return binary.LittleEndian.Uint64(AppendSlot(make([]byte, 0, 8), s))
}

// UnmarshalSlots splits b into slots. It fails only when the length is not
// a multiple of the slot size; it gives no meaning to the slots.
func UnmarshalSlots(b []byte) ([]Slot, error) {
	if len(b)%SlotSize != 0 {
		return nil, &Error{Slot: len(b) / SlotSize, Code: ErrTruncated,
			Msg:    fmt.Sprintf("%d bytes is not a whole number of 8-byte instructions (%d left over)", len(b), len(b)%SlotSize),
			Kernel: "", // bpf(2) takes a count of instructions, so the kernel never sees this
		}
	}
	slots := make([]Slot, len(b)/SlotSize)
	for i := range slots {
		slots[i] = SlotFromBytes(b[i*SlotSize:])
	}
	return slots, nil
}

// MarshalSlots encodes slots back to bytes.
func MarshalSlots(slots []Slot) []byte {
	b := make([]byte, 0, len(slots)*SlotSize)
	for _, s := range slots {
		b = AppendSlot(b, s)
	}
	return b
}

// String prints the slot's raw fields, as a teaching aid and for errors.
func (s Slot) String() string {
	return fmt.Sprintf("{op=%#02x dst=%d src=%d off=%d imm=%d}", uint8(s.Op), s.Dst, s.Src, s.Off, s.Imm)
}
