package cbpf

import "fmt"

// validCodes are the opcodes Linux 6.1 accepts in a classic program
// attached as a socket filter (the kernel's table of allowed codes).
// Notably absent: ret x (0x0e), ldx with [k] or [x+k], any ALU op on
// neg's X form, and every code above 0xff.
var validCodes = func() map[uint16]bool {
	m := map[uint16]bool{}
	for _, c := range []uint16{
		ClassLd | ModeImm, ClassLdx | ModeImm,
		ClassLd | ModeMem, ClassLdx | ModeMem,
		ClassSt, ClassStx,
		ClassLd | SizeW | ModeAbs, ClassLd | SizeH | ModeAbs, ClassLd | SizeB | ModeAbs,
		ClassLd | SizeW | ModeInd, ClassLd | SizeH | ModeInd, ClassLd | SizeB | ModeInd,
		ClassLd | SizeW | ModeLen, ClassLdx | SizeW | ModeLen,
		ClassLdx | SizeB | ModeMsh,
		ClassAlu | AluNeg,
		ClassMisc | MiscTax, ClassMisc | MiscTxa,
		ClassRet | RetK, ClassRet | RetA,
		ClassJmp | JmpJa,
	} {
		m[c] = true
	}
	for _, op := range []uint16{AluAdd, AluSub, AluMul, AluDiv, AluMod, AluAnd, AluOr, AluXor, AluLsh, AluRsh} {
		m[ClassAlu|op|SrcK] = true
		m[ClassAlu|op|SrcX] = true
	}
	for _, op := range []uint16{JmpJeq, JmpJgt, JmpJge, JmpJset} {
		m[ClassJmp|op|SrcK] = true
		m[ClassJmp|op|SrcX] = true
	}
	return m
}()

// ValidCode reports whether Linux accepts opcode c in a socket filter.
func ValidCode(c uint16) bool { return validCodes[c] }

// Check applies Linux 6.1's rules for a classic socket filter and returns
// a *CheckError (errno EINVAL) for a program the kernel refuses:
//
//   - 1 to 4096 instructions;
//   - only known opcodes;
//   - division and modulo by a constant 0, and shifts by a constant of 32
//     or more;
//   - scratch slots M[k] with k < 16;
//   - jumps that land inside the program (ja's k is unsigned, so a
//     "backward" ja is a huge forward one);
//   - absolute loads at or above SKF_AD_OFF only for the ancillary fields
//     the kernel knows;
//   - the last instruction returns (ret k or ret a);
//   - no scratch slot is read on a path where it was not written first.
func Check(p Program) error {
	if len(p) == 0 || len(p) > MaxInsns {
		return &CheckError{Insn: -1, Reason: fmt.Sprintf("program has %d instructions; 1 to %d allowed", len(p), MaxInsns)}
	}
	n := len(p)
	for pc, i := range p {
		if !validCodes[i.Code] {
			return &CheckError{Insn: pc, Reason: fmt.Sprintf("opcode 0x%02x is not a classic BPF instruction Linux accepts", i.Code)}
		}
		switch {
		case i.Code == ClassAlu|AluDiv|SrcK || i.Code == ClassAlu|AluMod|SrcK:
			if i.K == 0 {
				return &CheckError{Insn: pc, Reason: "division by constant zero"}
			}
		case i.Code == ClassAlu|AluLsh|SrcK || i.Code == ClassAlu|AluRsh|SrcK:
			if i.K >= 32 {
				return &CheckError{Insn: pc, Reason: fmt.Sprintf("shift by %d (32 or more)", i.K)}
			}
		case i.Code == ClassLd|ModeMem || i.Code == ClassLdx|ModeMem || i.Code == ClassSt || i.Code == ClassStx:
			if i.K >= MemWords {
				return &CheckError{Insn: pc, Reason: fmt.Sprintf("scratch slot M[%d] does not exist (M[0]..M[15])", i.K)}
			}
		case i.Code == ClassJmp|JmpJa:
			if uint64(i.K) >= uint64(n-pc-1) {
				return &CheckError{Insn: pc, Reason: fmt.Sprintf("ja +%d jumps past the last instruction", i.K)}
			}
		case i.IsCondJump():
			if pc+int(i.Jt)+1 >= n || pc+int(i.Jf)+1 >= n {
				return &CheckError{Insn: pc, Reason: fmt.Sprintf("jump target (jt %d, jf %d) past the last instruction", pc+1+int(i.Jt), pc+1+int(i.Jf))}
			}
		case i.Class() == ClassLd && i.Mode() == ModeAbs:
			if _, ok := ancillary(i); !ok && i.K >= AncOffset {
				return &CheckError{Insn: pc, Reason: fmt.Sprintf("absolute load at %#x: not an ancillary field Linux knows (SKF_AD_OFF%+d)", i.K, int32(i.K-AncOffset))}
			}
		}
	}
	if last := p[n-1]; last.Code != ClassRet|RetK && last.Code != ClassRet|RetA {
		return &CheckError{Insn: n - 1, Reason: "the last instruction must be ret"}
	}
	return checkScratch(p)
}

// checkScratch refuses a program that may read a scratch slot before
// writing it. Like Linux it walks the instructions in order with the set
// of slots known written; a jump passes its set to both targets, where
// it is intersected with what the other ways in bring, and the walk
// continues after a jump with every slot valid (the fall-through position
// only gets what jumps bring). After a ret, the next instruction inherits
// the set as it was before the ret (Linux does not reset it there).
func checkScratch(p Program) error {
	masks := make([]uint16, len(p))
	for i := range masks {
		masks[i] = 0xffff
	}
	valid := uint16(0)
	for pc, i := range p {
		valid &= masks[pc]
		switch {
		case i.Code == ClassSt || i.Code == ClassStx:
			valid |= 1 << i.K
		case i.Code == ClassLd|ModeMem || i.Code == ClassLdx|ModeMem:
			if valid&(1<<i.K) == 0 {
				return &CheckError{Insn: pc, Reason: fmt.Sprintf("M[%d] is read before it is written on some path", i.K)}
			}
		case i.Code == ClassJmp|JmpJa:
			masks[pc+1+int(i.K)] &= valid
			valid = 0xffff
		case i.IsCondJump():
			masks[pc+1+int(i.Jt)] &= valid
			masks[pc+1+int(i.Jf)] &= valid
			valid = 0xffff
		}
	}
	return nil
}
