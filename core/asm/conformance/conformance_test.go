package conformance_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm"
	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/isa"
)

const suite = "../../../testdata/conformance"

func readTest(t *testing.T, path string) *conformance.Test {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tc, err := conformance.ParseData(string(src))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return tc
}

// TestSuiteRoundTrip assembles all 313 tests, checks lddw.data's asm
// against its raw section, and checks that printing and reassembling
// gives the same bytes.
func TestSuiteRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(suite + "/tests/*.data")
	if len(files) != 313 {
		t.Fatalf("found %d test files, want 313", len(files))
	}
	withRaw := 0
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".data"), func(t *testing.T) {
			tc := readTest(t, f)
			if !tc.HasResult {
				t.Errorf("no result section")
			}
			l, err := conformance.Assemble(tc.Asm)
			if err != nil {
				t.Fatalf("assemble: %v", err)
			}
			got := l.Program.Encode()
			if tc.HasRaw {
				withRaw++
				if !bytes.Equal(got, tc.Raw) {
					t.Errorf("asm gives\n%x\nraw section is\n%x", got, tc.Raw)
				}
			}
			if _, err := isa.Decode(got); err != nil {
				t.Errorf("assembled bytes do not decode: %v", err)
			}
			text := conformance.Text(l.Program)
			l2, err := conformance.Assemble(text)
			if err != nil {
				t.Fatalf("reassemble:\n%s\n%v", text, err)
			}
			if again := l2.Program.Encode(); !bytes.Equal(again, got) {
				t.Errorf("round trip changed the bytes:\n%s\n%x\n%x", text, got, again)
			}
		})
	}
	if withRaw != 1 {
		t.Errorf("%d files with a raw section, want 1 (lddw.data)", withRaw)
	}
}

func TestUnusedFieldsRejected(t *testing.T) {
	files, _ := filepath.Glob(suite + "/negative/unused-*.data")
	if len(files) != 45 {
		t.Fatalf("found %d unused-*.data files, want 45", len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".data"), func(t *testing.T) {
			tc := readTest(t, f)
			if !tc.HasError || tc.Error != "" || len(tc.Raw) == 0 {
				t.Fatalf("want an empty error section and raw slots, got error=%v %q raw=%x", tc.HasError, tc.Error, tc.Raw)
			}
			_, err := tc.Program()
			var de *isa.Error
			if !errors.As(err, &de) {
				t.Fatalf("Program() = %v, want an *isa.Error", err)
			}
			if de.Slot != 0 {
				t.Errorf("error at slot %d, want 0 (the instruction under test): %v", de.Slot, de)
			}
		})
	}
}

// TestNegativeFiles checks the 15 other negative files. Expected
// messages are upstream's (its CMake tests match them with regexes);
// positions are the file's line:col.
func TestNegativeFiles(t *testing.T) {
	tests := []struct {
		file string
		code asm.ErrorCode
		pos  string // "" for no position
		msg  string // substring of the message
	}{
		{"empty", asm.ErrEmpty, "", "Test file has no BPF instructions"},
		{"empty_instructions", asm.ErrEmpty, "", "Test file has no BPF instructions"},
		{"invalid_unknown_directive", asm.ErrEmpty, "", "Test file has no BPF instructions"},
		{"invalid_imm32_dec_range", asm.ErrRange, "5:12", "Invalid immediate: 2147483648"},
		{"invalid_imm32_hex_range", asm.ErrRange, "5:12", "Invalid immediate: 0x100000000"},
		{"invalid_label", asm.ErrLabel, "4:4", `undefined label "NOT_A_LABEL"`},
		{"invalid_lock", asm.ErrOperandCount, "4:1", "Invalid number of operands for lock"},
		{"invalid_lock2", asm.ErrOperandCount, "4:1", "Invalid number of operands for lock"},
		{"invalid_mnemonic", asm.ErrMnemonic, "5:1", "Invalid mnemonic: ldxq"},
		{"invalid_offset", asm.ErrOperand, "4:11", "Failed to decode register and offset: r1"},
		{"invalid_offset_range", asm.ErrRange, "5:15", "Invalid offset: +0x10000"},
		{"invalid_operand_count", asm.ErrOperandCount, "4:1", "Invalid number of operands for mnemonic: lddw"},
		{"invalid_register", asm.ErrRegister, "4:9", "Invalid register: r50"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			tc := readTest(t, filepath.Join(suite, "negative", tt.file+".data"))
			_, err := tc.Program()
			var el asm.ErrorList
			if !errors.As(err, &el) || len(el) == 0 {
				t.Fatalf("Program() = %v, want an asm.ErrorList", err)
			}
			e := el[0]
			if e.Code != tt.code || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("got %v (code %v), want code %v and a message containing %q", e, e.Code, tt.code, tt.msg)
			}
			if got := e.Pos.String(); tt.pos != "" && got != tt.pos {
				t.Errorf("position %s, want %s (%v)", got, tt.pos, e)
			}
			if tt.pos == "" && e.Pos.IsValid() {
				t.Errorf("position %s, want none", e.Pos)
			}
		})
	}
	// error.data: "or %r0, %r10" assembles; the error ("Invalid") is the
	// loader's, because r0 is read before it is written.
	t.Run("error", func(t *testing.T) {
		tc := readTest(t, filepath.Join(suite, "negative", "error.data"))
		p, err := tc.Program()
		if err != nil {
			t.Fatal(err)
		}
		want := isa.Program{{OpCode: 0x4f, Dst: isa.R0, Src: isa.R10}, {OpCode: isa.OpExit}}
		if !bytes.Equal(p.Encode(), want.Encode()) || tc.Error != "Invalid" {
			t.Errorf("got %x error %q", p.Encode(), tc.Error)
		}
	})
	// incorrect_return_value_high_bits.data: assembles; its result is
	// deliberately not the 8 bytes at mem+2, to test a runner.
	t.Run("incorrect_return_value_high_bits", func(t *testing.T) {
		tc := readTest(t, filepath.Join(suite, "negative", "incorrect_return_value_high_bits.data"))
		if _, err := tc.Program(); err != nil {
			t.Fatal(err)
		}
		loaded := binary.LittleEndian.Uint64(tc.Mem[2:])
		if loaded != 0x8877665544332211 || tc.Result == loaded {
			t.Errorf("mem+2 = %#x, result %#x: the file should expect a wrong value", loaded, tc.Result)
		}
	})
}
