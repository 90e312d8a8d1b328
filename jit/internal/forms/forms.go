// Package forms lists small programs, one per x86 instruction form the
// JIT can emit, to ask the kernel oracle what Linux 6.1 emits for each
// and to test the emitter against the answers (see
// ../../testdata/oracle/README.md).
//
// Every program is a fixed prelude (r0-r9 set to scalars, 256 bytes of
// zeroed stack), the case's setup, the instruction under test, "r0 = 0;
// exit". The prelude makes every case acceptable to the verifier and
// keeps the instruction under test at a known place.
package forms

import (
	"fmt"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/isa"
)

// Case is one program.
type Case struct {
	Name  string
	Setup string // kernel-dialect assembly before the instruction under test
	Test  string // the instruction under test (one instruction)
	// Whole marks cases whose interest is the whole image (prologue,
	// tail calls): they have no instruction under test.
	Whole bool
	// Type is the program type (default socket_filter).
	Type string
	// Maps are the maps the program references, oracle style.
	Maps []string
}

// stackSlots is the zeroed stack the prelude provides.
const stackSlots = 32

// Prelude returns the common start of every program.
func Prelude() string {
	var b strings.Builder
	for r := 0; r <= 9; r++ {
		fmt.Fprintf(&b, "r%d = %d\n", r, 0x100+r)
	}
	for k := 1; k <= stackSlots; k++ {
		fmt.Fprintf(&b, "*(u64 *)(r10 -%d) = 0\n", 8*k)
	}
	return b.String()
}

// Source returns the case's whole program text.
func (c Case) Source() string {
	if c.Whole {
		return c.Setup
	}
	return Prelude() + c.Setup + "\n" + c.Test + "\nr0 = 0\nexit\n"
}

// Program assembles the case and returns the slot of the instruction
// under test (-1 for Whole cases).
func (c Case) Program() (isa.Program, int, error) {
	l, err := kernel.Assemble(c.Source())
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %v", c.Name, err)
	}
	if c.Whole {
		return l.Program, -1, nil
	}
	p := l.Program
	// The instruction under test is the third from the end ("r0 = 0",
	// "exit" follow it).
	pcs := p.PCs()
	return p, pcs[len(p)-3], nil
}

// Cases returns all cases.
func Cases() []Case {
	var cs []Case
	add := func(name, setup, test string) { cs = append(cs, Case{Name: name, Setup: setup, Test: test}) }

	// ALU, both widths, every two-operand op, register and immediate.
	regs := []int{0, 1, 4, 5, 6, 9} // rax, rdi, rcx, r8, rbx, r15
	imms := []string{"0", "1", "-1", "127", "128", "-128", "-129", "0x7fffffff", "-2147483648"}
	for _, w := range []string{"r", "w"} {
		for _, op := range []string{"+=", "-=", "&=", "|=", "^=", "*="} {
			for _, d := range regs {
				for _, imm := range imms {
					add(fmt.Sprintf("alu %s%d %s %s", w, d, op, imm), "", fmt.Sprintf("%s%d %s %s", w, d, op, imm))
				}
				for _, s := range []int{0, 2, 5, 7} {
					add(fmt.Sprintf("alu %s%d %s %s%d", w, d, op, w, s), "", fmt.Sprintf("%s%d %s %s%d", w, d, op, w, s))
				}
			}
		}
		// mov
		for _, d := range []int{0, 3, 5, 8} {
			for _, imm := range []string{"0", "1", "-1", "0x7fffffff", "-2147483648", "0x12345678"} {
				add(fmt.Sprintf("mov %s%d = %s", w, d, imm), "", fmt.Sprintf("%s%d = %s", w, d, imm))
			}
			for _, s := range []int{0, 3, 5, 8} {
				add(fmt.Sprintf("mov %s%d = %s%d", w, d, w, s), "", fmt.Sprintf("%s%d = %s%d", w, d, w, s))
			}
			add(fmt.Sprintf("neg %s%d", w, d), "", fmt.Sprintf("%s%d = -%s%d", w, d, w, d))
		}
		// shifts
		for _, op := range []string{"<<=", ">>=", "s>>="} {
			for _, d := range []int{0, 4, 5} {
				for _, imm := range []string{"0", "1", "7", "31"} {
					add(fmt.Sprintf("shift %s%d %s %s", w, d, op, imm), "", fmt.Sprintf("%s%d %s %s", w, d, op, imm))
				}
				for _, s := range []int{0, 1, 4, 5} {
					add(fmt.Sprintf("shift %s%d %s %s%d", w, d, op, w, s), fmt.Sprintf("%s%d &= 7", w, s), fmt.Sprintf("%s%d %s %s%d", w, d, op, w, s))
				}
			}
		}
		// div and mod: every role of rax and rdx
		for _, op := range []string{"/=", "%="} {
			for _, d := range []int{0, 3, 1, 5} {
				for _, imm := range []string{"3", "-7", "0x10000"} {
					add(fmt.Sprintf("divmod %s%d %s %s", w, d, op, imm), "", fmt.Sprintf("%s%d %s %s", w, d, op, imm))
				}
				for _, s := range []int{0, 3, 1, 5} {
					add(fmt.Sprintf("divmod %s%d %s %s%d", w, d, op, w, s), "", fmt.Sprintf("%s%d %s %s%d", w, d, op, w, s))
				}
			}
		}
	}
	// 64-bit constants
	for _, d := range []int{0, 5} {
		for _, v := range []string{"0", "1", "0xffffffff", "0x80000000", "0x100000000", "-1", "-123", "0x123456789abcdef0"} {
			add(fmt.Sprintf("lddw r%d = %s", d, v), "", fmt.Sprintf("r%d = %s ll", d, v))
		}
	}
	// byte swaps
	for _, d := range []int{0, 2, 5, 9} {
		for _, bits := range []int{16, 32, 64} {
			add(fmt.Sprintf("be%d r%d", bits, d), "", fmt.Sprintf("r%d = be%d r%d", d, bits, d))
			add(fmt.Sprintf("le%d r%d", bits, d), "", fmt.Sprintf("r%d = le%d r%d", d, bits, d))
		}
	}
	// loads and stores with every base register, disp8 and disp32
	sizes := []string{"u8", "u16", "u32", "u64"}
	for _, base := range []int{0, 1, 2, 4, 5, 6, 7, 9, 10} {
		setup := fmt.Sprintf("r%d = r10\nr%d += -8", base, base)
		if base == 10 {
			setup = ""
		}
		for _, off := range []int{0, -8, -200} {
			o := off // relative to the base, which is r10-8
			if base == 10 {
				o = off - 8
			}
			for _, sz := range sizes {
				val := 3
				if val == base {
					val = 1
				}
				add(fmt.Sprintf("ldx %s base r%d off %d", sz, base, o), setup, fmt.Sprintf("r%d = *(%s *)(r%d %+d)", val, sz, base, o))
				add(fmt.Sprintf("stx %s base r%d off %d", sz, base, o), setup, fmt.Sprintf("*(%s *)(r%d %+d) = r%d", sz, base, o, val))
				add(fmt.Sprintf("st %s base r%d off %d", sz, base, o), setup, fmt.Sprintf("*(%s *)(r%d %+d) = %d", sz, base, o, -3))
			}
		}
	}
	// byte stores from registers whose low byte needs REX (sil, dil) or
	// is an extended register
	for _, src := range []int{0, 1, 2, 3, 4, 5, 6, 7, 9} {
		add(fmt.Sprintf("stx u8 from r%d", src), "r8 = r10", fmt.Sprintf("*(u8 *)(r8 -16) = r%d", src))
	}
	// atomics
	for _, sz := range []string{"u32", "u64"} {
		for _, base := range []int{10, 0, 5} {
			setup := fmt.Sprintf("r%d = r10", base)
			if base == 10 {
				setup = ""
			}
			for _, src := range []int{1, 0, 9} {
				if src == base {
					continue
				}
				for _, op := range []string{"add", "and", "or", "xor"} {
					sym := map[string]string{"add": "+=", "and": "&=", "or": "|=", "xor": "^="}[op]
					add(fmt.Sprintf("atomic %s %s base r%d src r%d", sz, op, base, src), setup,
						fmt.Sprintf("lock *(%s *)(r%d -16) %s %s%d", sz, base, sym, wreg(sz), src))
					add(fmt.Sprintf("atomic %s fetch_%s base r%d src r%d", sz, op, base, src), setup,
						fmt.Sprintf("%s%d = atomic_fetch_%s((%s *)(r%d -16), %s%d)", wreg(sz), src, op, sz, base, wreg(sz), src))
				}
				add(fmt.Sprintf("atomic %s xchg base r%d src r%d", sz, base, src), setup,
					fmt.Sprintf("%s%d = xchg%s(r%d -16, %s%d)", wreg(sz), src, xsuf(sz), base, wreg(sz), src))
				if src != 0 && base != 0 { // cmpxchg compares with r0: it cannot be the pointer too
					add(fmt.Sprintf("atomic %s cmpxchg base r%d src r%d", sz, base, src), setup,
						fmt.Sprintf("%s0 = cmpxchg%s(r%d -16, %s0, %s%d)", wreg(sz), xsuf(sz), base, wreg(sz), wreg(sz), src))
				}
			}
		}
	}
	// conditional jumps, both widths, immediate and register
	for _, w := range []string{"r", "w"} {
		for _, op := range []string{"==", "!=", ">", ">=", "<", "<=", "s>", "s>=", "s<", "s<=", "&"} {
			for _, d := range []int{0, 5} {
				for _, imm := range []string{"0", "1", "-1", "128", "0x7fffffff"} {
					add(fmt.Sprintf("jmp %s%d %s %s", w, d, op, imm), "", fmt.Sprintf("if %s%d %s %s goto +0", w, d, op, imm))
				}
				add(fmt.Sprintf("jmp %s%d %s %s3", w, d, op, w), "", fmt.Sprintf("if %s%d %s %s3 goto +0", w, d, op, w))
			}
		}
	}
	cs = append(cs, wholeCases()...)
	return append(cs, torturous()...)
}

// torturous returns Linux's "torturous jumps" programs (verifier/jit.c,
// variant 1) for several sizes: hlen random-looking conditional jumps
// into a block of hlen unconditional jumps that all lead to the end.
// Their jump sizes only settle in the padding passes, which makes them
// the test of the pass emulation.
func torturous() []Case {
	var cs []Case
	for _, hlen := range []int{8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160} {
		var b strings.Builder
		b.WriteString("call bpf_get_prandom_u32\n")
		for i := 1; i <= hlen; i++ {
			fmt.Fprintf(&b, "if r0 == %d goto %+d\n", i, hlen)
		}
		for i := 1; i <= hlen; i++ {
			fmt.Fprintf(&b, "goto %+d\n", hlen-i)
		}
		b.WriteString("r0 = 1\nexit\n")
		cs = append(cs, Case{Name: fmt.Sprintf("torturous jumps %d", hlen), Whole: true, Setup: b.String()})
	}
	return cs
}

// progArray is a program array for tail calls, as the oracle creates it.
const progArray = `{"type":"prog_array","key_size":4,"value_size":4,"max_entries":4}`

// wholeCases exercise prologues, epilogues, calls and tail calls, where
// the whole image is the point. (Tail calls from subprograms and
// callbacks need BTF, which the oracle does not load: not covered.)
func wholeCases() []Case {
	return []Case{
		{Name: "tail call indirect, stack 12, r6 r7", Whole: true, Maps: []string{progArray}, Setup: `
			r6 = r1
			r7 = 0
			*(u32 *)(r10 -12) = 0
			r1 = r6
			r2 = map[fd:0] ll
			r3 = *(u32 *)(r6 +0)
			call bpf_tail_call
			r0 = r7
			exit`},
		{Name: "tail call direct, stack 12, r6 r7", Whole: true, Maps: []string{progArray}, Setup: `
			r6 = r1
			r7 = 0
			*(u32 *)(r10 -12) = 0
			r1 = r6
			r2 = map[fd:0] ll
			r3 = 1
			call bpf_tail_call
			r0 = r7
			exit`},
		{Name: "tail call direct, no stack, r6-r9", Whole: true, Maps: []string{progArray}, Setup: `
			r6 = r1
			r7 = 0
			r8 = 0
			r9 = 0
			r1 = r6
			r2 = map[fd:0] ll
			r3 = 0
			call bpf_tail_call
			r0 = r7
			r0 += r8
			r0 += r9
			exit`},
		{Name: "helper call with tail calls reachable, stack 20", Whole: true, Maps: []string{progArray}, Setup: `
			r6 = r1
			*(u32 *)(r10 -20) = 0
			call bpf_get_prandom_u32
			r1 = r6
			r2 = map[fd:0] ll
			r3 = r0
			r3 &= 3
			call bpf_tail_call
			r0 = 0
			exit`},
		{Name: "bpf2bpf calls, no tail calls, every callee-saved register", Whole: true, Setup: `
			r6 = 1
			r7 = 2
			r8 = 3
			r9 = 4
			*(u64 *)(r10 -8) = r6
			r1 = r9
			call sub
			r0 += r6
			r0 += r7
			r0 += r8
			r0 += r9
			exit
		sub:
			r9 = r1
			r0 = r9
			r0 *= 3
			exit`},
		{Name: "several exits", Whole: true, Setup: `
			r6 = r1
			call bpf_get_prandom_u32
			if r0 == 1 goto one
			if r0 == 2 goto two
			r0 = 0
			exit
		one:
			r0 = 1
			exit
		two:
			r0 = r6
			r0 = 2
			exit`},
	}
}

func wreg(sz string) string {
	if sz == "u32" {
		return "w"
	}
	return "r"
}

func xsuf(sz string) string {
	if sz == "u32" {
		return "32_32"
	}
	return "_64"
}

// Markers around the instruction under test in the cpu v4 cases: the
// kernel's code between "mov r15d, 0x11111111" and "mov r15d,
// 0x22222222" is the instruction's (and its run-time guards').
const (
	MarkerBefore = "r9 = 0x11111111"
	MarkerAfter  = "r9 = 0x22222222"
)

// V4Cases are the cpu v4 instructions (sign-extending moves and loads,
// signed division, unconditional byte swaps, gotol), for a kernel newer
// than 6.1. Each is the prelude, a marker, the instruction, a marker.
func V4Cases() []Case {
	var cs []Case
	add := func(name, test string) {
		cs = append(cs, Case{Name: name, Setup: MarkerBefore, Test: test + "\n" + MarkerAfter})
	}
	for _, d := range []int{0, 1, 2, 5} {
		for _, src := range []int{0, 1, 2, 5} {
			for _, bits := range []int{8, 16, 32} {
				add(fmt.Sprintf("movsx64 r%d = (s%d)r%d", d, bits, src), fmt.Sprintf("r%d = (s%d)r%d", d, bits, src))
				if bits < 32 {
					add(fmt.Sprintf("movsx32 w%d = (s%d)w%d", d, bits, src), fmt.Sprintf("w%d = (s%d)w%d", d, bits, src))
				}
			}
		}
	}
	for _, d := range []int{0, 1, 5} {
		for _, base := range []int{10, 2} {
			setup := ""
			if base != 10 {
				setup = fmt.Sprintf("r%d = r10\n", base)
			}
			for _, sz := range []string{"s8", "s16", "s32"} {
				cs = append(cs, Case{Name: fmt.Sprintf("ldsx r%d = *(%s *)(r%d -16)", d, sz, base),
					Setup: setup + MarkerBefore, Test: fmt.Sprintf("r%d = *(%s *)(r%d -16)\n%s", d, sz, base, MarkerAfter)})
			}
		}
	}
	for _, w := range []string{"r", "w"} {
		for _, op := range []string{"s/=", "s%="} {
			for _, d := range []int{0, 3, 1} {
				add(fmt.Sprintf("sdiv %s%d %s 7", w, d, op), fmt.Sprintf("%s%d %s 7", w, d, op))
				add(fmt.Sprintf("sdiv %s%d %s -3", w, d, op), fmt.Sprintf("%s%d %s -3", w, d, op))
				for _, s := range []int{0, 3, 1} {
					add(fmt.Sprintf("sdiv %s%d %s %s%d", w, d, op, w, s), fmt.Sprintf("%s%d %s %s%d", w, d, op, w, s))
				}
			}
		}
	}
	for _, d := range []int{0, 1, 5} {
		for _, bits := range []int{16, 32, 64} {
			add(fmt.Sprintf("bswap%d r%d", bits, d), fmt.Sprintf("r%d = bswap%d r%d", d, bits, d))
		}
	}
	add("gotol +0", "gotol +0")
	add("gotol +1", "gotol +1\nr0 = 5")
	return cs
}
