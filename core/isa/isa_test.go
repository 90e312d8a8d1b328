package isa_test

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/isa"
)

// negativeRaw reads the "-- raw" section of a conformance negative file:
// eight two-digit hex bytes per instruction.
func negativeRaw(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "--") {
			in = strings.TrimSpace(line[2:]) == "raw"
			continue
		}
		if in && line != "" {
			b, err := hex.DecodeString(strings.ReplaceAll(line, " ", ""))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			out = append(out, b...)
		}
	}
	return out
}

func TestDecodeRejectsUnusedFields(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/conformance/negative/unused-*.data")
	if len(files) != 45 {
		t.Fatalf("found %d unused-*.data files, want 45", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".data")
		t.Run(name, func(t *testing.T) {
			raw := negativeRaw(t, f)
			_, err := isa.Decode(raw)
			if err == nil {
				t.Fatalf("decoded %x without error", raw)
			}
			de, ok := err.(*isa.Error)
			if !ok {
				t.Fatalf("error %T, want *isa.Error", err)
			}
			if de.Slot != 0 {
				t.Errorf("error at slot %d, want 0: %v", de.Slot, err)
			}
			// The file name says which field is wrong: unused-<insn>-<field>.
			want := name[strings.LastIndexByte(name, '-')+1:]
			if want == "offset" {
				want = "off"
			}
			if de.Field != want && !(want == "src" && de.Field == "opcode source bit") {
				t.Errorf("field %q, want %q (%v)", de.Field, want, err)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		code isa.ErrorCode
		slot int
	}{
		{"truncated bytes", "b7000000000000", isa.ErrTruncated, 0},
		{"unknown opcode", "ff00000000000000", isa.ErrUnknownOpcode, 0},
		{"ld_imm64 alone", "1800000001000000", isa.ErrLdImm64Truncated, 0},
		{"ld_imm64 bad second opcode", "18000000010000000100000000000000", isa.ErrLdImm64Second, 1},
		{"ld_imm64 bad second off", "18000000010000000000010000000000", isa.ErrLdImm64Second, 1},
		{"ld_imm64 unknown pseudo", "18700000010000000000000000000000", isa.ErrLdImm64Pseudo, 0},
		{"register 11", "b70b000000000000", isa.ErrBadRegister, 0},
		{"atomic on a byte", "d312000000000000", isa.ErrBadAtomic, 0},
		{"atomic op unknown", "db12000002000000", isa.ErrBadAtomic, 0},
		{"le 8", "d400000008000000", isa.ErrBadEndian, 0},
		{"bswap by register", "df00000010000000", isa.ErrUnknownOpcode, 0},
		{"ldxdw sign-extending", "9910000000000000", isa.ErrUnknownOpcode, 0},
		{"call kind 3", "8530000001000000", isa.ErrReservedField, 0},
		{"mov32 sx 32", "bc10200000000000", isa.ErrReservedField, 0},
		{"second error wins later", "b700000000000000ff00000000000000", isa.ErrUnknownOpcode, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := hex.DecodeString(tc.hex)
			_, err := isa.Decode(b)
			de, ok := err.(*isa.Error)
			if !ok {
				t.Fatalf("err = %v, want *isa.Error", err)
			}
			if de.Code != tc.code || de.Slot != tc.slot {
				t.Errorf("got code %d slot %d (%v), want code %d slot %d", de.Code, de.Slot, err, tc.code, tc.slot)
			}
		})
	}
}

func TestValidFormsDecodeAndRoundTrip(t *testing.T) {
	valid := []string{
		"b701000005000000",                 // r1 = 5
		"bf21000000000000",                 // r1 = r2
		"bf21080000000000",                 // r1 = (s8)r2
		"bc21100000000000",                 // w1 = (s16)w2
		"3f21010000000000",                 // r1 s/= r2
		"9701000001000000",                 // r1 %= 1 (mod64 imm)
		"d701000020000000",                 // bswap32 r1
		"dc01000040000000",                 // be64 r1
		"18110000030000000000000008000000", // map value, offset 8
		"8510000002000000",                 // call pc+2
		"8520000001000000",                 // kfunc
		"8d02000000000000",                 // callx r2
		"0600000002000000",                 // gotol +2
		"c31a0800e1000000",                 // xchg
		"db1a0800f1000000",                 // cmpxchg
		"8112000000000000",                 // ldsxw
		"30000000000c0000",                 // ldabsb
		"40100000000c0000",                 // ldindw
		"9500000000000000",
	}
	for _, h := range valid {
		b, _ := hex.DecodeString(h)
		p, err := isa.Decode(b)
		if err != nil {
			t.Errorf("%s: %v", h, err)
			continue
		}
		if got := p.Encode(); !bytes.Equal(got, b) {
			t.Errorf("%s: re-encoded as %x", h, got)
		}
	}
}

func TestLdImm64IsOneInstruction(t *testing.T) {
	b, _ := hex.DecodeString("18010000887766550000000044332211" + "9500000000000000")
	p, err := isa.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 2 || p.NumSlots() != 3 {
		t.Fatalf("len %d slots %d, want 2 and 3", len(p), p.NumSlots())
	}
	if p[0].Imm != 0x1122334455667788 || p[0].Width() != 2 {
		t.Errorf("ld_imm64 = %#x width %d", p[0].Imm, p[0].Width())
	}
	if got := p.SlotIndex(); len(got) != 3 || got[1] != -1 || got[2] != 1 {
		t.Errorf("SlotIndex = %v", got)
	}
}

func TestHelperNames(t *testing.T) {
	for _, tc := range []struct {
		id   isa.HelperID
		name string
	}{
		{1, "bpf_map_lookup_elem"}, {6, "bpf_trace_printk"}, {12, "bpf_tail_call"},
		{118, "bpf_jiffies64"}, {181, "bpf_loop"}, {209, "bpf_user_ringbuf_drain"}, {210, "helper#210"}, {0, "helper#0"},
	} {
		if got := tc.id.String(); got != tc.name {
			t.Errorf("HelperID(%d) = %q, want %q", tc.id, got, tc.name)
		}
	}
	if id, ok := isa.HelperByName("bpf_loop"); !ok || id != 181 {
		t.Errorf("HelperByName(bpf_loop) = %d %v", id, ok)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte{0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0x18, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := isa.Decode(b)
		if err != nil {
			if _, ok := err.(*isa.Error); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if got := p.Encode(); !bytes.Equal(got, b) {
			t.Fatalf("round trip %x -> %x", b, got)
		}
	})
}
