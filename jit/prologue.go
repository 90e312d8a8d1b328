package jit

// Frame layout of a function, from high to low addresses:
//
//	[rbp+8]                  return address
//	[rbp]                    caller's rbp           <- rbp = eBPF r10
//	[rbp-1 .. rbp-S]         the eBPF stack, S = stack depth rounded up to 8
//	[rbp-S-8]                tail-call counter (only when tail calls are reachable)
//	below                    saved rbx, r13, r14, r15 (those the function uses)
//
// The counter slot holds rax as pushed on entry; the tail-call code reads
// and writes its upper four bytes ([rbp-S-4]), which is where Linux 6.1
// keeps the count.

// roundUp8 is the stack size the prologue allocates for a depth.
func roundUp8(n int) int { return (n + 7) &^ 7 }

// tailCallCounterOff is the rbp offset of the 32-bit tail-call counter.
func (f *funcJIT) tailCallCounterOff() int32 { return int32(-roundUp8(f.depth) - 4) }

// savedCounterOff is the rbp offset of the saved rax (the counter as a
// whole) that calls reload into rax for the callee.
func (f *funcJIT) savedCounterOff() int32 { return int32(-roundUp8(f.depth) - 8) }

// xTailCallOffset is how many bytes into a program's image a tail call
// enters: past the 5-byte patch site, the 2-byte counter init, push rbp
// and mov rbp, rsp, so that the counter in rax survives and the caller's
// frame is reused.
const xTailCallOffset = 11

// prologue emits the function entry.
func (f *funcJIT) prologue(c *code) {
	c.emit(nop5...) // nopl 0x0(%rax,%rax,1): fentry/trampoline patch site
	if !f.prog.opt.FromClassic {
		if f.tailCallReachable && f.idx == 0 {
			c.xorZero(rax) // xor eax, eax: the tail-call counter starts at 0
		} else {
			c.emit(0x66, 0x90) // xchg ax, ax: 2-byte nop (tail-call entry alignment)
		}
	}
	c.push(rbp)             // push rbp
	c.movRR(true, rbp, rsp) // mov rbp, rsp
	if d := roundUp8(f.depth); d > 0 {
		c.emit(rex(true, 0, 0, rsp), 0x81) // sub rsp, imm32 (always the imm32 form)
		c.modrmExt(5, rsp)
		c.imm32(int32(d))
	}
	if f.tailCallReachable {
		c.push(rax) // push rax: the tail-call counter
	}
	f.pushCallee(c)
}

// pushCallee saves the callee-saved registers the function uses.
func (f *funcJIT) pushCallee(c *code) {
	for k, r := range calleeSaved {
		if f.callee[k] {
			c.push(x86(r)) // push rbx / r13 / r14 / r15
		}
	}
}

// popCallee restores them, in reverse order.
func (f *funcJIT) popCallee(c *code) {
	for k := len(calleeSaved) - 1; k >= 0; k-- {
		if f.callee[k] {
			c.pop(x86(calleeSaved[k])) // pop r15 / r14 / r13 / rbx
		}
	}
}

// epilogue emits the function exit (the first exit instruction; later
// ones jump here).
func (f *funcJIT) epilogue(c *code) {
	f.popCallee(c)
	c.emit(0xc9) // leave
	c.emit(0xc3) // ret
	c.emit(0xcc) // int3: straight-line-speculation barrier
}
