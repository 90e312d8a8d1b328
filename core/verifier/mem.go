package verifier

import (
	"math"

	"github.com/bpfplay/bpfplay/core/verifier/tnum"
)

// Access kinds.
const (
	bpfRead  = 1
	bpfWrite = 2
)

// Access sources.
const (
	accessDirect = 1
	accessHelper = 2
)

const flowKeysSize = 56 // sizeof(struct bpf_flow_keys)

func (v *verifier) isCtxReg(regno int) bool { return v.regs()[regno].typ == ptrToCtx }
func (v *verifier) isPktReg(regno int) bool { return v.regs()[regno].typ.isPktPointer() }
func (v *verifier) isFlowKeyReg(regno int) bool {
	return v.regs()[regno].typ == ptrToFlowKeys
}
func isSkPointer(t regType) bool {
	return t == ptrToSocket || t == ptrToSockCommon || t == ptrToTCPSock || t == ptrToXDPSock
}
func (v *verifier) isSkReg(regno int) bool { return isSkPointer(v.regs()[regno].typ) }

func registerIsNull(r *regState) bool { return r.typ == scalarValue && r.varOff.EqualsConst(0) }

func isScalarUnbounded(r *regState) bool {
	return r.varOff.IsUnknown() && r.smin == math.MinInt64 && r.smax == math.MaxInt64 &&
		r.umin == 0 && r.umax == math.MaxUint64 && r.s32min == math.MinInt32 && r.s32max == math.MaxInt32 &&
		r.u32min == 0 && r.u32max == math.MaxUint32
}

func registerIsBounded(r *regState) bool { return r.typ == scalarValue && !isScalarUnbounded(r) }

func isSpillableRegtype(t regType) bool {
	switch t.base() {
	case ptrToMapValue, ptrToStack, ptrToCtx, ptrToPacket, ptrToPacketMeta, ptrToPacketEnd, ptrToFlowKeys,
		constPtrToMap, ptrToSocket, ptrToSockCommon, ptrToTCPSock, ptrToXDPSock, ptrToBTFID, ptrToBuf,
		ptrToMem, ptrToFunc, ptrToMapKey:
		return true
	}
	return false
}

func (v *verifier) checkPktPtrAlignment(reg *regState, off, size int, strict bool) error {
	if !strict || size == 1 {
		return nil
	}
	const ipAlign = 2
	ro := tnum.Add(reg.varOff, tnum.Const(uint64(int64(ipAlign+int(reg.off)+off))))
	if !tnum.IsAligned(ro, uint64(size)) {
		v.verbose("misaligned packet access off %d+%s+%d+%d size %d\n", ipAlign, reg.varOff, reg.off, off, size)
		return errEACCES
	}
	return nil
}

func (v *verifier) checkGenericPtrAlignment(reg *regState, desc string, off, size int, strict bool) error {
	if !strict || size == 1 {
		return nil
	}
	ro := tnum.Add(reg.varOff, tnum.Const(uint64(int64(int(reg.off)+off))))
	if !tnum.IsAligned(ro, uint64(size)) {
		v.verbose("misaligned %saccess off %s+%d+%d size %d\n", desc, reg.varOff, reg.off, off, size)
		return errEACCES
	}
	return nil
}

func (v *verifier) checkPtrAlignment(reg *regState, off, size int, strictOnce bool) error {
	strict := v.strictAlignment || strictOnce
	desc := ""
	switch reg.typ {
	case ptrToPacket, ptrToPacketMeta:
		return v.checkPktPtrAlignment(reg, off, size, strict)
	case ptrToFlowKeys:
		desc = "flow keys "
	case ptrToMapKey:
		desc = "key "
	case ptrToMapValue:
		desc = "value "
	case ptrToCtx:
		desc = "context "
	case ptrToStack:
		desc = "stack "
		strict = true
	case ptrToSocket:
		desc = "sock "
	case ptrToSockCommon:
		desc = "sock_common "
	case ptrToTCPSock:
		desc = "tcp_sock "
	case ptrToXDPSock:
		desc = "xdp_sock "
	}
	return v.checkGenericPtrAlignment(reg, desc, off, size, strict)
}

// checkMemAccess is check_mem_access: can the program read or write size
// bytes at regno+off, and what does a read produce in valueRegno.
func (v *verifier) checkMemAccess(insnIdx, regno, off int, bpfSize uint8, t int, valueRegno int, strictOnce bool) error {
	regs := v.regs()
	reg := &regs[regno]
	size := sizeBytes(bpfSize)
	if err := v.checkPtrAlignment(reg, off, size, strictOnce); err != nil {
		return err
	}
	off += int(reg.off)
	var err error
	switch {
	case reg.typ == ptrToMapKey:
		if t == bpfWrite {
			v.verbose("write to change key R%d not allowed\n", regno)
			return errEACCES
		}
		if err = v.checkMemRegionAccess(regno, off, size, int(reg.mapPtr.KeySize), false); err != nil {
			return err
		}
		if valueRegno >= 0 {
			v.markUnknown(&regs[valueRegno])
		}
	case reg.typ == ptrToMapValue:
		if t == bpfWrite && valueRegno >= 0 && v.isPointerValue(valueRegno) {
			v.verbose("R%d leaks addr into map\n", valueRegno)
			return errEACCES
		}
		if err = v.checkMapAccessType(regno, off, size, t); err != nil {
			return err
		}
		if err = v.checkMapAccess(regno, off, size, false, accessDirect); err != nil {
			return err
		}
		if t == bpfRead && valueRegno >= 0 {
			v.markUnknown(&regs[valueRegno])
		}
	case reg.typ.base() == ptrToMem:
		rdonly := reg.typ&memRdonly != 0
		if reg.typ.mayBeNull() {
			v.verbose("R%d invalid mem access '%s'\n", regno, reg.typ)
			return errEACCES
		}
		if t == bpfWrite && rdonly {
			v.verbose("R%d cannot write into %s\n", regno, reg.typ)
			return errEACCES
		}
		if t == bpfWrite && valueRegno >= 0 && v.isPointerValue(valueRegno) {
			v.verbose("R%d leaks addr into mem\n", valueRegno)
			return errEACCES
		}
		err = v.checkMemRegionAccess(regno, off, size, int(reg.memSize), false)
		if err == nil && valueRegno >= 0 && (t == bpfRead || rdonly) {
			v.markUnknown(&regs[valueRegno])
		}
	case reg.typ == ptrToCtx:
		regType := scalarValue
		if t == bpfWrite && valueRegno >= 0 && v.isPointerValue(valueRegno) {
			v.verbose("R%d leaks addr into ctx\n", valueRegno)
			return errEACCES
		}
		if err = v.checkPtrOffReg(reg, regno, false); err != nil {
			return err
		}
		err = v.checkCtxAccess(insnIdx, off, size, t, &regType)
		if err == nil && t == bpfRead && valueRegno >= 0 {
			dst := &regs[valueRegno]
			if regType == scalarValue {
				v.markUnknown(dst)
			} else {
				dst.markKnownZero()
				if regType.mayBeNull() {
					v.idGen++
					dst.id = v.idGen
				}
				dst.subregDef = defNotSubreg
			}
			dst.typ = regType
		}
	case reg.typ == ptrToStack:
		if err = v.checkStackAccessWithinBounds(regno, off, size, accessDirect, t); err != nil {
			return err
		}
		if t == bpfRead {
			err = v.checkStackRead(regno, off, size, valueRegno)
		} else {
			err = v.checkStackWrite(regno, off, size, valueRegno, insnIdx)
		}
	case reg.typ.isPktPointer():
		if t == bpfWrite && !v.mayAccessDirectPktData(nil, t) {
			v.verbose("cannot write into packet\n")
			return errEACCES
		}
		if t == bpfWrite && valueRegno >= 0 && v.isPointerValue(valueRegno) {
			v.verbose("R%d leaks addr into packet\n", valueRegno)
			return errEACCES
		}
		err = v.checkPacketAccess(regno, off, size, false)
		if err == nil && t == bpfRead && valueRegno >= 0 {
			v.markUnknown(&regs[valueRegno])
		}
	case reg.typ == ptrToFlowKeys:
		if t == bpfWrite && valueRegno >= 0 && v.isPointerValue(valueRegno) {
			v.verbose("R%d leaks addr into flow keys\n", valueRegno)
			return errEACCES
		}
		if size < 0 || off < 0 || off+size > flowKeysSize {
			v.verbose("invalid access to flow keys off=%d size=%d\n", off, size)
			return errEACCES
		}
		if t == bpfRead && valueRegno >= 0 {
			v.markUnknown(&regs[valueRegno])
		}
	case isSkPointer(reg.typ):
		if t == bpfWrite {
			v.verbose("R%d cannot write into %s\n", regno, reg.typ)
			return errEACCES
		}
		err = v.checkSockAccess(insnIdx, regno, off, size, t)
		if err == nil && valueRegno >= 0 {
			v.markUnknown(&regs[valueRegno])
		}
	case reg.typ == ptrToTPBuffer:
		err = v.checkBufferAccessCommon("tracepoint", reg, regno, off, size)
		if err == nil && t == bpfRead && valueRegno >= 0 {
			v.markUnknown(&regs[valueRegno])
		}
	case reg.typ.base() == ptrToBTFID && !reg.typ.mayBeNull():
		err = v.checkPtrToBTFAccess(regno, off, size, t, valueRegno)
	case reg.typ == constPtrToMap:
		err = v.checkPtrToMapAccess(regno, off, size, t, valueRegno)
	case reg.typ.base() == ptrToBuf:
		rdonly := reg.typ&memRdonly != 0
		info := "rdwr"
		if rdonly {
			if t == bpfWrite {
				v.verbose("R%d cannot write into %s\n", regno, reg.typ)
				return errEACCES
			}
			info = "rdonly"
		}
		err = v.checkBufferAccessCommon(info, reg, regno, off, size)
		if err == nil && valueRegno >= 0 && (rdonly || t == bpfRead) {
			v.markUnknown(&regs[valueRegno])
		}
	default:
		v.verbose("R%d invalid mem access '%s'\n", regno, reg.typ)
		return errEACCES
	}
	if err == nil && size < regSize && valueRegno >= 0 && t == bpfRead && regs[valueRegno].typ == scalarValue {
		regs[valueRegno].coerceToSize(size)
	}
	return err
}

func (v *verifier) checkBufferAccessCommon(info string, reg *regState, regno, off, size int) error {
	if off < 0 {
		v.verbose("R%d invalid %s buffer access: off=%d, size=%d\n", regno, info, off, size)
		return errEACCES
	}
	if !reg.varOff.IsConst() || reg.varOff.Value != 0 {
		v.verbose("R%d invalid variable buffer offset: off=%d, var_off=%s\n", regno, off, reg.varOff)
		return errEACCES
	}
	return nil
}

func (v *verifier) checkPtrToBTFAccess(regno, off, size, t, valueRegno int) error {
	reg := &v.regs()[regno]
	v.verbose("R%d is %s invalid ptr access, bpfplay has no kernel BTF\n", regno, reg.typ)
	return errEACCES
}

// checkPtrOffReg is __check_ptr_off_reg.
func (v *verifier) checkPtrOffReg(reg *regState, regno int, fixedOffOK bool) error {
	if reg.off < 0 {
		v.verbose("negative offset %s ptr R%d off=%d disallowed\n", reg.typ, regno, reg.off)
		return errEACCES
	}
	if !fixedOffOK && reg.off != 0 {
		v.verbose("dereference of modified %s ptr R%d off=%d disallowed\n", reg.typ, regno, reg.off)
		return errEACCES
	}
	if !reg.varOff.IsConst() || reg.varOff.Value != 0 {
		v.verbose("variable %s access var_off=%s disallowed\n", reg.typ, reg.varOff)
		return errEACCES
	}
	return nil
}

func (v *verifier) checkCtxAccess(insnIdx, off, size, t int, regType *regType) error {
	ok, rt, fieldSize := v.ctxIsValidAccess(off, size, t)
	if ok {
		*regType = rt
		v.aux[insnIdx].ctxFieldSize = int32(fieldSize)
		if v.maxCtxOffset < off+size {
			v.maxCtxOffset = off + size
		}
		return nil
	}
	v.verbose("invalid bpf_context access off=%d size=%d\n", off, size)
	return errEACCES
}

func (v *verifier) checkSockAccess(insnIdx, regno, off, size, t int) error {
	reg := &v.regs()[regno]
	if reg.smin < 0 {
		v.verbose("R%d min value is negative, either use unsigned index or do a if (index >=0) check.\n", regno)
		return errEACCES
	}
	ok, fieldSize := sockIsValidAccess(reg.typ, off, size, t)
	if ok {
		v.aux[insnIdx].ctxFieldSize = int32(fieldSize)
		return nil
	}
	v.verbose("R%d invalid %s access off=%d size=%d\n", regno, reg.typ, off, size)
	return errEACCES
}

// mayAccessDirectPktData is may_access_direct_pkt_data.
func (v *verifier) mayAccessDirectPktData(pktAccess *bool, t int) bool {
	switch v.progType {
	case progLwtIn, progLwtOut, progLwtSeg6local, progSkReuseport, progFlowDissector, progCgroupSkb:
		if t == bpfWrite {
			return false
		}
		fallthrough
	case progSchedCls, progSchedAct, progXDP, progLwtXmit, progSkSkb, progSkMsg:
		if pktAccess != nil {
			return *pktAccess
		}
		v.seenDirectWrite = true
		return true
	case progCgroupSockopt:
		if t == bpfWrite {
			v.seenDirectWrite = true
		}
		return true
	}
	return false
}

func (v *verifier) checkMemAccessSized(regno, off, size int, memSize int, zeroOK bool) error {
	sizeOK := size > 0 || (size == 0 && zeroOK)
	if off >= 0 && sizeOK && int64(off)+int64(size) <= int64(memSize) {
		return nil
	}
	reg := &v.regs()[regno]
	switch reg.typ {
	case ptrToMapKey:
		v.verbose("invalid access to map key, key_size=%d off=%d size=%d\n", memSize, off, size)
	case ptrToMapValue:
		v.verbose("invalid access to map value, value_size=%d off=%d size=%d\n", memSize, off, size)
	case ptrToPacket, ptrToPacketMeta, ptrToPacketEnd:
		v.verbose("invalid access to packet, off=%d size=%d, R%d(id=%d,off=%d,r=%d)\n", off, size, regno, reg.id, off, memSize)
	default:
		v.verbose("invalid access to memory, mem_size=%d off=%d size=%d\n", uint32(memSize), off, size)
	}
	return errEACCES
}

// checkMemRegionAccess is check_mem_region_access.
func (v *verifier) checkMemRegionAccess(regno, off, size, memSize int, zeroOK bool) error {
	reg := &v.regs()[regno]
	if reg.smin < 0 && (reg.smin == math.MinInt64 || int64(off)+reg.smin != int64(int32(int64(off)+reg.smin)) || reg.smin+int64(off) < 0) {
		v.verbose("R%d min value is negative, either use unsigned index or do a if (index >=0) check.\n", regno)
		return errEACCES
	}
	if err := v.checkMemAccessSized(regno, int(int32(reg.smin+int64(off))), size, memSize, zeroOK); err != nil {
		v.verbose("R%d min value is outside of the allowed memory range\n", regno)
		return err
	}
	if reg.umax >= maxVarOff {
		v.verbose("R%d unbounded memory access, make sure to bounds check any such access\n", regno)
		return errEACCES
	}
	if err := v.checkMemAccessSized(regno, int(int32(reg.umax+uint64(int64(off)))), size, memSize, zeroOK); err != nil {
		v.verbose("R%d max value is outside of the allowed memory range\n", regno)
		return err
	}
	return nil
}

func (v *verifier) checkMapAccess(regno, off, size int, zeroOK bool, src int) error {
	reg := &v.regs()[regno]
	return v.checkMemRegionAccess(regno, off, size, int(reg.mapPtr.ValueSize), zeroOK)
}

func (v *verifier) checkMapAccessType(regno, off, size, t int) error {
	m := v.regs()[regno].mapPtr
	canRead, canWrite := true, true
	if m.Flags&bpfFRdonlyProg != 0 {
		canWrite = false
	} else if m.Flags&bpfFWronlyProg != 0 {
		canRead = false
	}
	if t == bpfWrite && !canWrite {
		v.verbose("write into map forbidden, value_size=%d off=%d size=%d\n", m.ValueSize, off, size)
		return errEACCES
	}
	if t == bpfRead && !canRead {
		v.verbose("read from map forbidden, value_size=%d off=%d size=%d\n", m.ValueSize, off, size)
		return errEACCES
	}
	return nil
}

// checkPacketAccess is check_packet_access.
func (v *verifier) checkPacketAccess(regno, off, size int, zeroOK bool) error {
	reg := &v.regs()[regno]
	if reg.smin < 0 {
		v.verbose("R%d min value is negative, either use unsigned index or do a if (index >=0) check.\n", regno)
		return errEACCES
	}
	var err error
	if reg.rng < 0 {
		err = errEINVAL
	} else {
		err = v.checkMemAccessSized(regno, off, size, int(reg.rng), zeroOK)
	}
	if err != nil {
		v.verbose("R%d offset is outside of the packet\n", regno)
		return err
	}
	return nil
}

// checkAtomic is check_atomic.
func (v *verifier) checkAtomic(insnIdx int, in insn) error {
	switch uint8(in.imm) {
	case opADD, opADD | atomicFetch, opAND, opAND | atomicFetch, opOR, opOR | atomicFetch, opXOR, opXOR | atomicFetch, atomicXchg, atomicCmpxchg:
		if in.imm>>8 != 0 {
			v.verbose("BPF_ATOMIC uses invalid atomic opcode %02x\n", uint32(in.imm))
			return errEINVAL
		}
	default:
		v.verbose("BPF_ATOMIC uses invalid atomic opcode %02x\n", uint32(in.imm))
		return errEINVAL
	}
	if in.size() != szW && in.size() != szDW {
		v.verbose("invalid atomic operand size\n")
		return errEINVAL
	}
	if err := v.checkRegArg(int(in.src), srcOp); err != nil {
		return err
	}
	if err := v.checkRegArg(int(in.dst), srcOp); err != nil {
		return err
	}
	if in.imm == atomicCmpxchg {
		if err := v.checkRegArg(0, srcOp); err != nil {
			return err
		}
		if v.isPointerValue(0) {
			v.verbose("R%d leaks addr into mem\n", 0)
			return errEACCES
		}
	}
	if v.isPointerValue(int(in.src)) {
		v.verbose("R%d leaks addr into mem\n", in.src)
		return errEACCES
	}
	d := int(in.dst)
	if v.isCtxReg(d) || v.isPktReg(d) || v.isFlowKeyReg(d) || v.isSkReg(d) {
		v.verbose("BPF_ATOMIC stores into R%d %s is not allowed\n", d, v.regs()[d].typ)
		return errEACCES
	}
	loadReg := -1
	if in.imm&atomicFetch != 0 {
		if in.imm == atomicCmpxchg {
			loadReg = 0
		} else {
			loadReg = int(in.src)
		}
		if err := v.checkRegArg(loadReg, dstOp); err != nil {
			return err
		}
	}
	err := v.checkMemAccess(insnIdx, d, int(in.off), in.size(), bpfRead, -1, true)
	if err == nil && loadReg >= 0 {
		err = v.checkMemAccess(insnIdx, d, int(in.off), in.size(), bpfRead, loadReg, true)
	}
	if err != nil {
		return err
	}
	return v.checkMemAccess(insnIdx, d, int(in.off), in.size(), bpfWrite, -1, true)
}

// checkLdImm is check_ld_imm.
func (v *verifier) checkLdImm(in insn) error {
	aux := &v.aux[v.insnIdx]
	regs := v.regs()
	if in.size() != szDW {
		v.verbose("invalid BPF_LD_IMM insn\n")
		return errEINVAL
	}
	if in.off != 0 {
		v.verbose("BPF_LD_IMM64 uses reserved fields\n")
		return errEINVAL
	}
	if err := v.checkRegArg(int(in.dst), dstOp); err != nil {
		return err
	}
	dst := &regs[in.dst]
	next := v.insns[v.insnIdx+1]
	if in.src == 0 {
		imm := uint64(uint32(next.imm))<<32 | uint64(uint32(in.imm))
		dst.typ = scalarValue
		dst.markKnown(imm)
		return nil
	}
	dst.markKnownZero()
	if in.src == pseudoFunc {
		v.verbose("missing btf func_info\n")
		return errEINVAL
	}
	m := v.maps[aux.mapIndex]
	dst.mapPtr = m
	switch in.src {
	case pseudoMapValue, pseudoMapIdxValue:
		dst.typ = ptrToMapValue
		dst.off = int32(aux.mapOff)
	case pseudoMapFD, pseudoMapIdx:
		dst.typ = constPtrToMap
	default:
		v.verbose("bpf verifier is misconfigured\n")
		return errEINVAL
	}
	return nil
}

var callerSaved = [...]int{0, 1, 2, 3, 4, 5}

// checkLdAbs is check_ld_abs.
func (v *verifier) checkLdAbs(in insn) error {
	regs := v.regs()
	const ctxReg = 6
	mode := in.mode()
	if !(v.progType == progSocketFilter || v.progType == progSchedCls || v.progType == progSchedAct) {
		v.verbose("BPF_LD_[ABS|IND] instructions not allowed for this program type\n")
		return errEINVAL
	}
	if in.dst != 0 || in.off != 0 || in.size() == szDW || (mode == mdABS && in.src != 0) {
		v.verbose("BPF_LD_[ABS|IND] uses reserved fields\n")
		return errEINVAL
	}
	if err := v.checkRegArg(ctxReg, srcOp); err != nil {
		return err
	}
	if err := v.checkReferenceLeak(); err != nil {
		v.verbose("BPF_LD_[ABS|IND] cannot be mixed with socket references\n")
		return err
	}
	if v.curState.activeSpinLock != 0 {
		v.verbose("BPF_LD_[ABS|IND] cannot be used inside bpf_spin_lock-ed region\n")
		return errEINVAL
	}
	if regs[ctxReg].typ != ptrToCtx {
		v.verbose("at the time of BPF_LD_ABS|IND R6 != pointer to skb\n")
		return errEINVAL
	}
	if mode == mdIND {
		if err := v.checkRegArg(int(in.src), srcOp); err != nil {
			return err
		}
	}
	if err := v.checkPtrOffReg(&regs[ctxReg], ctxReg, false); err != nil {
		return err
	}
	for _, r := range callerSaved {
		v.markNotInit(&regs[r])
		v.checkRegArg(r, dstOpNoMark)
	}
	v.markUnknown(&regs[0])
	regs[0].subregDef = int32(v.insnIdx + 1)
	return nil
}
