package isa

import "strconv"

// Register is one of the eleven eBPF registers. r10 is the read-only
// frame pointer.
type Register uint8

// Registers.
const (
	R0 Register = iota
	R1
	R2
	R3
	R4
	R5
	R6
	R7
	R8
	R9
	R10

	// RFP is the frame pointer, r10.
	RFP = R10
	// NumRegisters is the number of architectural registers.
	NumRegisters = 11
)

// Valid reports whether r names an architectural register.
func (r Register) Valid() bool { return r <= R10 }

// String returns "r0".."r10"; out-of-range values print as "r?N".
func (r Register) String() string {
	if r.Valid() {
		return "r" + strconv.Itoa(int(r))
	}
	return "r?" + strconv.Itoa(int(r))
}
