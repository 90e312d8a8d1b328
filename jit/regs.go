package jit

import "github.com/bpfplay/bpfplay/core/isa"

// reg is an x86-64 general-purpose register, numbered as the ModRM and
// REX fields encode it: the low three bits go into ModRM/SIB/opcode, the
// fourth bit into REX.R, REX.X or REX.B.
type reg uint8

// The sixteen x86-64 general-purpose registers.
const (
	rax reg = iota
	rcx
	rdx
	rbx
	rsp
	rbp
	rsi
	rdi
	r8
	r9
	r10
	r11
	r12
	r13
	r14
	r15
)

// ext reports whether the register needs a REX extension bit (r8-r15).
func (r reg) ext() bool { return r >= r8 }

// low3 is the register's number in a ModRM/SIB/opcode field.
func (r reg) low3() byte { return byte(r) & 7 }

// needsREXForByte reports whether the register's low byte is only
// addressable with a REX prefix (spl, bpl, sil, dil; without REX those
// encodings mean ah, ch, dh, bh).
func (r reg) needsREXForByte() bool { return r >= rsp && r <= rdi }

// regMap is the eBPF-to-x86 register assignment of Linux's x86-64 JIT.
// It follows the System V calling convention so that a helper call needs
// no argument shuffling: r1-r5 are the first five argument registers
// (except that the fourth argument lives in rcx, so r5 gets r8), r0 is
// the return register, r6-r9 are callee-saved, and r10 (the read-only
// frame pointer) is rbp. r12 is left unused because every memory operand
// based on it would need a SIB byte.
var regMap = [isa.NumRegisters + 1]reg{
	isa.R0:   rax, // return value
	isa.R1:   rdi, // argument 1 (the context on entry)
	isa.R2:   rsi, // argument 2
	isa.R3:   rdx, // argument 3
	isa.R4:   rcx, // argument 4 (also the shift count register, see shifts)
	isa.R5:   r8,  // argument 5
	isa.R6:   rbx, // callee-saved
	isa.R7:   r13, // callee-saved
	isa.R8:   r14, // callee-saved
	isa.R9:   r15, // callee-saved
	isa.R10:  rbp, // frame pointer
	regAXBPF: r10, // BPF_REG_AX: the verifier's own scratch register (constant blinding, rnd_hi32)
}

// regAXBPF is eBPF register 11, BPF_REG_AX. Programs cannot name it, but
// the verifier's rewrites use it (e.g. BPF_F_TEST_RND_HI32 poisons the
// upper half of 32-bit results through it), so it appears in xlated code.
const regAXBPF isa.Register = 11

// Scratch registers the JIT uses for its own sequences.
const (
	// regAX is the kernel's BPF_REG_AX: it holds r0 while an atomic
	// fetch-and-op loop needs rax for cmpxchg.
	regAX = r10
	// regAux holds a divisor, a displaced shift operand, ... (AUX_REG).
	regAux = r11
)

// x86 returns the x86 register of an eBPF register.
func x86(r isa.Register) reg {
	if int(r) >= len(regMap) {
		panic("BUG: register out of range reached the emitter: " + r.String())
	}
	return regMap[r]
}

// calleeSaved lists r6-r9 in the order the prologue pushes them.
var calleeSaved = [4]isa.Register{isa.R6, isa.R7, isa.R8, isa.R9}

// Register names, for messages and tests.
var regNames = [16]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}

func (r reg) String() string { return regNames[r&15] }
