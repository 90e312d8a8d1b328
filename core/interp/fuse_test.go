package interp

import (
	"strings"
	"testing"
)

// TestFusedFolds: the checksum-fold superinstructions give what the
// instructions one by one give (RFC 9669 semantics), also when the
// added register is the masked one, and count as two instructions.
func TestFusedFolds(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want uint64
	}{
		{"and then add", "r0 = 0x12345\nr1 = 0x7\nr0 &= 0xffff\nr0 += r1\nexit", 0x2345 + 7},
		{"and then add itself", "r0 = 0x12345\nr0 &= 0xffff\nr0 += r0\nexit", 2 * 0x2345},
		{"add then and", "r0 = 0xfff0\nr1 = 0x20\nr0 += r1\nr0 &= 0xffff\nexit", 0x10},
		{"add itself then and", "r0 = 0x9000\nr0 += r0\nr0 &= 0xffff\nexit", 0x2000},
		{"negative mask sign-extends", "r0 = -1\nr1 = 1\nr0 &= -2\nr0 += r1\nexit", 0xffffffffffffffff},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, opt := range []*Options{nil, {NoFuse: true}} {
				res := compileAsm(t, tc.src, opt).Run(nil)
				if res.Fault != nil || res.R0 != tc.want {
					t.Errorf("fused=%v: r0 %#x fault %v, want %#x", opt == nil, res.R0, res.Fault, tc.want)
				}
				if n := int64(strings.Count(tc.src, "\n") + 1); res.Insns != n {
					t.Errorf("fused=%v: %d instructions counted, want %d", opt == nil, res.Insns, n)
				}
			}
		})
	}
}
