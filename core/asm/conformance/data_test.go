package conformance_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm"
	"github.com/bpfplay/bpfplay/core/asm/conformance"
)

func TestParseData(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		asm       string
		asmLine   int
		raw       []byte
		mem       []byte
		result    uint64
		hasResult bool
		errText   string
		hasError  bool
	}{
		{name: "sections in any order, comments anywhere",
			src: "# header\n-- result\n0x2a # answer\n-- mem\n00 ff\n\n0A\n-- asm\nmov %r0, 42 # set\nexit\n",
			asm: "mov %r0, 42\nexit", asmLine: 9, mem: []byte{0, 0xff, 0x0a}, result: 42, hasResult: true},
		{name: "last result line wins",
			src: "-- result\n1\n\n0xffffffffffffffff\n", result: ^uint64(0), hasResult: true},
		{name: "negative decimal result",
			src: "-- result\n-1\n", result: ^uint64(0), hasResult: true},
		{name: "raw as u64 per slot",
			src: "-- raw\n0x0000000000000095 149\n", raw: []byte{0x95, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0}},
		{name: "raw as bytes",
			src: "-- raw\n04 00 01 00 01 00 00 00\n95 00 00 00 00 00 00 00\n-- error\n",
			raw: []byte{4, 0, 1, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0}, hasError: true},
		{name: "unknown sections are skipped",
			src: "-- c\nint main() { return 0; }\n-- no register offset\ncall instruction\n-- asm\nexit\n",
			asm: "exit", asmLine: 6},
		{name: "error text",
			src: "-- error\nInvalid register   \n", errText: "Invalid register", hasError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc, err := conformance.ParseData(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if tc.Asm != tt.asm || (tt.asm != "" && tc.AsmLine != tt.asmLine) {
				t.Errorf("asm %q at line %d, want %q at %d", tc.Asm, tc.AsmLine, tt.asm, tt.asmLine)
			}
			if !bytes.Equal(tc.Raw, tt.raw) || tc.HasRaw != (tt.raw != nil) {
				t.Errorf("raw %x (has %v), want %x", tc.Raw, tc.HasRaw, tt.raw)
			}
			if !bytes.Equal(tc.Mem, tt.mem) {
				t.Errorf("mem %x, want %x", tc.Mem, tt.mem)
			}
			if tc.Result != tt.result || tc.HasResult != tt.hasResult {
				t.Errorf("result %#x (has %v), want %#x (%v)", tc.Result, tc.HasResult, tt.result, tt.hasResult)
			}
			if tc.Error != tt.errText || tc.HasError != tt.hasError {
				t.Errorf("error %q (has %v), want %q (%v)", tc.Error, tc.HasError, tt.errText, tt.hasError)
			}
		})
	}
}

func TestParseDataErrors(t *testing.T) {
	tests := []struct {
		name, src, pos string
	}{
		{"bad mem byte", "-- mem\n00 1x\n", "2:4"},
		{"mem token too long", "-- mem\n0011\n", "2:1"},
		{"bad result", "-- result\n\n  0xzz\n", "3:3"},
		{"bad raw", "-- raw\n0x95 nope\n", "2:6"},
		{"two asm sections", "-- asm\nexit\n-- asm\nexit\n", "3:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := conformance.ParseData(tt.src)
			var el asm.ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("err = %v, want an asm.ErrorList", err)
			}
			if el[0].Code != asm.ErrData || el[0].Pos.String() != tt.pos {
				t.Errorf("got %v (code %v), want ErrData at %s", el[0], el[0].Code, tt.pos)
			}
		})
	}
}

func ExampleParseData() {
	tc, _ := conformance.ParseData(`# a test
-- asm
mov %r0, 1
add %r0, %r1
exit
-- mem
2a 00
-- result
0x1
`)
	p, err := tc.Program()
	fmt.Println(len(p), err, tc.Mem, tc.Result)
	// Output: 3 <nil> [42 0] 1
}
