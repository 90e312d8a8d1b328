// Package tnum is the verifier's "tristate number": a 64-bit value where
// each bit is known to be 0, known to be 1, or unknown. Value holds the
// known-one bits and Mask the unknown bits; a bit set in both is invalid.
//
// The operations over-approximate: the result of tnum.Add(a, b) contains
// every sum of a member of a and a member of b. They behave like Linux
// 6.1's tnum code, so bounds and log lines ("var_off=(0x0; 0xff)") come
// out the same as the kernel's.
package tnum

import (
	"fmt"
	"math/bits"
)

// T is a tristate number.
type T struct {
	Value uint64
	Mask  uint64
}

// Unknown has every bit unknown.
var Unknown = T{Value: 0, Mask: ^uint64(0)}

// Const is the fully known number v.
func Const(v uint64) T { return T{Value: v} }

// Range is the smallest tnum containing every number in [min, max].
func Range(min, max uint64) T {
	chi := min ^ max
	b := 64 - bits.LeadingZeros64(chi)
	if b > 63 {
		return Unknown
	}
	delta := uint64(1)<<b - 1
	return T{Value: min &^ delta, Mask: delta}
}

// LShift shifts left by a constant.
func LShift(a T, shift uint8) T { return T{a.Value << shift, a.Mask << shift} }

// RShift shifts right (logical) by a constant.
func RShift(a T, shift uint8) T { return T{a.Value >> shift, a.Mask >> shift} }

// ARShift shifts right arithmetically by minShift, treating a as a
// 32-bit or 64-bit number as bitness says.
func ARShift(a T, minShift uint8, bitness int) T {
	if bitness == 32 {
		return T{uint64(uint32(int32(uint32(a.Value)) >> minShift)), uint64(uint32(int32(uint32(a.Mask)) >> minShift))}
	}
	return T{uint64(int64(a.Value) >> minShift), uint64(int64(a.Mask) >> minShift)}
}

// Add is a + b.
func Add(a, b T) T {
	sm := a.Mask + b.Mask
	sv := a.Value + b.Value
	sigma := sm + sv
	chi := sigma ^ sv
	mu := chi | a.Mask | b.Mask
	return T{sv &^ mu, mu}
}

// Sub is a - b.
func Sub(a, b T) T {
	dv := a.Value - b.Value
	alpha := dv + a.Mask
	beta := dv - b.Mask
	chi := alpha ^ beta
	mu := chi | a.Mask | b.Mask
	return T{dv &^ mu, mu}
}

// And is a & b.
func And(a, b T) T {
	alpha := a.Value | a.Mask
	beta := b.Value | b.Mask
	v := a.Value & b.Value
	return T{v, alpha & beta &^ v}
}

// Or is a | b.
func Or(a, b T) T {
	v := a.Value | b.Value
	mu := a.Mask | b.Mask
	return T{v, mu &^ v}
}

// Xor is a ^ b.
func Xor(a, b T) T {
	v := a.Value ^ b.Value
	mu := a.Mask | b.Mask
	return T{v &^ mu, mu}
}

// Mul is a * b, by long multiplication over the bits of a (Linux 6.1's
// algorithm, so the precision matches the kernel's).
func Mul(a, b T) T {
	accV := a.Value * b.Value
	accM := T{}
	for a.Value != 0 || a.Mask != 0 {
		if a.Value&1 != 0 {
			accM = Add(accM, T{0, b.Mask})
		} else if a.Mask&1 != 0 {
			accM = Add(accM, T{0, b.Value | b.Mask})
		}
		a = RShift(a, 1)
		b = LShift(b, 1)
	}
	return Add(T{accV, 0}, accM)
}

// Intersect combines two facts about the same number.
func Intersect(a, b T) T {
	v := a.Value | b.Value
	mu := a.Mask & b.Mask
	return T{v &^ mu, mu}
}

// Cast truncates a to size bytes.
func Cast(a T, size uint8) T {
	if size >= 8 {
		return a
	}
	m := uint64(1)<<(size*8) - 1
	return T{a.Value & m, a.Mask & m}
}

// IsAligned reports whether every member of a is a multiple of size.
func IsAligned(a T, size uint64) bool {
	if size == 0 {
		return true
	}
	return (a.Value|a.Mask)&(size-1) == 0
}

// In reports whether every member of b is a member of a.
func In(a, b T) bool {
	if b.Mask&^a.Mask != 0 {
		return false
	}
	b.Value &^= a.Mask
	return a.Value == b.Value
}

// IsConst reports a fully known number.
func (a T) IsConst() bool { return a.Mask == 0 }

// EqualsConst reports a fully known number equal to b.
func (a T) EqualsConst(b uint64) bool { return a.Mask == 0 && a.Value == b }

// IsUnknown reports a number with every bit unknown.
func (a T) IsUnknown() bool { return a.Mask == ^uint64(0) }

// Subreg is the low 32 bits of a.
func Subreg(a T) T { return Cast(a, 4) }

// ClearSubreg zeroes the low 32 bits of a.
func ClearSubreg(a T) T { return LShift(RShift(a, 32), 32) }

// ConstSubreg sets the low 32 bits of a to the known value v.
func ConstSubreg(a T, v uint32) T { return Or(ClearSubreg(a), Const(uint64(v))) }

// String prints a as the kernel's log does: "(0x0; 0xff)".
func (a T) String() string { return fmt.Sprintf("(%#x; %#x)", a.Value, a.Mask) }
