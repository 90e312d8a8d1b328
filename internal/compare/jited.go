package compare

import (
	"fmt"

	"golang.org/x/arch/x86/x86asm"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/jit"
	"github.com/bpfplay/bpfplay/jit/vectors"
)

// Exit is a call or jump from one function's machine code to code
// outside it: a helper, a kernel function, another function of the
// program, the retpoline thunk of a tail call.
type Exit struct {
	Off  int    // offset of the 5-byte instruction in the image
	Kind string // "call" or "jmp"
	// Target is the absolute address when the function's address is
	// known, else the target's distance from the function's start.
	Target uint64
}

// PerLoad finds the bytes of a Linux x86-64 JIT image that change from
// one load of the same program to the next, so two images can be
// compared with them aside:
//
//   - the rel32 of every call or jmp that leaves its function (e8/e9
//     followed by a 32-bit displacement): it depends on where the image
//     was placed;
//   - the 64-bit immediate of every movabs whose value has its top 17
//     bits set: a kernel address, which in JIT code is a map (direct-map
//     0xffff888... for most, vmalloc 0xffffc9... for large arrays).
//
// funcLens splits code into functions (nil: one function); imageAddr
// gives each function's address when known (jited_ksyms), making the
// exits' targets absolute. masks are [offset, length] pairs.
func PerLoad(code []byte, funcLens []int, imageAddr []uint64) (masks [][2]int, exits []Exit) {
	if len(funcLens) == 0 {
		funcLens = []int{len(code)}
	}
	start := 0
	for fi, l := range funcLens {
		end := min(start+l, len(code))
		var addr uint64
		if fi < len(imageAddr) {
			addr = imageAddr[fi]
		}
		for off := start; off < end; {
			inst, err := x86asm.Decode(code[off:end], 64)
			if err != nil {
				off++
				continue
			}
			isRel32 := inst.Len == 5 && code[off] != 0x0f
			switch {
			case (inst.Op == x86asm.CALL || inst.Op == x86asm.JMP) && isRel32:
				rel, _ := inst.Args[0].(x86asm.Rel)
				to := int64(off-start+5) + int64(rel) // from the function's start
				if to < 0 || to >= int64(l) {
					kind := "call"
					if inst.Op == x86asm.JMP {
						kind = "jmp"
					}
					exits = append(exits, Exit{Off: off, Kind: kind, Target: addr + uint64(to)})
					masks = append(masks, [2]int{off + 1, 4})
				}
			case inst.Op == x86asm.MOV && inst.Len == 10:
				if imm, ok := inst.Args[1].(x86asm.Imm); ok && uint64(imm)>>47 == 0x1ffff {
					masks = append(masks, [2]int{off + 2, 8})
				}
			}
			off += inst.Len
		}
		start += l
	}
	return masks, exits
}

// JitedDiff compares our JIT image with the kernel's, the per-load bytes
// of the kernel's image (PerLoad) aside. It returns "" when they agree,
// else what differs first, in one line.
func JitedDiff(ours, kernel []byte, ourLens, kernelLens []int) string {
	if len(kernelLens) > 0 && fmt.Sprint(ourLens) != fmt.Sprint(kernelLens) {
		return fmt.Sprintf("function lengths %v, kernel %v", ourLens, kernelLens)
	}
	masks, _ := PerLoad(kernel, kernelLens, nil)
	masked := make([]bool, len(kernel))
	for _, m := range masks {
		for i := m[0]; i < m[0]+m[1] && i < len(kernel); i++ {
			masked[i] = true
		}
	}
	n := min(len(ours), len(kernel))
	for i := 0; i < n; i++ {
		if ours[i] != kernel[i] && !masked[i] {
			return fmt.Sprintf("byte %d (%#x): %02x, kernel %02x", i, i, ours[i], kernel[i])
		}
	}
	if len(ours) != len(kernel) {
		return fmt.Sprintf("%d bytes, kernel %d", len(ours), len(kernel))
	}
	return ""
}

// SameJited reports whether our JIT image equals the kernel's with the
// per-load values aside (see PerLoad).
func SameJited(ours, kernel []byte, ourLens, kernelLens []int) bool {
	return JitedDiff(ours, kernel, ourLens, kernelLens) == ""
}

// poisonDiff handles the one per-load value of xlated code that reaches
// the machine code in a way masks cannot set aside: the random constant
// of BPF_F_TEST_RND_HI32's upper-half poisoning (r11 = rand; r11 <<= 32;
// rX |= r11), which the JIT emits as a mov whose length depends on the
// constant's sign (and jumps across it may change size with it). When
// the two xlated programs agree but for those constants (SameXlated),
// our xlated program is compiled again with the kernel's constants, at
// the stack depths our own image's prologues show, and that image is
// compared. It first checks that compiling our xlated program with our
// own constants gives back our image, so the comparison is of our
// JIT's output and not of a different compilation.
func poisonDiff(ours, kernel *record.Out) (string, bool) {
	if !hasPoison(kernel.Xlated) || !SameXlated(ours.Xlated, kernel.Xlated) {
		return "", false
	}
	var depth []int
	start := 0
	for _, l := range ours.JitedFuncLens {
		depth = append(depth, vectors.PrologueStackDepth(ours.Jited, start))
		start += l
	}
	compile := func(xlated []byte) (*jit.Image, error) {
		slots, err := isa.UnmarshalSlots(xlated)
		if err != nil {
			return nil, err
		}
		p, err := isa.Pair(slots)
		if err != nil {
			return nil, err
		}
		return jit.CompileDisplayImage(p, jit.DisplayOptions{Xlated: true, StackDepth: depth})
	}
	again, err := compile(ours.Xlated)
	if err != nil || JitedDiff(again.Code, ours.Jited, again.FuncLens(), ours.JitedFuncLens) != "" {
		return "", false
	}
	img, err := compile(withPoisonOf(ours.Xlated, kernel.Xlated))
	if err != nil {
		return "", false
	}
	return JitedDiff(img.Code, kernel.Jited, img.FuncLens(), kernel.JitedFuncLens), true
}

// hasPoison reports whether an xlated program has upper-half poisoning.
func hasPoison(xlated []byte) bool {
	for i := 0; i+24 <= len(xlated); i += 8 {
		if isHi32Poison(xlated[i:]) {
			return true
		}
	}
	return false
}

// withPoisonOf returns a copy of ours with the poisoning constants of
// kernel (same length and instructions, as SameXlated checked).
func withPoisonOf(ours, kernel []byte) []byte {
	out := append([]byte(nil), ours...)
	for i := 0; i+24 <= len(out); i += 8 {
		if isHi32Poison(out[i:]) && isHi32Poison(kernel[i:]) {
			copy(out[i+4:i+8], kernel[i+4:i+8])
			i += 16
		}
	}
	return out
}
