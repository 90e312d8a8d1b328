package cbpf

import (
	"fmt"
	"strconv"
	"strings"
)

// parseField reads one numeric field of a text format. base 0 accepts
// decimal and 0x hex (and, for bpf_asm, 0b binary and 0-prefixed octal);
// neg allows a leading minus sign, wrapping like C's unsigned conversion.
// bits is the field width: 8 for jt/jf, 16 for code, 32 for k.
func parseField(s string, bits int, hexOK, neg bool) (uint64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("missing number")
	}
	minus := false
	if neg && (t[0] == '-' || t[0] == '+') {
		minus = t[0] == '-'
		t = t[1:]
	}
	base := 10
	switch {
	case hexOK && len(t) > 2 && (t[:2] == "0x" || t[:2] == "0X"):
		base, t = 16, t[2:]
	case hexOK && len(t) > 2 && (t[:2] == "0b" || t[:2] == "0B"):
		base, t = 2, t[2:]
	case hexOK && len(t) > 1 && t[0] == '0':
		base, t = 8, t[1:]
	}
	v, err := strconv.ParseUint(t, base, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	max := uint64(1)<<bits - 1
	if minus {
		if v > uint64(1)<<(bits-1) {
			return 0, fmt.Errorf("-%d does not fit in %d bits", v, bits)
		}
		return (-v) & max, nil
	}
	if v > max {
		return 0, fmt.Errorf("%d does not fit in %d bits (max %d)", v, bits, max)
	}
	return v, nil
}
