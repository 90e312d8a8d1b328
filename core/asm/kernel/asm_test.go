package kernel_test

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm"
	"github.com/bpfplay/bpfplay/core/asm/kernel"
)

var mcEncoding = regexp.MustCompile(`^\s*(.*?)\s+# encoding: \[(.*)\]$`)

// TestLLVMMCEncodings: each line of testdata/llvm/mc.s, and llvm-mc's own
// echo of it, assembles to the encoding llvm-mc 19 gives it.
func TestLLVMMCEncodings(t *testing.T) {
	src, err := os.ReadFile("testdata/llvm/mc.s")
	if err != nil {
		t.Fatal(err)
	}
	exp, err := os.ReadFile("testdata/llvm/mc.expected")
	if err != nil {
		t.Fatal(err)
	}
	srcLines := strings.Split(strings.TrimSpace(string(src)), "\n")
	expLines := strings.Split(strings.TrimSpace(string(exp)), "\n")
	if len(srcLines) != len(expLines) {
		t.Fatalf("%d source lines, %d encodings", len(srcLines), len(expLines))
	}
	for i, e := range expLines {
		m := mcEncoding.FindStringSubmatch(e)
		if m == nil {
			t.Fatalf("bad line %q", e)
		}
		var want []byte
		for _, b := range strings.Split(m[2], ",") {
			v, err := strconv.ParseUint(strings.TrimPrefix(b, "0x"), 16, 8)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, byte(v))
		}
		for _, text := range []string{strings.TrimSpace(srcLines[i]), m[1]} {
			l, err := kernel.Assemble(text)
			if err != nil {
				t.Errorf("%q: %v", text, err)
				continue
			}
			if got := l.Program.Encode(); string(got) != string(want) {
				t.Errorf("%q: got % x, llvm-mc gives % x", text, got, want)
			}
		}
	}
}

// TestAssembleKernelForms covers the spellings llvm-mc does not know: the
// verifier log's, and bpfplay's own for maps, labels and raw slots. The
// expected encodings follow RFC 9669's opcode tables and Linux's pseudo
// source numbers.
func TestAssembleKernelForms(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{"r1 = r10", "bfa1000000000000"},
		{"r1 &= -4 ; state", "57010000fcffffff"},
		{"if r0 == 0x0 goto pc+4", "1500040000000000"},
		{"if r3 s< 0xfffffffd goto pc-3 // kernel prints the pattern", "c503fdfffdffffff"},
		{"*(u64 *)(r10 -8) = 0", "7a0af8ff00000000"},
		{"r0 = *(u32 *)(r1 +4)", "6110040000000000"},
		{"lock *(u64 *)(r1 +0) += r2", "db21000000000000"},
		{"r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)", "db21000001000000"},
		{"r2 = atomic_fetch_or((u32 *)(r1 -8), r2)", "c321f8ff41000000"},
		{"r2 = atomic64_xchg((u64 *)(r1 +0), r2)", "db210000e1000000"},
		{"r0 = atomic_cmpxchg((u32 *)(r1 +0), r0, r2)", "c3210000f1000000"},
		{"call bpf_map_lookup_elem#1", "8500000001000000"},
		{"call map_lookup_elem", "8500000001000000"},
		{"call bpf_loop", "85000000b5000000"},
		{"call unknown#1000", "85000000e8030000"},
		{"call pc+2", "8510000002000000"},
		{"call kfunc#77", "852000004d000000"},
		{"call -0x1", "85100000ffffffff"},
		{"call r2", "8d02000000000000"},
		{"r0 = *(u32 *)skb[r2 + 12]", "402000000c000000"},
		{"r1 = 0x1122334455667788", "1801000088776655" + "0000000044332211"},
		{"r1 = 0x1 ll", "1801000001000000" + "0000000000000000"},
		{"r1 = map[fd:3]", "1811000003000000" + "0000000000000000"},
		{"r1 = map[fd:3][0]+16 ll", "1821000003000000" + "0000000010000000"},
		{"r1 = map[idx:1]", "1851000001000000" + "0000000000000000"},
		{"r1 = map[idx:1][0]+8", "1861000001000000" + "0000000008000000"},
		{"r1 = btf_id[42]", "183100002a000000" + "0000000000000000"},
		{"r1 = func[pc+2]", "1841000002000000" + "0000000000000000"},
		{"ld_pseudo r1, 0x2, 0x3", "1821000003000000" + "0000000000000000"},
		{"if w0 jmp 0x0 goto pc+1", "0600010000000000"},
		{"gotol pc+5", "0600000005000000"},
		{".slot 0x0000000100010007", "0700010001000000"},
		{"start: r0 = 0\n goto start", "b700000000000000" + "0500feff00000000"},
		{"goto end\nend:\nexit", "0500000000000000" + "9500000000000000"},
		{"call f\nexit\nf: r0 = 1\nexit", "8510000001000000" + "9500000000000000" + "b700000001000000" + "9500000000000000"},
		{"r1 = func[f]\nexit\nf:\nexit", "1841000002000000" + "0000000000000000" + "9500000000000000" + "9500000000000000"},
		{"# comment\n\nr0 = 0 # trailing\nexit", "b700000000000000" + "9500000000000000"},
		{"0: (bf) r1 = r6\n", "bf61000000000000"},
		{"5: (85) call bpf_map_lookup_elem#1    ; R0_w=map_value_or_null(id=1,off=0,ks=8,vs=48,imm=0)", "8500000001000000"},
		{"0: R1=ctx(off=0,imm=0) R10=fp0\n0: (18) r1 = 0xffff8880051f6c00       ; R1_w=map_ptr\n2: (25) if r1 > 0x0 goto pc+0 3: R1=1\n2: (25) if r1 > 0x0 goto pc+0\n3: (95) exit\nprocessed 3 insns",
			"18010000006c1f05" + "000000008088ffff" + "2501000000000000" + "9500000000000000"},
		{"       0:\tb7 00 00 00 00 00 00 00\tr0 = 0\n       1:\t05 00 00 00 00 00 00 00\tgoto +0 <LBB0_1>\n\n0000000000000010 <LBB0_1>:\n       2:\t95 00 00 00 00 00 00 00\texit",
			"b700000000000000" + "0500000000000000" + "9500000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			l, err := kernel.Assemble(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%x", l.Program.Encode()); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestAssembleMaps(t *testing.T) {
	l, err := kernel.Assemble("r1 = map[counts] ll\nr2 = map[flags][0]+4\nr3 = map[counts]\nexit")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(l.Maps) != "[counts flags]" {
		t.Errorf("Maps = %v", l.Maps)
	}
	want := []asm.MapRef{
		{Name: "counts", Index: 0, Ins: 0, Slot: 0},
		{Name: "flags", Index: 1, Ins: 1, Slot: 2, Value: true},
		{Name: "counts", Index: 0, Ins: 2, Slot: 4},
	}
	for i, r := range l.MapRefs {
		r.Pos = asm.Pos{}
		if r != want[i] {
			t.Errorf("MapRefs[%d] = %+v, want %+v", i, r, want[i])
		}
	}
	if got := fmt.Sprintf("%x", l.Program.Encode()[16:32]); got != "1822000001000000"+"0000000004000000" {
		t.Errorf("map value ld_imm64 = %s", got)
	}
}

func TestAssembleErrors(t *testing.T) {
	tests := []struct {
		src  string
		code asm.ErrorCode
		pos  string
		msg  string
	}{
		{"", asm.ErrEmpty, "-", "empty"},
		{"r11 = 1", asm.ErrRegister, "1:1", "r11 does not exist"},
		{"r1 = w2", asm.ErrRegister, "1:6", "mix 64-bit and 32-bit"},
		{"r1 += 0xffffffff", asm.ErrRange, "1:7", "sign-extends"},
		{"w1 = 0x100000000", asm.ErrRange, "1:6", "does not fit in 32 bits"},
		{"r1 =", asm.ErrOperand, "1:5", "expected a register, a number"},
		{"r1 => 2", asm.ErrOperand, "1:5", "expected a register, a number"},
		{"r1 ! 2", asm.ErrSyntax, "1:4", "unexpected character"},
		{"r1 == 2", asm.ErrSyntax, "1:4", "expected '=' or an operator"},
		{"if r1 => 2 goto +1", asm.ErrOperand, "1:7", "expected a comparison"},
		{"if r1 > 2 goto 3", asm.ErrOperand, "1:16", "write pc+3 or +3"},
		{"if r1 > 2 goto nowhere", asm.ErrLabel, "1:16", `undefined label "nowhere"`},
		{"goto +40000", asm.ErrRange, "1:6", "use gotol"},
		{"r0 = *(u24 *)(r1 +0)", asm.ErrOperand, "1:8", "expected an access type"},
		{"r0 = *(u32 *)(r1 +40000)", asm.ErrRange, "1:18", "does not fit in 16 bits"},
		{"r0 = *(u32 *)(w1 +0)", asm.ErrRegister, "1:15", "64-bit register"},
		{"r0 = *(u32 *)(r1 +0", asm.ErrSyntax, "1:20", "expected ')'"},
		{"*(u32 *)(r1 +0) == r2", asm.ErrSyntax, "1:17", "expected '='"},
		{"lock *(u16 *)(r1 +0) += r2", asm.ErrOperand, "1:8", "u32 or u64"},
		{"lock *(u64 *)(r1 +0) -= r2", asm.ErrOperand, "1:22", "expected an atomic operation"},
		{"r2 = atomic64_fetch_add((u64 *)(r1 +0), r3)", asm.ErrOperand, "1:41", "returns the old value"},
		{"r1 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)", asm.ErrOperand, "1:39", "r0 = atomic64_cmpxchg"},
		{"r1 = -r2", asm.ErrOperand, "1:7", "negation works in place"},
		{"r1 = be16 r2", asm.ErrOperand, "1:11", "in place"},
		{"w1 = (s32)w2", asm.ErrOperand, "1:7", "s8 or s16"},
		{"call bpf_nope", asm.ErrLabel, "1:6", "no label"},
		{"call bpf_map_lookup_elem#2", asm.ErrOperand, "1:26", "helper #1, not #2"},
		{"call foo#5", asm.ErrOperand, "1:6", "call kfunc#5"},
		{"call 5 extra", asm.ErrSyntax, "1:8", "unexpected"},
		{"r1 = map[fd:3][1]+0", asm.ErrOperand, "1:16", "always 0"},
		{"r1 = map[3]", asm.ErrOperand, "1:10", "expected a map name"},
		{"w1 = map[m]", asm.ErrRegister, "1:1", "64-bit register"},
		{"x: exit\nx: exit", asm.ErrDuplicateLabel, "2:1", "already defined"},
		{"r1: exit", asm.ErrSyntax, "1:1", "cannot be a label"},
		{"frobnicate r1", asm.ErrMnemonic, "1:1", "unknown instruction"},
		{"r1 = 1 $", asm.ErrSyntax, "1:8", "unexpected character"},
		{".slot 0x18", asm.ErrOperandCount, "1:1", "takes 2 slot(s)"},
		{"0: (b7) r0 = r1\n", asm.ErrOperand, "1:5", "the log says opcode (b7)"},
		{"0: (b7) r0 = 0\n2: (95) exit\n", asm.ErrOperand, "2:1", "never shows pc 1"},
		{"0: (b7) r0 = 0\n0: (b7) r0 = 1\n", asm.ErrOperand, "2:1", "pc 0 is"},
		{"       0:\tb7 00 00 00 01 00 00 00\tr0 = 0\n", asm.ErrOperand, "1:35", "the listing shows b700000001000000"},
		{"       0:\tc3 32 00 00 40 00 00 00\t<unknown>\n", asm.ErrOperand, "1:35", "could not decode"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := kernel.Assemble(tt.src)
			var el asm.ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("err = %v, want an asm.ErrorList", err)
			}
			e := el[0]
			if e.Code != tt.code || e.Pos.String() != tt.pos || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("got %v (code %v), want %v at %s containing %q", e, e.Code, tt.code, tt.pos, tt.msg)
			}
		})
	}
}
