package share

import (
	"crypto/sha256"
	"encoding/base64"
)

// Id lengths: 64 bits (the normal case) and 128 bits (after a collision
// of the short form).
const (
	ShortIDLen = 11
	LongIDLen  = 22
)

var idEncoding = base64.RawURLEncoding.Strict()

// IDs returns the short and long ids of a canonical state.
func IDs(canonical []byte) (short, long string) {
	sum := sha256.Sum256(canonical)
	return idEncoding.EncodeToString(sum[:8]), idEncoding.EncodeToString(sum[:16])
}

// ValidID reports whether id has the form of an id this package makes:
// 11 or 22 base64url characters that decode to exactly 8 or 16 bytes
// (the spare bits of the last character zero, so every id has one
// spelling).
func ValidID(id string) bool {
	if len(id) != ShortIDLen && len(id) != LongIDLen {
		return false
	}
	_, err := idEncoding.DecodeString(id)
	return err == nil
}
