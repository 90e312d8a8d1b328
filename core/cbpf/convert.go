package cbpf

import (
	"fmt"

	"github.com/bpfplay/bpfplay/core/isa"
)

// Register mapping of the conversion: A and X live in r0 and r7, the
// context (the sk_buff) in r6, the packet data pointer and the linear
// length in r8 and r9; r2 is scratch; r1-r5 are clobbered by calls.
const (
	regA   = isa.R0
	regX   = isa.R7
	regTmp = isa.R2
	regCtx = isa.R6
	regD   = isa.R8
	regH   = isa.R9
	regFP  = isa.R10
)

// Converted is a classic program as Linux runs it: the eBPF instructions
// bpf_convert_filter produces for a socket filter.
type Converted struct {
	Insns isa.Program
	// Start[i] is the index in Insns of classic instruction i's first
	// eBPF instruction, for showing the two side by side.
	Start []int
	// StackDepth is the stack the scratch slots take (bytes): the
	// highest slot stored, as the kernel records it for the JIT.
	StackDepth int
}

// Convert checks p as Linux does and converts it to the eBPF Linux 6.1
// runs for it on x86-64:
//
//   - A and X are cleared first, the context moves to r6; programs with
//     packet loads also cache skb->data in r8 and the linear length
//     (len - data_len) in r9;
//   - packet loads at a constant non-negative offset read the packet
//     directly when the bytes are in the linear part and call the
//     kernel's bpf_skb_load_helper_{8,16,32} otherwise (indirect and
//     negative-offset loads always call); a failed load returns 0;
//   - ancillary loads become context loads (protocol, pkt_type, mark,
//     hash, queue, vlan fields, and through skb->dev ifindex and type)
//     or calls (payload offset, netlink attributes, cpu, random);
//   - M[k] is the 32-bit stack slot at fp-(4k+4);
//   - division and modulo by X test X for zero and return 0;
//   - a jump with a negative constant compares with the constant
//     zero-extended into r2; a jump whose false target is not the next
//     instruction becomes a conditional jump (inverted for jeq/jgt/jge
//     when only the true target is next) plus, when both are far, a ja.
func Convert(p Program) (*Converted, error) {
	if err := Check(p); err != nil {
		return nil, err
	}
	seenLdAbs := false
	for _, i := range p {
		if i.Code == ClassLdx|SizeB|ModeMsh {
			seenLdAbs = true
		}
		if i.Class() == ClassLd && (i.Mode() == ModeAbs || i.Mode() == ModeInd) {
			if _, anc := ancillary(i); !anc {
				seenLdAbs = true
			}
		}
	}
	var prologue []isa.Instruction
	prologue = append(prologue,
		alu32Reg(isa.Xor, regA, regA),
		alu32Reg(isa.Xor, regX, regX),
		mov64(regCtx, isa.R1))
	if seenLdAbs {
		prologue = append(prologue,
			ldx(isa.DWord, regD, regCtx, skbData),
			ldx(isa.Word, regH, regCtx, skbLen),
			ldx(isa.Word, regTmp, regCtx, skbDataLen),
			alu32Reg(isa.Sub, regH, regTmp))
	}

	// Emit each classic instruction's sequence; jumps to classic targets
	// are patched once every sequence's position is known.
	type patch struct {
		at     int // index within the sequence
		target int // classic pc
	}
	seqs := make([][]isa.Instruction, len(p))
	patches := make([][]patch, len(p))
	depth := 0
	for pc, i := range p {
		var s []isa.Instruction
		jumpTo := func(ins isa.Instruction, target int) {
			patches[pc] = append(patches[pc], patch{len(s), target})
			s = append(s, ins)
		}
		k := i.K
		switch {
		case i.Class() == ClassAlu:
			if i.Code == ClassAlu|AluDiv|SrcX || i.Code == ClassAlu|AluMod|SrcX {
				s = append(s,
					mov32Reg(regX, regX),
					jmpImm(isa.JNE, regX, 0, 2),
					alu32Reg(isa.Xor, regA, regA),
					exit())
			}
			s = append(s, isa.Instruction{OpCode: isa.OpCode(i.Code), Dst: regA, Src: regX, Imm: int64(int32(k))})
		case i.Class() == ClassLd && i.Mode() == ModeAbs:
			if anc, ok := ancillary(i); ok {
				s = append(s, convertAncillary(anc)...)
				break
			}
			s = append(s, convertPacketLoad(i)...)
		case i.Class() == ClassLd && i.Mode() == ModeInd:
			s = append(s, convertPacketLoad(i)...)
		case i.Code == ClassLdx|SizeB|ModeMsh:
			s = append(s, mov64(regX, regA))
			s = append(s, convertPacketLoad(Instruction{Code: ClassLd | SizeB | ModeAbs, K: k})...)
			s = append(s,
				alu32Imm(isa.And, regA, 0xf),
				alu32Imm(isa.LSh, regA, 2),
				mov64(regTmp, regX),
				mov64(regX, regA),
				mov64(regA, regTmp))
		case i.Code == ClassRet|RetA || i.Code == ClassRet|RetK:
			if i.Code == ClassRet|RetK {
				s = append(s, mov32Imm(isa.R0, int32(k)))
			}
			s = append(s, exit())
		case i.Code == ClassJmp|JmpJa:
			jumpTo(isa.Instruction{OpCode: isa.OpJa}, pc+1+int(k))
		case i.IsCondJump():
			cmp := isa.Instruction{Dst: regA}
			src := isa.ImmSource
			if i.Src() == SrcX {
				src = isa.RegSource
				cmp.Src = regX
			} else if int32(k) < 0 {
				s = append(s, mov32Imm(regTmp, int32(k)))
				src = isa.RegSource
				cmp.Src = regTmp
			} else {
				cmp.Imm = int64(k)
			}
			op := isa.JumpOp(i.Op())
			switch {
			case i.Jf == 0:
				cmp.OpCode = isa.JumpOpCode(isa.JumpClass, op, src)
				jumpTo(cmp, pc+1+int(i.Jt))
			case i.Jt == 0 && (op == isa.JEq || op == isa.JGT || op == isa.JGE):
				inv := map[isa.JumpOp]isa.JumpOp{isa.JEq: isa.JNE, isa.JGT: isa.JLE, isa.JGE: isa.JLT}[op]
				cmp.OpCode = isa.JumpOpCode(isa.JumpClass, inv, src)
				jumpTo(cmp, pc+1+int(i.Jf))
			default:
				cmp.OpCode = isa.JumpOpCode(isa.JumpClass, op, src)
				jumpTo(cmp, pc+1+int(i.Jt))
				jumpTo(isa.Instruction{OpCode: isa.OpJa}, pc+1+int(i.Jf))
			}
		case i.Code == ClassLd|SizeW|ModeLen || i.Code == ClassLdx|SizeW|ModeLen:
			s = append(s, ldx(isa.Word, dstOf(i), regCtx, skbLen))
		case i.Code == ClassLd|ModeImm || i.Code == ClassLdx|ModeImm:
			s = append(s, mov32Imm(dstOf(i), int32(k)))
		case i.Code == ClassSt || i.Code == ClassStx:
			off := int(k)*4 + 4
			depth = max(depth, off)
			src := regA
			if i.Code == ClassStx {
				src = regX
			}
			s = append(s, isa.Instruction{OpCode: isa.LoadStoreOpCode(isa.StXClass, isa.MemMode, isa.Word), Dst: regFP, Src: src, Off: int16(-off)})
		case i.Code == ClassLd|ModeMem || i.Code == ClassLdx|ModeMem:
			s = append(s, ldx(isa.Word, dstOf(i), regFP, -(int(k)*4+4)))
		case i.Code == ClassMisc|MiscTax:
			s = append(s, mov64(regX, regA))
		case i.Code == ClassMisc|MiscTxa:
			s = append(s, mov64(regA, regX))
		default:
			panic(fmt.Sprintf("BUG: checked classic opcode %#x has no conversion", i.Code))
		}
		seqs[pc] = s
	}

	c := &Converted{Start: make([]int, len(p)), StackDepth: depth}
	n := len(prologue)
	for pc := range p {
		c.Start[pc] = n
		n += len(seqs[pc])
	}
	c.Insns = make(isa.Program, 0, n)
	c.Insns = append(c.Insns, prologue...)
	for pc := range p {
		for _, pt := range patches[pc] {
			at := c.Start[pc] + pt.at
			off := c.Start[pt.target] - at - 1
			if off < -32768 || off > 32767 {
				return nil, &CheckError{Insn: pc, Reason: fmt.Sprintf("converted jump offset %d does not fit in 16 bits", off)}
			}
			seqs[pc][pt.at].Off = int16(off)
		}
		c.Insns = append(c.Insns, seqs[pc]...)
	}
	return c, nil
}

func dstOf(i Instruction) isa.Register {
	if i.Class() == ClassLdx {
		return regX
	}
	return regA
}

// convertPacketLoad is a [k] or [x + k] load (not ancillary).
func convertPacketLoad(i Instruction) []isa.Instruction {
	size := sizeBytes(i.Size())
	width := map[int]isa.Size{1: isa.Byte, 2: isa.Half, 4: isa.Word}[size]
	endian := size > 1
	offset := int32(i.K)
	var s []isa.Instruction
	if i.Mode() == ModeAbs && offset >= 0 {
		// Fast path: read the linear data directly when it is long enough.
		direct := offset <= 32767
		s = append(s, mov64(regTmp, regH))
		if offset != 0 {
			s = append(s, alu64Imm(isa.Sub, regTmp, offset))
		}
		skip := 2
		if endian {
			skip++
		}
		if !direct {
			skip += 2
		}
		s = append(s, jmpImm(isa.JSLT, regTmp, int32(size), int16(skip)))
		if direct {
			s = append(s, ldx(width, regA, regD, int(offset)))
		} else {
			s = append(s, mov64(regTmp, regD), alu64Imm(isa.Add, regTmp, offset), ldx(width, regA, regTmp, 0))
		}
		if endian {
			s = append(s, isa.Instruction{OpCode: isa.OpCode(uint8(isa.ALUClass) | uint8(isa.End) | uint8(isa.RegSource)), Dst: regA, Imm: int64(size * 8)})
		}
		s = append(s, isa.Instruction{OpCode: isa.OpJa, Off: 8})
	}
	s = append(s, mov64(isa.R1, regCtx), mov64(isa.R2, regD), mov64(isa.R3, regH))
	if i.Mode() == ModeAbs {
		s = append(s, mov64Imm(isa.R4, offset))
	} else {
		s = append(s, mov64(isa.R4, regX))
		if offset != 0 {
			s = append(s, alu64Imm(isa.Add, isa.R4, offset))
		}
	}
	f := map[int]KernelFunc{1: FuncLoadBytes8, 2: FuncLoadBytes16, 4: FuncLoadBytes32}[size]
	s = append(s,
		callKernel(f),
		jmpImm(isa.JSGE, regA, 0, 2),
		alu32Reg(isa.Xor, regA, regA),
		exit())
	return s
}

// convertAncillary is `ld [SKF_AD_OFF + anc]` for a field Linux knows.
func convertAncillary(anc Anc) []isa.Instruction {
	switch anc {
	case AncProtocol:
		return []isa.Instruction{ldx(isa.Half, regA, regCtx, skbProtocol), toBE(regA, 16)}
	case AncPktType:
		return []isa.Instruction{ldx(isa.Byte, regA, regCtx, skbPktTypeOff), alu32Imm(isa.And, regA, pktTypeMax)}
	case AncIfIndex, AncHaType:
		last := ldx(isa.Word, regA, regTmp, devIfIndex)
		if anc == AncHaType {
			last = ldx(isa.Half, regA, regTmp, devType)
		}
		return []isa.Instruction{ldx(isa.DWord, regTmp, regCtx, skbDev), jmpImm(isa.JNE, regTmp, 0, 1), exit(), last}
	case AncMark:
		return []isa.Instruction{ldx(isa.Word, regA, regCtx, skbMark)}
	case AncRxHash:
		return []isa.Instruction{ldx(isa.Word, regA, regCtx, skbHash)}
	case AncQueue:
		return []isa.Instruction{ldx(isa.Half, regA, regCtx, skbQueueMapping)}
	case AncVlanTag:
		return []isa.Instruction{ldx(isa.Half, regA, regCtx, skbVlanTCI)}
	case AncVlanTagPresent:
		return []isa.Instruction{ldx(isa.Byte, regA, regCtx, skbVlanPresOff), alu32Imm(isa.And, regA, 1)}
	case AncVlanTPID:
		return []isa.Instruction{ldx(isa.Half, regA, regCtx, skbVlanProto), toBE(regA, 16)}
	case AncAluXorX:
		return []isa.Instruction{alu32Reg(isa.Xor, regA, regX)}
	case AncPayOffset, AncNlAttr, AncNlAttrNest, AncCPU, AncRandom:
		f := map[Anc]KernelFunc{AncPayOffset: FuncPayOffset, AncNlAttr: FuncNlAttr, AncNlAttrNest: FuncNlAttrNest,
			AncCPU: FuncRawCPUID, AncRandom: FuncUserRndU32}[anc]
		return []isa.Instruction{mov64(isa.R1, regCtx), mov64(isa.R2, regA), mov64(isa.R3, regX), callKernel(f)}
	}
	panic("BUG: unknown ancillary field")
}

func alu32Reg(op isa.ALUOp, dst, src isa.Register) isa.Instruction {
	return isa.Instruction{OpCode: isa.ALUOpCode(isa.ALUClass, op, isa.RegSource), Dst: dst, Src: src}
}

func alu32Imm(op isa.ALUOp, dst isa.Register, imm int32) isa.Instruction {
	return isa.Instruction{OpCode: isa.ALUOpCode(isa.ALUClass, op, isa.ImmSource), Dst: dst, Imm: int64(imm)}
}

func alu64Imm(op isa.ALUOp, dst isa.Register, imm int32) isa.Instruction {
	return isa.Instruction{OpCode: isa.ALUOpCode(isa.ALU64Class, op, isa.ImmSource), Dst: dst, Imm: int64(imm)}
}

func mov64(dst, src isa.Register) isa.Instruction {
	return isa.Instruction{OpCode: isa.ALUOpCode(isa.ALU64Class, isa.Mov, isa.RegSource), Dst: dst, Src: src}
}

func mov32Reg(dst, src isa.Register) isa.Instruction {
	return isa.Instruction{OpCode: isa.ALUOpCode(isa.ALUClass, isa.Mov, isa.RegSource), Dst: dst, Src: src}
}

func mov64Imm(dst isa.Register, imm int32) isa.Instruction {
	return isa.Instruction{OpCode: isa.ALUOpCode(isa.ALU64Class, isa.Mov, isa.ImmSource), Dst: dst, Imm: int64(imm)}
}

func mov32Imm(dst isa.Register, imm int32) isa.Instruction {
	return isa.Instruction{OpCode: isa.ALUOpCode(isa.ALUClass, isa.Mov, isa.ImmSource), Dst: dst, Imm: int64(imm)}
}

func ldx(size isa.Size, dst, src isa.Register, off int) isa.Instruction {
	return isa.Instruction{OpCode: isa.LoadStoreOpCode(isa.LdXClass, isa.MemMode, size), Dst: dst, Src: src, Off: int16(off)}
}

func jmpImm(op isa.JumpOp, dst isa.Register, imm int32, off int16) isa.Instruction {
	return isa.Instruction{OpCode: isa.JumpOpCode(isa.JumpClass, op, isa.ImmSource), Dst: dst, Imm: int64(imm), Off: off}
}

func toBE(dst isa.Register, bits int) isa.Instruction {
	return isa.Instruction{OpCode: isa.OpCode(uint8(isa.ALUClass) | uint8(isa.End) | uint8(isa.RegSource)), Dst: dst, Imm: int64(bits)}
}

func exit() isa.Instruction { return isa.Instruction{OpCode: isa.OpExit} }

func callKernel(f KernelFunc) isa.Instruction {
	return isa.Instruction{OpCode: isa.OpCall, Imm: int64(f.Imm)}
}
