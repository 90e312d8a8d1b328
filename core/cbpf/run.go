package cbpf

// Run checks p as Linux does and runs it on skb with the semantics of
// the eBPF program Linux converts it to (see Convert): A and X are 32-bit
// and start at 0, the scratch slots M[] start at 0 (the checker already
// refused reads before writes), division or modulo by X == 0 returns 0,
// shifts by X use its low five bits, and a packet load outside the packet
// (or an ifindex/hatype load without a device) ends the filter with 0.
// The result is the filter's return value: how many bytes of the packet
// to keep (0: drop).
func Run(p Program, skb *Skb) (uint32, error) {
	if err := Check(p); err != nil {
		return 0, err
	}
	return run(p, skb, nil), nil
}

// runNotes records, for tests, which behaviours of Linux a run used
// that golang.org/x/net/bpf's VM models differently (its cross-check
// needs to know where the two may legitimately disagree).
type runNotes struct {
	ancillary bool // an ancillary field other than the length
	negative  bool // a successful load through SKF_NET_OFF/SKF_LL_OFF
	indWrap   bool // x + k overflowed 32 bits in an indirect load
	bigShift  bool // a shift by X of 32 or more
}

// run executes a program that passed Check.
func run(p Program, skb *Skb, notes *runNotes) uint32 {
	var a, x uint32
	var mem [MemWords]uint32
	for pc := 0; pc < len(p); pc++ {
		i := p[pc]
		k := i.K
		switch i.Class() {
		case ClassLd, ClassLdx:
			v, ok := loadValue(i, a, x, &mem, skb)
			if notes != nil {
				notes.note(i, x, ok)
			}
			if !ok {
				return 0
			}
			if i.Class() == ClassLd {
				a = v
			} else {
				x = v
			}
		case ClassSt:
			mem[k] = a
		case ClassStx:
			mem[k] = x
		case ClassAlu:
			operand := k
			if i.Src() == SrcX {
				operand = x
			}
			switch i.Op() {
			case AluAdd:
				a += operand
			case AluSub:
				a -= operand
			case AluMul:
				a *= operand
			case AluDiv:
				if operand == 0 {
					return 0
				}
				a /= operand
			case AluMod:
				if operand == 0 {
					return 0
				}
				a %= operand
			case AluAnd:
				a &= operand
			case AluOr:
				a |= operand
			case AluXor:
				a ^= operand
			case AluLsh:
				if notes != nil && operand >= 32 {
					notes.bigShift = true
				}
				a <<= operand & 31
			case AluRsh:
				if notes != nil && operand >= 32 {
					notes.bigShift = true
				}
				a >>= operand & 31
			case AluNeg:
				a = -a
			}
		case ClassJmp:
			if i.Op() == JmpJa {
				pc += int(k)
				continue
			}
			operand := k
			if i.Src() == SrcX {
				operand = x
			}
			var taken bool
			switch i.Op() {
			case JmpJeq:
				taken = a == operand
			case JmpJgt:
				taken = a > operand
			case JmpJge:
				taken = a >= operand
			case JmpJset:
				taken = a&operand != 0
			}
			if taken {
				pc += int(i.Jt)
			} else {
				pc += int(i.Jf)
			}
		case ClassRet:
			if i.Code == ClassRet|RetA {
				return a
			}
			return k
		case ClassMisc:
			if i.Code == ClassMisc|MiscTax {
				x = a
			} else {
				a = x
			}
		}
	}
	panic("BUG: checked classic program fell off its end")
}

// loadValue is the value an ld/ldx instruction loads; ok is false when
// the load ends the filter (returning 0).
func loadValue(i Instruction, a, x uint32, mem *[MemWords]uint32, skb *Skb) (uint32, bool) {
	k := i.K
	switch i.Mode() {
	case ModeImm:
		return k, true
	case ModeMem:
		return mem[k], true
	case ModeLen:
		return skb.Len(), true
	case ModeMsh:
		v, ok := skb.load(int32(k), 1)
		return (v & 0xf) << 2, ok
	case ModeInd:
		return skb.load(int32(x+k), sizeBytes(i.Size()))
	case ModeAbs:
		if anc, ok := ancillary(i); ok {
			return ancillaryValue(anc, a, x, skb)
		}
		return skb.load(int32(k), sizeBytes(i.Size()))
	}
	panic("BUG: unchecked load mode")
}

// ancillaryValue is what `ld [SKF_AD_OFF + anc]` loads.
func ancillaryValue(anc Anc, a, x uint32, skb *Skb) (uint32, bool) {
	switch anc {
	case AncProtocol:
		return uint32(skb.Protocol), true
	case AncPktType:
		return uint32(skb.PktType & 7), true
	case AncIfIndex:
		return skb.IfIndex, !skb.NoDev
	case AncHaType:
		return uint32(skb.DevType), !skb.NoDev
	case AncMark:
		return skb.Mark, true
	case AncRxHash:
		return skb.Hash, true
	case AncQueue:
		return uint32(skb.Queue), true
	case AncVlanTag:
		return uint32(skb.VlanTCI), true
	case AncVlanTagPresent:
		if skb.VlanPresent {
			return 1, true
		}
		return 0, true
	case AncVlanTPID:
		return uint32(skb.VlanProto), true
	case AncPayOffset:
		return skb.payloadOffset(), true
	case AncNlAttr:
		return skb.nlAttr(a, x), true
	case AncNlAttrNest:
		return skb.nlAttrNest(a, x), true
	case AncCPU:
		return skb.CPU, true
	case AncRandom:
		if skb.Random == nil {
			return 0, true
		}
		return skb.Random(), true
	case AncAluXorX:
		return a ^ x, true
	}
	panic("BUG: unknown ancillary field")
}

func (n *runNotes) note(i Instruction, x uint32, ok bool) {
	switch i.Mode() {
	case ModeAbs:
		if _, anc := ancillary(i); anc {
			n.ancillary = true
		} else if int32(i.K) < 0 && ok {
			n.negative = true
		}
	case ModeMsh:
		if int32(i.K) < 0 && ok {
			n.negative = true
		}
	case ModeInd:
		if uint64(x)+uint64(i.K) > 0xffffffff {
			n.indWrap = true
		}
		if int32(x+i.K) < 0 && ok {
			n.negative = true
		}
	}
}
