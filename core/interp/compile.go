package interp

import (
	"fmt"

	"github.com/bpfplay/bpfplay/core/helpers"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/maps"
)

// inst is one pre-decoded instruction slot.
type inst struct {
	op  uint8
	dst uint8
	src uint8
	n   uint8  // eBPF instructions this entry executes (2+ for superinstructions)
	off int32  // jump/call target (absolute slot), or the value offset of a map value load
	imm uint64 // immediate, sign- or zero-extended as the operation needs; memory offset for loads/stores
}

// Program is a compiled program, ready to run many times. It is not
// modified by runs and may be shared by concurrent runs.
type Program struct {
	Name  string
	insns isa.Program
	code  []inst // one entry per slot, then sentinels
	plain []inst // the same without superinstructions (traces, budget tails)
	slots int
	// Maps is the program's map table: ld_imm64 map references index it.
	Maps     []maps.Map
	mapNames []string
	accel    accelState //nolint:unused // used by the js/wasm build (accel_js.go)
	kfuncs   map[int32]helpers.Func
}

// Options tell Compile how to resolve references out of the program.
type Options struct {
	Name string
	// MapFDs resolves ld_imm64 with src 1 (map fd) and 2 (map value) by
	// their imm.
	MapFDs map[int32]maps.Map
	// FDArray resolves src 5 (map index) and 6 (map index value).
	FDArray []maps.Map
	// MapNames names maps in faults and traces (by map, optional).
	MapNames map[maps.Map]string
	// NoFuse disables superinstructions (for differential tests).
	NoFuse bool
	// KernelFuncs are called by helper calls (src 0) whose imm is a key:
	// converted classic programs and xlated programs call kernel
	// functions by their offset from __bpf_call_base, not by helper id.
	// They take precedence over helpers of the same number.
	KernelFuncs map[int32]helpers.Func
}

// CompileError is a reference Compile cannot resolve.
type CompileError struct {
	PC  int
	Msg string
}

func (e *CompileError) Error() string { return fmt.Sprintf("pc %d: %s", e.PC, e.Msg) }

// Compile pre-decodes a program. Malformed instructions are compiled to
// faulting entries, so that a program the verifier never saw still runs
// until it reaches one; only unresolvable map references fail here, as
// they fail the kernel's load.
func Compile(p isa.Program, opt *Options) (*Program, error) {
	if opt == nil {
		opt = &Options{}
	}
	prog := &Program{Name: opt.Name, insns: p, slots: p.NumSlots(), kfuncs: opt.KernelFuncs}
	code := make([]inst, prog.slots+1, prog.slots+4)
	code[prog.slots] = inst{op: opEnd, n: 1, off: int32(prog.slots - 1), imm: uint64(prog.slots)}
	mapIndex := map[maps.Map]int{}
	addMap := func(m maps.Map) int {
		if i, ok := mapIndex[m]; ok {
			return i
		}
		mapIndex[m] = len(prog.Maps)
		prog.Maps = append(prog.Maps, m)
		name := opt.MapNames[m]
		if name == "" {
			name = fmt.Sprintf("map%d", len(prog.Maps)-1)
		}
		prog.mapNames = append(prog.mapNames, name)
		return len(prog.Maps) - 1
	}
	// target resolves a branch target; out-of-range targets get their
	// own sentinel so the fault can name them.
	target := func(from, t int) int32 {
		if t >= 0 && t < prog.slots {
			return int32(t)
		}
		code = append(code, inst{op: opEnd, n: 1, off: int32(from), imm: uint64(int64(t))})
		return int32(len(code) - 1)
	}
	pc := 0
	for _, ins := range p {
		in, err := compileOne(ins, pc, target, opt, addMap)
		if err != nil {
			return nil, err
		}
		in.n = 1
		code[pc] = in
		if ins.Width() == 2 {
			code[pc+1] = inst{op: opInvalid, n: 1, imm: 1}
		}
		pc += ins.Width()
	}
	prog.plain = code
	prog.code = code
	if !opt.NoFuse {
		prog.code = fuse(code, prog.slots)
	}
	return prog, nil
}

var aluOps = map[isa.ALUOp][2]uint8{ // [imm, reg] for ALU64; ALU32 offsets by opAdd32I-opAdd64I
	isa.Add: {opAdd64I, opAdd64R}, isa.Sub: {opSub64I, opSub64R}, isa.Mul: {opMul64I, opMul64R},
	isa.Div: {opDiv64I, opDiv64R}, isa.Or: {opOr64I, opOr64R}, isa.And: {opAnd64I, opAnd64R},
	isa.LSh: {opLsh64I, opLsh64R}, isa.RSh: {opRsh64I, opRsh64R}, isa.Mod: {opMod64I, opMod64R},
	isa.Xor: {opXor64I, opXor64R}, isa.Mov: {opMov64I, opMov64R}, isa.ArSh: {opArsh64I, opArsh64R},
}

var jmpOps = map[isa.JumpOp][2]uint8{ // [imm, reg] for JMP; JMP32 offsets by opJeq32I-opJeqI
	isa.JEq: {opJeqI, opJeqR}, isa.JGT: {opJgtI, opJgtR}, isa.JGE: {opJgeI, opJgeR},
	isa.JSet: {opJsetI, opJsetR}, isa.JNE: {opJneI, opJneR}, isa.JSGT: {opJsgtI, opJsgtR},
	isa.JSGE: {opJsgeI, opJsgeR}, isa.JLT: {opJltI, opJltR}, isa.JLE: {opJleI, opJleR},
	isa.JSLT: {opJsltI, opJsltR}, isa.JSLE: {opJsleI, opJsleR},
}

func bad(ins isa.Instruction) inst {
	return inst{op: opInvalid, imm: uint64(ins.OpCode) << 8}
}

func compileOne(ins isa.Instruction, pc int, target func(int, int) int32, opt *Options, addMap func(maps.Map) int) (inst, error) {
	op := ins.OpCode
	in := inst{dst: uint8(ins.Dst), src: uint8(ins.Src)}
	if !ins.Dst.Valid() || (!ins.Src.Valid() && op != isa.OpLdImm64 && op != isa.OpCall) {
		return bad(ins), nil
	}
	switch c := op.Class(); c {
	case isa.ALUClass, isa.ALU64Class:
		is64 := c == isa.ALU64Class
		aop := op.ALUOp()
		reg := op.Source() == isa.RegSource
		if is64 {
			in.imm = uint64(int64(int32(ins.Imm)))
		} else {
			in.imm = uint64(uint32(ins.Imm))
		}
		switch aop {
		case isa.Neg:
			in.op = opNeg64
			if !is64 {
				in.op = opNeg32
			}
			return in, nil
		case isa.End:
			switch {
			case is64: // bswap
				in.op = map[int64]uint8{16: opBswap16, 32: opBswap32, 64: opBswap64}[ins.Imm]
			case reg: // to big endian
				in.op = map[int64]uint8{16: opBswap16, 32: opBswap32, 64: opBswap64}[ins.Imm]
			default:
				in.op = map[int64]uint8{16: opLe16, 32: opLe32, 64: opNop}[ins.Imm]
			}
			if in.op == 0 {
				return bad(ins), nil
			}
			return in, nil
		case isa.Mov:
			if reg && ins.Off != 0 {
				switch {
				case is64 && ins.Off == 8:
					in.op = opMovSX8_64
				case is64 && ins.Off == 16:
					in.op = opMovSX16_64
				case is64 && ins.Off == 32:
					in.op = opMovSX32_64
				case !is64 && ins.Off == 8:
					in.op = opMovSX8_32
				case !is64 && ins.Off == 16:
					in.op = opMovSX16_32
				default:
					return bad(ins), nil
				}
				return in, nil
			}
		}
		pair, ok := aluOps[aop]
		if !ok {
			return bad(ins), nil
		}
		o := pair[0]
		if reg {
			o = pair[1]
		}
		if ins.Off == 1 && (aop == isa.Div || aop == isa.Mod) {
			o++ // the signed form follows the unsigned one
		}
		if !is64 {
			o += opAdd32I - opAdd64I
		}
		in.op = o
		return in, nil
	case isa.JumpClass, isa.Jump32Class:
		jop := op.JumpOp()
		is32 := c == isa.Jump32Class
		switch {
		case jop == isa.Ja:
			in.op = opJa
			in.off = target(pc, pc+1+ins.BranchOffset())
			return in, nil
		case jop == isa.Call && !is32:
			switch {
			case op == isa.OpCallX:
				in.op = opCallX
			case ins.Src == isa.CallHelper:
				in.op = opCall
				in.imm = uint64(uint32(ins.Imm))
			case ins.Src == isa.CallFunc:
				in.op = opCallLocal
				in.off = target(pc, pc+1+int(int32(ins.Imm)))
			default:
				in.op = opCallKfunc
				in.imm = uint64(uint32(ins.Imm))
			}
			return in, nil
		case jop == isa.Exit && !is32:
			in.op = opExit
			return in, nil
		}
		pair, ok := jmpOps[jop]
		if !ok {
			return bad(ins), nil
		}
		o := pair[0]
		if op.Source() == isa.RegSource {
			o = pair[1]
		}
		if is32 {
			o += opJeq32I - opJeqI
			in.imm = uint64(uint32(ins.Imm))
		} else {
			in.imm = uint64(int64(int32(ins.Imm)))
		}
		in.op = o
		in.off = target(pc, pc+1+int(ins.Off))
		return in, nil
	case isa.LdXClass:
		in.imm = uint64(int64(ins.Off))
		switch op.Mode() {
		case isa.MemMode:
			in.op = map[isa.Size]uint8{isa.Byte: opLdxB, isa.Half: opLdxH, isa.Word: opLdxW, isa.DWord: opLdxDW}[op.Size()]
		case isa.MemSXMode:
			in.op = map[isa.Size]uint8{isa.Byte: opLdxSB, isa.Half: opLdxSH, isa.Word: opLdxSW}[op.Size()]
		}
		if in.op == 0 {
			return bad(ins), nil
		}
		return in, nil
	case isa.StClass:
		if op.Mode() != isa.MemMode {
			return bad(ins), nil
		}
		in.op = map[isa.Size]uint8{isa.Byte: opStB, isa.Half: opStH, isa.Word: opStW, isa.DWord: opStDW}[op.Size()]
		in.off = int32(ins.Off)
		in.imm = uint64(int64(int32(ins.Imm)))
		return in, nil
	case isa.StXClass:
		in.imm = uint64(int64(ins.Off))
		switch op.Mode() {
		case isa.MemMode:
			in.op = map[isa.Size]uint8{isa.Byte: opStxB, isa.Half: opStxH, isa.Word: opStxW, isa.DWord: opStxDW}[op.Size()]
		case isa.AtomicMode:
			if !ins.Atomic().Valid() {
				return bad(ins), nil
			}
			switch op.Size() {
			case isa.Word:
				in.op = opAtomic32
			case isa.DWord:
				in.op = opAtomic64
			default:
				return bad(ins), nil
			}
			in.off = int32(ins.Imm) // the atomic operation
		}
		if in.op == 0 {
			return bad(ins), nil
		}
		return in, nil
	}
	// LD class.
	switch op.Mode() {
	case isa.ImmMode:
		if op != isa.OpLdImm64 {
			return bad(ins), nil
		}
		switch ins.Pseudo() {
		case isa.PseudoNone:
			in.op = opLdImm64
			in.imm = uint64(ins.Imm)
		case isa.PseudoMapFD, isa.PseudoMapValue, isa.PseudoMapIdx, isa.PseudoMapIdxValue:
			var m maps.Map
			switch ins.Pseudo() {
			case isa.PseudoMapFD, isa.PseudoMapValue:
				m = opt.MapFDs[ins.ImmLo()]
				if m == nil {
					return in, &CompileError{PC: pc, Msg: fmt.Sprintf("fd %d is not pointing to valid bpf_map", ins.ImmLo())}
				}
			default:
				if i := ins.ImmLo(); i >= 0 && int(i) < len(opt.FDArray) {
					m = opt.FDArray[i]
				}
				if m == nil {
					return in, &CompileError{PC: pc, Msg: fmt.Sprintf("map index %d is not in fd_array", ins.ImmLo())}
				}
			}
			in.imm = uint64(addMap(m))
			in.op = opLdMap
			if ins.Pseudo() == isa.PseudoMapValue || ins.Pseudo() == isa.PseudoMapIdxValue {
				in.op = opLdMapValue
				in.off = ins.ImmHi()
			}
		case isa.PseudoFunc:
			in.op = opLdFunc
			in.off = target(pc, pc+1+int(ins.ImmLo()))
		default:
			in.op = opLdPseudo
			in.imm = uint64(ins.Pseudo())
		}
		return in, nil
	case isa.AbsMode, isa.IndMode:
		if op.Size() == isa.DWord {
			return bad(ins), nil
		}
		in.op = opLdAbs
		if op.Mode() == isa.IndMode {
			in.op = opLdInd
		}
		in.off = int32(op.Size().Bytes())
		in.imm = uint64(int64(int32(ins.Imm)))
		return in, nil
	}
	return bad(ins), nil
}
