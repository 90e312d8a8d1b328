package cbpf

import (
	"encoding/binary"
	"fmt"
)

// InsnSize is the size of struct sock_filter in bytes.
const InsnSize = 8

// DecodeRaw reads sock_filter structs (u16 code, u8 jt, u8 jf, u32 k,
// little endian as on x86-64).
func DecodeRaw(b []byte) (Program, error) {
	if len(b)%InsnSize != 0 {
		return nil, &Error{Format: FormatRaw, Insn: len(b) / InsnSize, Field: "length",
			Msg: fmt.Sprintf("%d bytes is not a whole number of 8-byte sock_filter structs (%d left over)", len(b), len(b)%InsnSize)}
	}
	p := make(Program, len(b)/InsnSize)
	for i := range p {
		s := b[i*InsnSize:]
		p[i] = Instruction{
			Code: binary.LittleEndian.Uint16(s[0:2]),
			Jt:   s[2],
			Jf:   s[3],
			K:    binary.LittleEndian.Uint32(s[4:8]),
		}
	}
	return p, nil
}

// EncodeRaw writes p as sock_filter structs, little endian.
func EncodeRaw(p Program) []byte {
	b := make([]byte, 0, len(p)*InsnSize)
	for _, i := range p {
		b = binary.LittleEndian.AppendUint16(b, i.Code)
		b = append(b, i.Jt, i.Jf)
		b = binary.LittleEndian.AppendUint32(b, i.K)
	}
	return b
}
