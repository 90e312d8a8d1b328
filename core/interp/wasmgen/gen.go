package wasmgen

import (
	"errors"
	"fmt"

	"github.com/bpfplay/bpfplay/core/isa"
)

// Layout is where the interpreter puts the regions the compiled code may
// touch, so that pointers in registers have the same values in both.
type Layout struct {
	StackBase uint64 // address of the first byte of frame 0's stack
	StackSize int64  // 512
	MemBase   uint64 // address of the input memory
}

// Linear memory of the module.
const (
	OffR0     = 0   // out: r0 (i64)
	OffCount  = 8   // out: executed instructions (i64)
	OffBudget = 16  // in: instruction budget (i64)
	OffMemLen = 24  // in: length of the input memory (i64)
	OffHasMem = 32  // in: 1 when there is an input memory (r1 points to it), 0: r1 = 0
	OffResume = 40  // in: 1 to resume a run that yielded (registers, count and block below)
	OffFuel   = 48  // in: backward jumps to run before yielding
	OffNext   = 56  // in/out: the block to resume at
	OffRegs   = 64  // in/out: r0..r10 when yielding/resuming
	StackLin  = 192 // frame 0's stack
)

// MemLin returns where the input memory starts in linear memory.
func (l Layout) MemLin() int { return StackLin + int(l.StackSize) }

// Status values returned by run().
const (
	StatusExit  = 0 // the program exited: r0 and the count are in memory
	StatusRedo  = 1 // run it in the interpreter instead
	StatusYield = 2 // the fuel ran out: state saved, call run() again with OffResume = 1
)

// ErrUnsupported: the program uses something the compiled code does not
// do (calls, maps, LD_ABS/LD_IND, pseudo ld_imm64); run the interpreter.
var ErrUnsupported = errors.New("wasmgen: the program needs the interpreter")

// Locals of run().
const (
	lA      = 11 + iota // i64 address
	lT                  // i64 temp
	lCnt                // i64 instruction count
	lBudget             // i64
	lMemLen             // i64
	lLim1               // i64: memlen-1+1 etc., clamped at 0
	lLim2
	lLim4
	lLim8
	lT2    // i64 temp
	lFuel  // i64 backward jumps left before yielding
	lNext  // i32 block to dispatch to
	nLocal // count of non-register locals + 11
)

// MaxBlocks bounds the nesting of the generated code.
const MaxBlocks = 20000

type gen struct {
	prog    isa.Program
	lay     Layout
	pcs     []int       // slot of each instruction
	insAt   map[int]int // slot -> instruction index
	leader  []bool      // per instruction
	blockOf []int       // per instruction: block index
	blocks  []int       // first instruction of each block
	b       []byte
	cur     int // block being emitted
	depth   int // extra nesting (if) inside the current block's code
}

// Generate compiles prog to a module.
func Generate(prog isa.Program, lay Layout) ([]byte, error) {
	if len(prog) == 0 {
		return nil, ErrUnsupported
	}
	g := &gen{prog: prog, lay: lay, pcs: prog.PCs(), insAt: map[int]int{}}
	for i, pc := range g.pcs {
		g.insAt[pc] = i
	}
	if err := g.plan(); err != nil {
		return nil, err
	}
	body := g.function()
	var m []byte
	m = append(m, 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00)
	// type: () -> i32
	m = section(m, 1, []byte{0x01, 0x60, 0x00, 0x01, typeI32})
	m = section(m, 3, []byte{0x01, 0x00})
	m = section(m, 5, []byte{0x01, 0x00, 0x01}) // one memory, min 1 page
	var ex []byte
	ex = uleb(ex, 2)
	ex = name(ex, "run")
	ex = append(ex, 0x00, 0x00)
	ex = name(ex, "mem")
	ex = append(ex, 0x02, 0x00)
	m = section(m, 7, ex)
	var code []byte
	code = uleb(code, 1)
	code = uleb(code, uint64(len(body)))
	code = append(code, body...)
	m = section(m, 10, code)
	return m, nil
}

// plan checks the program and splits it into basic blocks.
func (g *gen) plan() error {
	n := len(g.prog)
	g.leader = make([]bool, n)
	g.leader[0] = true
	for i, ins := range g.prog {
		op := ins.OpCode
		switch op.Class() {
		case isa.LdClass:
			if op != isa.OpLdImm64 || ins.Pseudo() != isa.PseudoNone {
				return ErrUnsupported
			}
		case isa.JumpClass, isa.Jump32Class:
			jop := op.JumpOp()
			if jop == isa.Call {
				return ErrUnsupported
			}
			if i+1 < n {
				g.leader[i+1] = true
			}
			if ins.IsBranch() {
				if t, ok := g.insAt[g.pcs[i]+1+ins.BranchOffset()]; ok {
					g.leader[t] = true
				}
			}
		}
	}
	g.blockOf = make([]int, n)
	for i := range g.prog {
		if g.leader[i] {
			g.blocks = append(g.blocks, i)
		}
		g.blockOf[i] = len(g.blocks) - 1
	}
	if len(g.blocks) > MaxBlocks {
		return ErrUnsupported
	}
	return nil
}

func (g *gen) op(b ...byte)         { g.b = append(g.b, b...) }
func (g *gen) get(l int)            { g.b = uleb(append(g.b, opLocalGet), uint64(l)) }
func (g *gen) set(l int)            { g.b = uleb(append(g.b, opLocalSet), uint64(l)) }
func (g *gen) tee(l int)            { g.b = uleb(append(g.b, opLocalTee), uint64(l)) }
func (g *gen) i64(v int64)          { g.b = sleb(append(g.b, opI64Const), v) }
func (g *gen) i32(v int32)          { g.b = sleb(append(g.b, opI32Const), int64(v)) }
func (g *gen) mem(op byte, off int) { g.b = uleb(append(g.b, op, 0), uint64(off)) }

// redo returns StatusRedo.
func (g *gen) redo() { g.i32(StatusRedo); g.op(opReturn) }

func (g *gen) function() []byte {
	// Locals: 11 registers + the others, all i64 except lNext.
	var b []byte
	b = uleb(b, 2)
	b = uleb(b, nLocal-1)
	b = append(b, typeI64)
	b = uleb(b, 1)
	b = append(b, typeI32)
	g.b = b
	nb := len(g.blocks)

	// Prologue: inputs, r1/r2 (the memory), r10.
	g.i32(0)
	g.mem(opI64Load, OffBudget)
	g.set(lBudget)
	g.i32(0)
	g.mem(opI64Load, OffMemLen)
	g.set(lMemLen)
	g.i32(0)
	g.mem(opI64Load, OffHasMem)
	g.op(opI64Eqz)
	g.op(opIf, typeI64)
	g.i64(0)
	g.op(opElse)
	g.i64(int64(g.lay.MemBase))
	g.op(opEnd)
	g.set(1)
	g.get(lMemLen)
	g.set(2)
	for i, l := range []int{lLim1, lLim2, lLim4, lLim8} {
		size := int64(1) << i
		// lim = memlen - size + 1, or 0 when the memory is smaller.
		g.get(lMemLen)
		g.i64(size - 1)
		g.op(opI64Sub)
		g.tee(lT)
		g.i64(0)
		g.get(lT)
		g.i64(0)
		g.op(opI64GtS)
		// select(val1, val2, cond) picks val1 when cond != 0.
		g.op(0x1b)
		g.set(l)
	}
	g.i64(int64(g.lay.StackBase) + g.lay.StackSize)
	g.set(10)
	g.i32(0)
	g.mem(opI64Load, OffFuel)
	g.set(lFuel)
	// Resuming: registers, count and block come from memory.
	g.i32(0)
	g.mem(opI64Load, OffResume)
	g.op(opI64Eqz, opI32Eqz, opIf, typeEmpty)
	for r := 0; r <= 10; r++ {
		g.i32(0)
		g.mem(opI64Load, OffRegs+8*r)
		g.set(r)
	}
	g.i32(0)
	g.mem(opI64Load, OffCount)
	g.set(lCnt)
	g.i32(0)
	g.mem(opI64Load, OffNext)
	g.op(opI32WrapI64)
	g.set(lNext)
	g.op(opEnd)

	g.op(opLoop, typeEmpty)
	for i := nb - 1; i >= 0; i-- {
		g.op(opBlock, typeEmpty)
	}
	g.get(lNext)
	g.op(opBrTable)
	g.b = uleb(g.b, uint64(nb))
	for i := 0; i < nb; i++ {
		g.b = uleb(g.b, uint64(i))
	}
	g.b = uleb(g.b, 0)
	for k := 0; k < nb; k++ {
		g.op(opEnd) // end of block k: its code follows
		g.cur = k
		g.block(k)
	}
	// Past the last block: the program fell off its end.
	g.redo()
	g.op(opEnd) // loop
	g.op(opUnreachable)
	g.op(opEnd) // function
	return g.b
}

// block emits the code of block k.
func (g *gen) block(k int) {
	first := g.blocks[k]
	last := len(g.prog)
	if k+1 < len(g.blocks) {
		last = g.blocks[k+1]
	}
	g.get(lCnt)
	g.i64(int64(last - first))
	g.op(opI64Add)
	g.set(lCnt)
	for i := first; i < last; i++ {
		g.insn(i)
	}
}

// jumpTo emits a jump from the current block to the block starting at
// slot target (out of range or mid-instruction: redo).
func (g *gen) jumpTo(target int) {
	t, ok := g.insAt[target]
	if !ok {
		g.redo()
		return
	}
	j := g.blockOf[t]
	if j > g.cur {
		g.op(opBr)
		g.b = uleb(g.b, uint64(j-g.cur-1+g.depth))
		return
	}
	// Backward: check the budget and the fuel, then dispatch through
	// the loop.
	g.budgetCheck()
	g.get(lFuel)
	g.i64(1)
	g.op(opI64Sub)
	g.tee(lFuel)
	g.op(opI64Eqz, opIf, typeEmpty)
	for r := 0; r <= 10; r++ {
		g.i32(0)
		g.get(r)
		g.mem(opI64Store, OffRegs+8*r)
	}
	g.i32(0)
	g.get(lCnt)
	g.mem(opI64Store, OffCount)
	g.i32(0)
	g.i64(int64(j))
	g.mem(opI64Store, OffNext)
	g.i32(StatusYield)
	g.op(opReturn)
	g.op(opEnd)
	g.i32(int32(j))
	g.set(lNext)
	g.op(opBr)
	g.b = uleb(g.b, uint64(len(g.blocks)-g.cur-1+g.depth))
}

func (g *gen) budgetCheck() {
	g.get(lCnt)
	g.get(lBudget)
	g.op(opI64GtU, opIf, typeEmpty)
	g.redo()
	g.op(opEnd)
}

func (g *gen) reg(r isa.Register) int { return int(r) }

// operand64 pushes the second operand of an ALU64/JMP instruction.
func (g *gen) operand64(ins isa.Instruction) {
	if ins.OpCode.Source() == isa.RegSource {
		g.get(g.reg(ins.Src))
	} else {
		g.i64(int64(int32(ins.Imm)))
	}
}

func (g *gen) operand32(ins isa.Instruction) {
	if ins.OpCode.Source() == isa.RegSource {
		g.get(g.reg(ins.Src))
		g.op(opI32WrapI64)
	} else {
		g.i32(int32(ins.Imm))
	}
}

var alu64 = map[isa.ALUOp]byte{isa.Add: opI64Add, isa.Sub: opI64Sub, isa.Mul: opI64Mul, isa.Or: opI64Or,
	isa.And: opI64And, isa.LSh: opI64Shl, isa.RSh: opI64ShrU, isa.Xor: opI64Xor, isa.ArSh: opI64ShrS}
var alu32 = map[isa.ALUOp]byte{isa.Add: opI32Add, isa.Sub: opI32Sub, isa.Mul: opI32Mul, isa.Or: opI32Or,
	isa.And: opI32And, isa.LSh: opI32Shl, isa.RSh: opI32ShrU, isa.Xor: opI32Xor, isa.ArSh: opI32ShrS}

func (g *gen) insn(i int) {
	ins := g.prog[i]
	op := ins.OpCode
	if !ins.Dst.Valid() || (!ins.Src.Valid() && op != isa.OpLdImm64) {
		g.redo()
		return
	}
	if err := isa.CheckSlot(ins.Slots()[0]); err != nil {
		g.redo()
		return
	}
	switch c := op.Class(); c {
	case isa.ALU64Class:
		g.alu64(ins)
	case isa.ALUClass:
		g.alu32(ins)
	case isa.JumpClass, isa.Jump32Class:
		g.jump(i, ins)
	case isa.LdClass:
		g.i64(ins.Imm)
		g.set(g.reg(ins.Dst))
	case isa.LdXClass:
		g.addr(ins.Src, int64(ins.Off), op.Size().Bytes())
		sx := op.Mode() == isa.MemSXMode
		switch op.Size() {
		case isa.Byte:
			g.mem(map[bool]byte{false: opI64Load8U, true: opI64Load8S}[sx], 0)
		case isa.Half:
			g.mem(map[bool]byte{false: opI64Load16U, true: opI64Load16S}[sx], 0)
		case isa.Word:
			g.mem(map[bool]byte{false: opI64Load32U, true: opI64Load32S}[sx], 0)
		default:
			g.mem(opI64Load, 0)
		}
		g.set(g.reg(ins.Dst))
	case isa.StClass, isa.StXClass:
		if op.Mode() == isa.AtomicMode {
			g.atomic(ins)
			return
		}
		g.addr(ins.Dst, int64(ins.Off), op.Size().Bytes())
		if c == isa.StClass {
			g.i64(int64(int32(ins.Imm)))
		} else {
			g.get(g.reg(ins.Src))
		}
		g.mem(map[isa.Size]byte{isa.Byte: opI64Store8, isa.Half: opI64Store16, isa.Word: opI64Store32, isa.DWord: opI64Store}[op.Size()], 0)
	}
}

// addr pushes the linear address (i32) of a size-byte access at
// base+off, or returns StatusRedo when it is not in the stack or the
// input memory.
func (g *gen) addr(base isa.Register, off int64, size int) {
	if base == isa.R10 {
		// r10 is read-only: the address is known now.
		o := g.lay.StackSize + off
		if o >= 0 && o+int64(size) <= g.lay.StackSize {
			g.i32(int32(StackLin + o))
			return
		}
		g.redo()
		return
	}
	lim := map[int]int{1: lLim1, 2: lLim2, 4: lLim4, 8: lLim8}[size]
	g.get(g.reg(base))
	g.i64(off)
	g.op(opI64Add)
	g.tee(lA)
	g.i64(int64(g.lay.MemBase))
	g.op(opI64Sub)
	g.tee(lT)
	g.get(lim)
	g.op(opI64LtU, opIf, typeI32)
	g.get(lT)
	g.op(opI32WrapI64)
	g.i32(int32(g.lay.MemLin()))
	g.op(opI32Add)
	g.op(opElse)
	g.get(lA)
	g.i64(int64(g.lay.StackBase))
	g.op(opI64Sub)
	g.tee(lT)
	g.i64(g.lay.StackSize - int64(size) + 1)
	g.op(opI64LtU, opIf, typeI32)
	g.get(lT)
	g.op(opI32WrapI64)
	g.i32(StackLin)
	g.op(opI32Add)
	g.op(opElse)
	g.redo()
	g.op(opEnd)
	g.op(opEnd)
}

func (g *gen) alu64(ins isa.Instruction) {
	dst := g.reg(ins.Dst)
	aop := ins.OpCode.ALUOp()
	reg := ins.OpCode.Source() == isa.RegSource
	switch aop {
	case isa.Mov:
		if reg {
			g.get(g.reg(ins.Src))
			switch ins.Off {
			case 8:
				g.op(opI64Ext8S)
			case 16:
				g.op(opI64Ext16S)
			case 32:
				g.op(opI64Ext32S)
			}
		} else {
			g.i64(int64(int32(ins.Imm)))
		}
		g.set(dst)
		return
	case isa.Neg:
		g.i64(0)
		g.get(dst)
		g.op(opI64Sub)
		g.set(dst)
		return
	case isa.End: // bswap
		g.get(dst)
		g.bswap(int(ins.Imm))
		g.set(dst)
		return
	case isa.Div, isa.Mod:
		g.divmod64(ins)
		return
	}
	g.get(dst)
	g.operand64(ins)
	g.op(alu64[aop])
	g.set(dst)
}

// divmod64: by zero, div gives 0 and mod leaves dst; signed by -1, div
// negates and mod gives 0 (wasm would trap on both).
func (g *gen) divmod64(ins isa.Instruction) {
	dst := g.reg(ins.Dst)
	signed := ins.Off == 1
	isDiv := ins.OpCode.ALUOp() == isa.Div
	g.operand64(ins)
	g.set(lT2)
	g.get(lT2)
	g.op(opI64Eqz, opIf, typeI64)
	if isDiv {
		g.i64(0)
	} else {
		g.get(dst)
	}
	g.op(opElse)
	if signed {
		g.get(lT2)
		g.i64(-1)
		g.op(opI64Eq, opIf, typeI64)
		if isDiv {
			g.i64(0)
			g.get(dst)
			g.op(opI64Sub)
		} else {
			g.i64(0)
		}
		g.op(opElse)
		g.get(dst)
		g.get(lT2)
		g.op(map[bool]byte{true: opI64DivS, false: opI64RemS}[isDiv])
		g.op(opEnd)
	} else {
		g.get(dst)
		g.get(lT2)
		g.op(map[bool]byte{true: opI64DivU, false: opI64RemU}[isDiv])
	}
	g.op(opEnd)
	g.set(dst)
}

func (g *gen) alu32(ins isa.Instruction) {
	dst := g.reg(ins.Dst)
	aop := ins.OpCode.ALUOp()
	reg := ins.OpCode.Source() == isa.RegSource
	switch aop {
	case isa.Mov:
		if reg {
			g.get(g.reg(ins.Src))
			g.op(opI32WrapI64)
			switch ins.Off {
			case 8:
				g.op(opI32Ext8S)
			case 16:
				g.op(opI32Ext16S)
			}
		} else {
			g.i32(int32(ins.Imm))
		}
		g.op(opI64ExtendU)
		g.set(dst)
		return
	case isa.Neg:
		g.i32(0)
		g.get(dst)
		g.op(opI32WrapI64, opI32Sub, opI64ExtendU)
		g.set(dst)
		return
	case isa.End:
		g.get(dst)
		if ins.OpCode.Source() == isa.ToBE {
			g.bswap(int(ins.Imm))
		} else {
			switch ins.Imm {
			case 16:
				g.i64(0xffff)
				g.op(opI64And)
			case 32:
				g.i64(0xffffffff)
				g.op(opI64And)
			}
		}
		g.set(dst)
		return
	case isa.Div, isa.Mod:
		g.divmod32(ins)
		return
	}
	g.get(dst)
	g.op(opI32WrapI64)
	g.operand32(ins)
	g.op(alu32[aop], opI64ExtendU)
	g.set(dst)
}

func (g *gen) divmod32(ins isa.Instruction) {
	dst := g.reg(ins.Dst)
	signed := ins.Off == 1
	isDiv := ins.OpCode.ALUOp() == isa.Div
	g.operand32(ins)
	g.op(opI64ExtendU)
	g.set(lT2) // the divisor, as u32 in an i64
	g.get(lT2)
	g.op(opI64Eqz, opIf, typeI64)
	if isDiv {
		g.i64(0)
	} else {
		g.get(dst)
		g.i64(0xffffffff)
		g.op(opI64And)
	}
	g.op(opElse)
	if signed {
		g.get(lT2)
		g.i64(0xffffffff)
		g.op(opI64Eq, opIf, typeI64)
		if isDiv {
			g.i32(0)
			g.get(dst)
			g.op(opI32WrapI64, opI32Sub, opI64ExtendU)
		} else {
			g.i64(0)
		}
		g.op(opElse)
		g.get(dst)
		g.op(opI32WrapI64)
		g.get(lT2)
		g.op(opI32WrapI64)
		g.op(map[bool]byte{true: opI32DivS, false: opI32RemS}[isDiv], opI64ExtendU)
		g.op(opEnd)
	} else {
		g.get(dst)
		g.op(opI32WrapI64)
		g.get(lT2)
		g.op(opI32WrapI64)
		g.op(map[bool]byte{true: opI32DivU, false: opI32RemU}[isDiv], opI64ExtendU)
	}
	g.op(opEnd)
	g.set(dst)
}

// bswap swaps the low width bits of the i64 on the stack, zero-extended.
func (g *gen) bswap(width int) {
	switch width {
	case 16:
		g.set(lT)
		g.get(lT)
		g.i64(0xff)
		g.op(opI64And)
		g.i64(8)
		g.op(opI64Shl)
		g.get(lT)
		g.i64(8)
		g.op(opI64ShrU)
		g.i64(0xff)
		g.op(opI64And)
		g.op(opI64Or)
	case 32:
		g.op(opI32WrapI64)
		g.bswap32()
		g.op(opI64ExtendU)
	default:
		g.set(lT)
		g.get(lT)
		g.op(opI32WrapI64)
		g.bswap32()
		g.op(opI64ExtendU)
		g.i64(32)
		g.op(opI64Shl)
		g.get(lT)
		g.i64(32)
		g.op(opI64ShrU)
		g.op(opI32WrapI64)
		g.bswap32()
		g.op(opI64ExtendU)
		g.op(opI64Or)
	}
}

// bswap32 swaps the i32 on the stack: rotr(x & 0x00ff00ff, 8) |
// rotl(x & 0xff00ff00, 8). Uses lT2 through its i64 form.
func (g *gen) bswap32() {
	g.op(opI64ExtendU)
	g.set(lT2)
	g.get(lT2)
	g.op(opI32WrapI64)
	g.i32(0x00ff00ff)
	g.op(opI32And)
	g.i32(8)
	g.op(opI32Rotr)
	g.get(lT2)
	g.op(opI32WrapI64)
	g.i32(-0x00ff0100) // 0xff00ff00
	g.op(opI32And)
	g.i32(8)
	g.op(opI32Rotl)
	g.op(opI32Or)
}

var cmp64 = map[isa.JumpOp]byte{isa.JEq: opI64Eq, isa.JNE: opI64Ne, isa.JGT: opI64GtU, isa.JGE: opI64GeU,
	isa.JLT: opI64LtU, isa.JLE: opI64LeU, isa.JSGT: opI64GtS, isa.JSGE: opI64GeS, isa.JSLT: opI64LtS, isa.JSLE: opI64LeS}
var cmp32 = map[isa.JumpOp]byte{isa.JEq: opI32Eq, isa.JNE: opI32Ne, isa.JGT: opI32GtU, isa.JGE: opI32GeU,
	isa.JLT: opI32LtU, isa.JLE: opI32LeU, isa.JSGT: opI32GtS, isa.JSGE: opI32GeS, isa.JSLT: opI32LtS, isa.JSLE: opI32LeS}

func (g *gen) jump(i int, ins isa.Instruction) {
	jop := ins.OpCode.JumpOp()
	switch {
	case jop == isa.Exit:
		g.i32(0)
		g.get(0)
		g.mem(opI64Store, OffR0)
		g.i32(0)
		g.get(lCnt)
		g.mem(opI64Store, OffCount)
		g.budgetCheck()
		g.i32(StatusExit)
		g.op(opReturn)
		return
	case jop == isa.Ja:
		g.jumpTo(g.pcs[i] + 1 + ins.BranchOffset())
		return
	}
	is32 := ins.OpCode.Class() == isa.Jump32Class
	g.get(g.reg(ins.Dst))
	if is32 {
		g.op(opI32WrapI64)
		g.operand32(ins)
		if jop == isa.JSet {
			g.op(opI32And)
			g.i32(0)
			g.op(opI32Ne)
		} else {
			g.op(cmp32[jop])
		}
	} else {
		g.operand64(ins)
		if jop == isa.JSet {
			g.op(opI64And)
			g.i64(0)
			g.op(opI64Ne)
		} else {
			g.op(cmp64[jop])
		}
	}
	g.op(opIf, typeEmpty)
	g.depth++
	g.jumpTo(g.pcs[i] + 1 + int(ins.Off))
	g.depth--
	g.op(opEnd)
}

func (g *gen) atomic(ins isa.Instruction) {
	size := ins.OpCode.Size().Bytes()
	load, store := byte(opI64Load), byte(opI64Store)
	if size == 4 {
		load, store = opI64Load32U, opI64Store32
	}
	g.addr(ins.Dst, int64(ins.Off), size)
	g.op(opI64ExtendU)
	g.set(lA) // linear address, as i64
	g.get(lA)
	g.op(opI32WrapI64)
	g.mem(load, 0)
	g.set(lT) // old value
	src := g.reg(ins.Src)
	a := ins.Atomic()
	g.get(lA)
	g.op(opI32WrapI64)
	switch a &^ isa.AtomicFetch {
	case isa.AtomicAdd, isa.AtomicOr, isa.AtomicAnd, isa.AtomicXor:
		g.get(lT)
		g.get(src)
		g.op(map[isa.ALUOp]byte{isa.Add: opI64Add, isa.Or: opI64Or, isa.And: opI64And, isa.Xor: opI64Xor}[a.ALUOp()])
		g.mem(store, 0)
		if a.Fetch() {
			g.get(lT)
			g.set(src)
		}
	case isa.AtomicXchg &^ isa.AtomicFetch:
		g.get(src)
		g.mem(store, 0)
		g.get(lT)
		g.set(src)
	case isa.AtomicCmpXchg &^ isa.AtomicFetch:
		// store src if old == r0 (the low 32 bits for the 32-bit form)
		g.get(lT)
		g.get(0)
		if size == 4 {
			g.i64(0xffffffff)
			g.op(opI64And)
		}
		g.op(opI64Eq, opIf, typeI64)
		g.get(src)
		g.op(opElse)
		g.get(lT)
		g.op(opEnd)
		g.mem(store, 0)
		g.get(lT)
		g.set(0)
	default:
		panic(fmt.Sprintf("BUG: atomic %#x passed CheckSlot", uint32(a)))
	}
}
