package compare

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

// kernelImage is Linux 6.1's image of verifier/array_access.c "valid map
// access into an array with a constant" (verifier-dev corpus): a map
// pointer (movabs rdi, 0xffff8880051f6c00) and a call to
// __htab_map_lookup_elem, placed at 0xffffffffc0000654.
const kernelImage = "0f1f4400006690554889e54881ec0800000048c745f800000000" +
	"4889ee4883c6f8" +
	"48bf006c1f058088ffff" + // movabs rdi, map
	"e8bc2123c1" + // call rel32 (leaves the function)
	"4885c074044883c0384885c0740848c7400004000000c9c3cc"

func TestPerLoad(t *testing.T) {
	code, _ := record.ParseHex(kernelImage)
	masks, exits := PerLoad(code, []int{73}, []uint64{0xffffffffc0000654})
	want := [][2]int{{35, 8}, {44, 4}}
	if len(masks) != 2 || masks[0] != want[0] || masks[1] != want[1] {
		t.Errorf("masks %v, want %v", masks, want)
	}
	// call at 43: target = 0xffffffffc0000654 + 48 + 0xc12321bc (rel32
	// sign-extended) = 0xffffffff81232840.
	if len(exits) != 1 || exits[0].Off != 43 || exits[0].Kind != "call" || exits[0].Target != 0xffffffff81232840 {
		t.Errorf("exits %+v", exits)
	}
}

func TestJitedDiff(t *testing.T) {
	kern, _ := record.ParseHex(kernelImage)
	edit := func(off int, b byte) []byte {
		c := append([]byte(nil), kern...)
		c[off] = b
		return c
	}
	cases := []struct {
		name  string
		ours  []byte
		lens  []int
		wants string // substring of the difference; "" = same
	}{
		{"identical", kern, []int{73}, ""},
		{"other map address", edit(37, 0x99), []int{73}, ""},
		{"other call target", edit(45, 0x00), []int{73}, ""},
		{"call opcode", edit(43, 0xe9), []int{73}, "byte 43"},
		{"register", edit(34, 0xbe), []int{73}, "byte 34"},
		{"shorter", kern[:72], []int{72}, "function lengths"},
		{"shorter, same lens", kern[:72], []int{73}, "72 bytes, kernel 73"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := JitedDiff(c.ours, kern, c.lens, []int{73})
			if (c.wants == "") != (got == "") || !strings.Contains(got, c.wants) {
				t.Errorf("JitedDiff = %q, want %q", got, c.wants)
			}
			if SameJited(c.ours, kern, c.lens, []int{73}) != (c.wants == "") {
				t.Errorf("SameJited disagrees with JitedDiff")
			}
		})
	}
}

func TestFiguresJited(t *testing.T) {
	kern, _ := record.ParseHex(kernelImage)
	in := &record.In{Name: "p", Kernel: &record.Out{OK: true, Jited: kern, JitedFuncLens: []int{73}}}
	var f Figures
	f.Add(&record.Out{Name: "p", OK: true, Jited: kern, JitedFuncLens: []int{73}}, in)
	f.Add(&record.Out{Name: "p", OK: true}, in)
	if f.Jited != (Count{1, 2}) || len(f.Disagree["jited: no image of ours"]) != 1 {
		t.Errorf("jited %v, disagreements %v", f.Jited, f.Disagree)
	}
}

// TestPoisonDiff: verifier/basic_instr.c "xor32 zero extend check" loads
// with BPF_F_TEST_RND_HI32; the kernel drew 0x0e078bc1 for the
// poisoning constant, bpfplay 0x0a02bdbf. The images differ in that
// immediate only, which the comparison sets aside by compiling our
// xlated program with the kernel's constant.
func TestPoisonDiff(t *testing.T) {
	hx := func(s string) record.Hex { b, _ := record.ParseHex(s); return b }
	const xl = "b4020000ffffffff670200002000000047020000ffff0000ac22000000000000b400000002000000b70b0000%s670b0000200000004fb00000000000005502010000000000b4000000010000009500000000000000"
	const img = "0f1f4400006690554889e5beffffffff48c1e6204881ceffff000031f6b80200000041ba%s49c1e2204c09d04885f67505b801000000c9c3cc"
	kernel := &record.Out{OK: true, Xlated: hx(fmt.Sprintf(xl, "c18b070e")), Jited: hx(fmt.Sprintf(img, "c18b070e")), JitedFuncLens: []int{60}}
	ours := &record.Out{OK: true, Xlated: hx(fmt.Sprintf(xl, "bfbd020a")), Jited: hx(fmt.Sprintf(img, "bfbd020a")), JitedFuncLens: []int{60}}
	if JitedDiff(ours.Jited, kernel.Jited, ours.JitedFuncLens, kernel.JitedFuncLens) == "" {
		t.Fatal("the constants differ: the plain comparison should see it")
	}
	if d, ok := poisonDiff(ours, kernel); !ok || d != "" {
		t.Errorf("poisonDiff = %q, %v; want agreement", d, ok)
	}
	// An image that is not our JIT's output for our xlated program is
	// not compared this way.
	forged := *ours
	forged.Jited = hx(fmt.Sprintf(img, "00000000"))
	if _, ok := poisonDiff(&forged, kernel); ok {
		t.Error("poisonDiff compared an image our JIT does not produce")
	}
	var f Figures
	f.Add(ours, &record.In{Name: "p", Kernel: kernel})
	if f.Jited != (Count{1, 1}) || f.JitedRehi32 != 1 {
		t.Errorf("jited %v (%d re-compiled)", f.Jited, f.JitedRehi32)
	}
}
