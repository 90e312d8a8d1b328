package helpers

import (
	"encoding/binary"

	"github.com/bpfplay/bpfplay/core/maps"
)

func init() {
	reg("strtol", strtol)
	reg("strtoul", strtoul)
}

// strtoxMaxLen is how many characters after the sign the helpers look
// at (the kernel copies them into a 64-byte buffer with its NUL).
const strtoxMaxLen = 63

// parseUint is the parsing the strtol family shares, on buf (buf_len
// bytes): leading white space and one '-' are skipped; the base is
// flags' low 5 bits (0, 8, 10 or 16; 0 picks it from a "0x" or "0"
// prefix, 16 also skips "0x"); digits are read while valid. It returns
// the characters consumed (white space, sign and prefix included), the
// magnitude and the sign, or an errno: EINVAL for bad flags or when no
// digit comes, ERANGE when the magnitude overflows 64 bits.
func parseUint(buf []byte, flags uint64) (int, uint64, bool, maps.Errno) {
	const baseMask = 0x1f
	base := flags & baseMask
	if flags&^baseMask != 0 || (base != 0 && base != 8 && base != 10 && base != 16) {
		return 0, 0, false, maps.EINVAL
	}
	i := 0
	for i < len(buf) && isSpace(buf[i]) {
		i++
	}
	neg := i < len(buf) && buf[i] == '-'
	if neg {
		i++
	}
	if i == len(buf) {
		return 0, 0, false, maps.EINVAL
	}
	s := buf[i:min(len(buf), i+strtoxMaxLen)]
	at := func(j int) byte {
		if j < len(s) {
			return s[j]
		}
		return 0
	}
	hexPrefix := at(0) == '0' && at(1)|0x20 == 'x'
	j := 0
	switch {
	case base == 0 && hexPrefix && digitValue(at(2)) < 16:
		base, j = 16, 2
	case base == 0 && at(0) == '0':
		base = 8
	case base == 0:
		base = 10
	case base == 16 && hexPrefix:
		j = 2
	}
	start := j
	var v uint64
	overflow := false
	for ; j < len(s); j++ {
		d := digitValue(s[j])
		if d >= base {
			break
		}
		if v > (^uint64(0)-d)/base {
			overflow = true
		}
		v = v*base + d
	}
	if overflow {
		return 0, 0, false, erange
	}
	if j == start {
		return 0, 0, false, maps.EINVAL
	}
	return i + j, v, neg, 0
}

// digitValue is a character's value as a digit (>= 16: not one).
func digitValue(c byte) uint64 {
	switch {
	case c >= '0' && c <= '9':
		return uint64(c - '0')
	case c|0x20 >= 'a' && c|0x20 <= 'f':
		return uint64(c|0x20-'a') + 10
	}
	return 16
}

// strtox runs a parse and stores the result: *res is 0 unless it
// succeeds; r0 is the characters consumed or a negative errno.
func strtox(m Machine, a *[5]uint64, signed bool) (uint64, error) {
	res, err := m.Bytes(a[3], 8, true)
	if err != nil {
		return 0, err
	}
	clear(res)
	buf, err := m.Bytes(a[0], a[1], false)
	if err != nil {
		return 0, err
	}
	n, v, negative, e := parseUint(buf, a[2])
	if e != 0 {
		return neg(e), nil
	}
	switch {
	case !signed && negative:
		return neg(maps.EINVAL), nil
	case signed && negative:
		if int64(-v) > 0 {
			return neg(erange), nil
		}
		v = -v
	case signed && int64(v) < 0:
		return neg(erange), nil
	}
	binary.LittleEndian.PutUint64(res, v)
	return uint64(n), nil
}

// strtol is bpf_strtol(buf, buf_len, flags, res).
func strtol(m Machine, a *[5]uint64) (uint64, error) { return strtox(m, a, true) }

// strtoul is bpf_strtoul(buf, buf_len, flags, res): a '-' is EINVAL.
func strtoul(m Machine, a *[5]uint64) (uint64, error) { return strtox(m, a, false) }
