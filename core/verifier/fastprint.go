package verifier

import "strconv"

// A fast path for the instruction text of the log: the verifier prints
// every instruction it walks at log level 1 (a million for the largest
// programs), and kernel.Printer's formatting costs a microsecond each.
// appendInsnFast covers the frequent forms and reports false for the
// others, which go to kernel.Printer; TestFastPrint checks the two agree.

var (
	fastALUOps = [16]string{"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "", "%=", "^=", "=", "s>>=", "", "", ""}
	fastJmpOps = [16]string{"", "==", ">", ">=", "&", "!=", "s>", "s>=", "", "", "<", "<=", "s<", "s<=", "", ""}
	fastSizes  = [4]string{"u32", "u16", "u8", "u64"}
	hexDigits  = "0123456789abcdef"
)

func appendReg(b []byte, wide bool, r uint8) []byte {
	if wide {
		b = append(b, 'r')
	} else {
		b = append(b, 'w')
	}
	return strconv.AppendInt(b, int64(r), 10)
}

func appendOff(b []byte, off int16) []byte {
	if off >= 0 {
		b = append(b, '+')
	}
	return strconv.AppendInt(b, int64(off), 10)
}

// appendInsnFast appends "(op) text" for in, or reports false.
func appendInsnFast(b []byte, in insn) ([]byte, bool) {
	b = append(b, '(', hexDigits[in.code>>4], hexDigits[in.code&15], ')', ' ')
	switch cls := in.class(); cls {
	case clsALU, clsALU64:
		wide := cls == clsALU64
		op := in.op() >> 4
		name := fastALUOps[op]
		if name == "" {
			return b, false
		}
		b = appendReg(b, wide, in.dst)
		b = append(b, ' ')
		b = append(b, name...)
		b = append(b, ' ')
		if in.srcBit() == srcX {
			b = appendReg(b, wide, in.src)
		} else {
			b = strconv.AppendInt(b, int64(in.imm), 10)
		}
	case clsLDX:
		if in.mode() != mdMEM {
			return b, false
		}
		b = append(b, 'r')
		b = strconv.AppendInt(b, int64(in.dst), 10)
		b = append(b, " = *("...)
		b = append(b, fastSizes[in.size()>>3]...)
		b = append(b, " *)(r"...)
		b = strconv.AppendInt(b, int64(in.src), 10)
		b = append(b, ' ')
		b = appendOff(b, in.off)
		b = append(b, ')')
	case clsST, clsSTX:
		if in.mode() != mdMEM {
			return b, false
		}
		b = append(b, "*("...)
		b = append(b, fastSizes[in.size()>>3]...)
		b = append(b, " *)(r"...)
		b = strconv.AppendInt(b, int64(in.dst), 10)
		b = append(b, ' ')
		b = appendOff(b, in.off)
		b = append(b, ") = "...)
		if cls == clsSTX {
			b = append(b, 'r')
			b = strconv.AppendInt(b, int64(in.src), 10)
		} else {
			b = strconv.AppendInt(b, int64(in.imm), 10)
		}
	case clsJMP, clsJMP32:
		op := in.op()
		switch {
		case in.code == clsJMP|opEXIT:
			b = append(b, "exit"...)
		case in.code == clsJMP|opJA:
			b = append(b, "goto pc"...)
			b = appendOff(b, in.off)
		case fastJmpOps[op>>4] != "":
			wide := cls == clsJMP
			b = append(b, "if "...)
			b = appendReg(b, wide, in.dst)
			b = append(b, ' ')
			b = append(b, fastJmpOps[op>>4]...)
			b = append(b, ' ')
			if in.srcBit() == srcX {
				b = appendReg(b, wide, in.src)
			} else {
				b = append(b, "0x"...)
				b = strconv.AppendUint(b, uint64(uint32(in.imm)), 16)
			}
			b = append(b, " goto pc"...)
			b = appendOff(b, in.off)
		default:
			return b, false
		}
	default:
		return b, false
	}
	return b, true
}
