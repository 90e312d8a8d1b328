package asm

import (
	"math"
	"strconv"
	"strings"
)

// Number is a parsed integer literal: its sign, magnitude and whether it
// was written in hex. Keeping the spelling lets each field apply its own
// rule (the conformance dialect, for one, reads hex imm32 as an unsigned
// bit pattern but decimal as signed).
type Number struct {
	Neg bool
	Mag uint64
	Hex bool
}

// ParseNumber reads an optionally signed decimal or 0x-prefixed hex
// literal. It returns false for anything else, including overflow of 64
// bits.
func ParseNumber(s string) (Number, bool) {
	var n Number
	switch {
	case strings.HasPrefix(s, "-"):
		n.Neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	base := 10
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		base, s, n.Hex = 16, s[2:], true
	}
	if s == "" || s[0] == '+' || s[0] == '-' || s[0] == '_' {
		return n, false
	}
	v, err := strconv.ParseUint(s, base, 64)
	if err != nil {
		return n, false
	}
	n.Mag = v
	return n, true
}

// Int64 returns the value as a signed 64-bit integer, if it fits.
func (n Number) Int64() (int64, bool) {
	if n.Neg {
		if n.Mag > 1<<63 {
			return 0, false
		}
		return int64(-n.Mag), true // -(1<<63) wraps to MinInt64, as wanted
	}
	if n.Mag > math.MaxInt64 {
		return 0, false
	}
	return int64(n.Mag), true
}

// Bits64 returns the 64-bit pattern: a negative value in two's
// complement, an unsigned one as is. It fails when the magnitude does not
// fit (a negative below MinInt64).
func (n Number) Bits64() (uint64, bool) {
	if n.Neg {
		if n.Mag > 1<<63 {
			return 0, false
		}
		return -n.Mag, true
	}
	return n.Mag, true
}

// InRange reports whether the signed value lies in [lo, hi].
func (n Number) InRange(lo, hi int64) bool {
	v, ok := n.Int64()
	return ok && v >= lo && v <= hi
}

// Int32 returns the value if it fits a signed 32-bit field.
func (n Number) Int32() (int32, bool) {
	if n.InRange(math.MinInt32, math.MaxInt32) {
		v, _ := n.Int64()
		return int32(v), true
	}
	return 0, false
}

// Pattern32 returns an unsigned value up to 0xffffffff as the signed
// 32-bit field with the same bits (0xffffffff is -1).
func (n Number) Pattern32() (int32, bool) {
	if !n.Neg && n.Mag <= math.MaxUint32 {
		return int32(uint32(n.Mag)), true
	}
	return 0, false
}

// Imm32 reads n as a 32-bit immediate: a signed value in [-2^31, 2^31),
// or, when patterns is true, an unsigned one up to 0xffffffff kept as its
// bit pattern.
func (n Number) Imm32(patterns bool) (int32, bool) {
	if v, ok := n.Int32(); ok {
		return v, true
	}
	if patterns {
		return n.Pattern32()
	}
	return 0, false
}
