package verifier

import (
	"github.com/bpfplay/bpfplay/core/helpers/proto"
	"github.com/bpfplay/bpfplay/core/isa"
)

// Helper numbers the verifier treats specially.
const (
	fnMapLookupElem        = 1
	fnMapUpdateElem        = 2
	fnMapDeleteElem        = 3
	fnProbeReadStr         = 45
	fnTailCall             = 12
	fnGetStackid           = 27
	fnPerfEventRead        = 22
	fnPerfEventOutput      = 25
	fnSkbUnderCgroup       = 33
	fnCurrentTaskUnderCg   = 37
	fnRedirectMap          = 51
	fnSkRedirectMap        = 52
	fnSockMapUpdate        = 53
	fnPerfEventReadValue   = 55
	fnMsgRedirectMap       = 60
	fnGetStack             = 67
	fnSockHashUpdate       = 70
	fnMsgRedirectHash      = 71
	fnSkRedirectHash       = 72
	fnGetLocalStorage      = 81
	fnSkSelectReuseport    = 82
	fnSkLookupTCP          = 84
	fnSkLookupUDP          = 85
	fnSkRelease            = 86
	fnMapPushElem          = 87
	fnMapPopElem           = 88
	fnMapPeekElem          = 89
	fnSpinLock             = 93
	fnSpinUnlock           = 94
	fnSkFullsock           = 95
	fnTCPSock              = 96
	fnSkcLookupTCP         = 99
	fnSkStorageGet         = 107
	fnSkStorageDelete      = 108
	fnSkbOutput            = 111
	fnProbeReadUserStr     = 114
	fnProbeReadKernelStr   = 115
	fnXDPOutput            = 121
	fnRingbufOutput        = 130
	fnRingbufReserve       = 131
	fnRingbufQuery         = 134
	fnSkcToTCP6Sock        = 136
	fnSkcToTCPSock         = 137
	fnSkcToTCPTimewaitSock = 138
	fnSkcToTCPRequestSock  = 139
	fnSkcToUDP6Sock        = 140
	fnGetTaskStack         = 141
	fnInodeStorageGet      = 145
	fnInodeStorageDelete   = 146
	fnTaskStorageGet       = 156
	fnTaskStorageDelete    = 157
	fnForEachMapElem       = 164
	fnSnprintf             = 165
	fnTimerSetCallback     = 170
	fnGetFuncIP            = 173
	fnFindVMA              = 180
	fnLoop                 = 181
	fnSetRetval            = 187
	fnKptrXchg             = 194
	fnMapLookupPercpuElem  = 195
	fnSkcToMptcpSock       = 196
	fnDynptrFromMem        = 197
	fnRingbufReserveDynptr = 198
	fnRingbufSubmitDynptr  = 199
	fnRingbufDiscardDynptr = 200
	fnDynptrData           = 203
	fnUserRingbufDrain     = 209
	fnMaxID                = 210
)

// maxErrno bounds the negative errors a helper may return.
const maxErrno = 4095

// bpfMaxVarSiz bounds a variable size passed to a helper.
const bpfMaxVarSiz = 1 << 29

// funcIDName is the kernel's name of a helper ("bpf_map_lookup_elem"),
// or "unknown" outside the known range.
func funcIDName(id int32) string {
	if id == 0 {
		return "bpf_unspec" // BPF_FUNC_unspec
	}
	if id > 0 && id <= int32(isa.MaxHelper6_1) {
		return "bpf_" + isa.HelperID(id).Name()
	}
	return "unknown"
}

// isAcquireFunction: helpers returning a reference the program must
// release.
func isAcquireFunction(id int32, m *mapInfo) bool {
	switch id {
	case fnSkLookupTCP, fnSkLookupUDP, fnSkcLookupTCP, fnRingbufReserve, fnKptrXchg:
		return true
	case fnMapLookupElem:
		return m != nil && (m.typ == mapSockmap || m.typ == mapSockhash)
	}
	return false
}

// isPtrCastFunction: helpers returning the same object as their argument
// under another type (the reference is shared).
func isPtrCastFunction(id int32) bool {
	switch id {
	case fnTCPSock, fnSkFullsock, fnSkcToTCPSock, fnSkcToTCP6Sock, fnSkcToUDP6Sock, fnSkcToMptcpSock,
		fnSkcToTCPTimewaitSock, fnSkcToTCPRequestSock:
		return true
	}
	return false
}

// changesPktData: helpers after which every packet pointer is stale.
var changesPktData = map[string]bool{
	"bpf_skb_vlan_push": true, "bpf_skb_vlan_pop": true, "bpf_skb_store_bytes": true,
	"bpf_skb_change_proto": true, "bpf_skb_change_head": true, "sk_skb_change_head": true,
	"bpf_skb_change_tail": true, "sk_skb_change_tail": true, "bpf_skb_adjust_room": true,
	"sk_skb_adjust_room": true, "bpf_skb_pull_data": true, "sk_skb_pull_data": true,
	"bpf_clone_redirect": true, "bpf_l3_csum_replace": true, "bpf_l4_csum_replace": true,
	"bpf_xdp_adjust_head": true, "bpf_xdp_adjust_meta": true, "bpf_msg_pull_data": true,
	"bpf_msg_push_data": true, "bpf_msg_pop_data": true, "bpf_xdp_adjust_tail": true,
	"bpf_lwt_seg6_store_bytes": true, "bpf_lwt_seg6_adjust_srh": true, "bpf_lwt_seg6_action": true,
	"bpf_sock_ops_store_hdr_opt": true, "bpf_lwt_in_push_encap": true, "bpf_lwt_xmit_push_encap": true,
}

// regTypeOfArg: which register types each argument kind accepts, in the
// order the error message lists them.
var argRegTypes = map[proto.Arg][]regType{
	proto.ArgPtrToMapKey:          {ptrToStack, ptrToPacket, ptrToPacketMeta, ptrToMapKey, ptrToMapValue},
	proto.ArgPtrToMapValue:        {ptrToStack, ptrToPacket, ptrToPacketMeta, ptrToMapKey, ptrToMapValue},
	proto.ArgConstSize:            {scalarValue},
	proto.ArgConstSizeOrZero:      {scalarValue},
	proto.ArgConstAllocSizeOrZero: {scalarValue},
	proto.ArgConstMapPtr:          {constPtrToMap},
	proto.ArgPtrToCtx:             {ptrToCtx},
	proto.ArgPtrToSockCommon:      {ptrToSockCommon, ptrToSocket, ptrToTCPSock, ptrToXDPSock},
	proto.ArgPtrToBTFIDSockCommon: {ptrToSockCommon, ptrToSocket, ptrToTCPSock, ptrToXDPSock, ptrToBTFID},
	proto.ArgPtrToSocket:          {ptrToSocket},
	proto.ArgPtrToBTFID:           {ptrToBTFID},
	proto.ArgPtrToSpinLock:        {ptrToMapValue},
	proto.ArgPtrToMem: {ptrToStack, ptrToPacket, ptrToPacketMeta, ptrToMapKey, ptrToMapValue, ptrToMem,
		ptrToMem | memAlloc, ptrToBuf},
	proto.ArgPtrToAllocMem:    {ptrToMem | memAlloc},
	proto.ArgPtrToPercpuBTFID: {ptrToBTFID | memPercpu},
	proto.ArgPtrToFunc:        {ptrToFunc},
	proto.ArgPtrToStack:       {ptrToStack},
	proto.ArgPtrToConstStr:    {ptrToMapValue},
	proto.ArgPtrToTimer:       {ptrToMapValue},
	proto.ArgPtrToKptr:        {ptrToMapValue},
	proto.ArgPtrToDynptr:      {ptrToStack, ptrToDynptr | dynptrTypeLocal},
}

// callArgMeta collects what the arguments of one helper call say.
type callArgMeta struct {
	mapPtr            *mapInfo
	rawMode           bool
	pktAccess         bool
	releaseRegno      int
	regno             int
	accessSize        int
	memSize           int
	msizeMaxValue     uint64
	refObjID          uint32
	mapUID            uint32
	funcID            int32
	subprogno         int
	uninitDynptrRegno int
}

func argIsMemSize(a proto.Arg) bool {
	return a == proto.ArgConstSize || a == proto.ArgConstSizeOrZero
}

func argIsRawMem(a proto.Arg) bool {
	return a.Base() == proto.ArgPtrToMem && a&proto.MemUninit != 0
}

// checkFuncProto is the kernel's sanity check of a prototype.
func checkFuncProto(fn *proto.Proto) bool {
	raw := 0
	for _, a := range fn.Args {
		if argIsRawMem(a) {
			raw++
		}
	}
	if raw > 1 || argIsMemSize(fn.Args[0]) {
		return false
	}
	for i := range fn.Args {
		next := i+1 < len(fn.Args) && argIsMemSize(fn.Args[i+1])
		if fn.Args[i].Base() != proto.ArgPtrToMem {
			if next {
				return false
			}
			continue
		}
		fixed := fn.Args[i]&proto.MemFixedSize != 0
		hasSize := fn.ArgSize[i] != 0
		if hasSize == next || next == fixed {
			return false
		}
	}
	return true
}

// checkRegType checks that register regno may be passed as an argument
// of kind arg.
func (v *verifier) checkRegType(regno int, arg proto.Arg) error {
	reg := &v.regs()[regno]
	compatible := argRegTypes[arg.Base()]
	if compatible == nil {
		v.verbose("verifier internal error: unsupported arg type %d\n", arg)
		return errEFAULT
	}
	t := reg.typ
	if arg&proto.MemRdonly != 0 {
		t &^= memRdonly
	}
	if arg&proto.MaybeNull != 0 {
		t &^= ptrMaybeNull
	}
	for _, c := range compatible {
		if t == c {
			return nil // bpfplay has no BTF ids to compare further
		}
	}
	var b sbuf
	b.s("R")
	b.d(int64(regno))
	b.s(" type=")
	b.s(reg.typ.String())
	b.s(" expected=")
	for i, c := range compatible {
		if i > 0 {
			b.s(", ")
		}
		b.s(c.String())
	}
	b.c('\n')
	v.log.writeBytes(b)
	return errEACCES
}

// checkFuncArgRegOff: pointers passed to helpers must point at the
// start of what they point to, except memory regions.
func (v *verifier) checkFuncArgRegOff(reg *regState, regno int, arg proto.Arg) error {
	switch reg.typ {
	case ptrToStack, ptrToPacket, ptrToPacketMeta, ptrToMapKey, ptrToMapValue, ptrToMem, ptrToMem | memRdonly,
		ptrToMem | memAlloc, ptrToBuf, ptrToBuf | memRdonly, scalarValue:
		if reg.typ == ptrToStack && arg.Base() == proto.ArgPtrToDynptr && reg.off%regSize != 0 {
			v.verbose("cannot pass in dynptr at an offset\n")
			return errEINVAL
		}
		if arg.Base() != proto.ArgPtrToAllocMem {
			return nil
		}
		return v.checkPtrOffReg(reg, regno, false)
	case ptrToBTFID:
		if arg&proto.ObjRelease != 0 && reg.off != 0 {
			v.verbose("R%d must have zero offset when passed to release func\n", regno)
			return errEINVAL
		}
		return v.checkPtrOffReg(reg, regno, true)
	}
	return v.checkPtrOffReg(reg, regno, false)
}

// checkHelperMemAccess checks that a helper may read or write size bytes
// at the pointer in regno.
func (v *verifier) checkHelperMemAccess(regno, size, access int, zeroOK bool, meta *callArgMeta) error {
	reg := &v.regs()[regno]
	switch reg.typ.base() {
	case ptrToPacket, ptrToPacketMeta:
		return v.checkPacketAccess(regno, int(reg.off), size, zeroOK)
	case ptrToMapKey:
		if access == bpfWrite {
			v.verbose("R%d cannot write into %s\n", regno, reg.typ)
			return errEACCES
		}
		return v.checkMemRegionAccess(regno, int(reg.off), size, int(reg.mapPtr.KeySize), false)
	case ptrToMapValue:
		if err := v.checkMapAccessType(regno, int(reg.off), size, access); err != nil {
			return errEACCES
		}
		return v.checkMapAccess(regno, int(reg.off), size, zeroOK, accessHelper)
	case ptrToMem:
		if reg.typ&memRdonly != 0 && access == bpfWrite {
			v.verbose("R%d cannot write into %s\n", regno, reg.typ)
			return errEACCES
		}
		return v.checkMemRegionAccess(regno, int(reg.off), size, int(reg.memSize), zeroOK)
	case ptrToBuf:
		if reg.typ&memRdonly != 0 && access == bpfWrite {
			v.verbose("R%d cannot write into %s\n", regno, reg.typ)
			return errEACCES
		}
		info := "rdwr"
		if reg.typ&memRdonly != 0 {
			info = "rdonly"
		}
		return v.checkBufferAccessCommon(info, reg, regno, int(reg.off), size)
	case ptrToStack:
		return v.checkStackRangeInitialized(regno, int(reg.off), size, zeroOK, accessHelper, meta)
	case ptrToCtx:
		if !v.ops.convertsCtx {
			if size == 0 {
				if zeroOK {
					return nil
				}
				return errEACCES
			}
			return v.checkMemAccess(v.insnIdx, regno, size-1, szB, access, -1, false)
		}
	}
	if zeroOK && size == 0 && registerIsNull(reg) {
		return nil
	}
	v.verbose("R%d type=%s expected=%s\n", regno, reg.typ, ptrToStack)
	return errEACCES
}

// checkMemSizeReg checks a size argument against the memory argument
// before it.
func (v *verifier) checkMemSizeReg(reg *regState, regno, access int, zeroOK bool, meta *callArgMeta) error {
	meta.msizeMaxValue = reg.umax
	if !reg.varOff.IsConst() {
		meta = nil
	}
	if reg.smin < 0 {
		v.verbose("R%d min value is negative, either use unsigned or 'var &= const'\n", regno)
		return errEACCES
	}
	if reg.umin == 0 {
		if err := v.checkHelperMemAccess(regno-1, 0, access, zeroOK, meta); err != nil {
			return err
		}
	}
	if reg.umax >= bpfMaxVarSiz {
		v.verbose("R%d unbounded memory access, use 'var &= const' or 'if (var < const)'\n", regno)
		return errEACCES
	}
	if err := v.checkHelperMemAccess(regno-1, int(reg.umax), access, zeroOK, meta); err != nil {
		return err
	}
	return v.markChainPrecision(regno)
}

// processSpinLock: bpfplay's maps carry no BTF, so no map value holds a
// bpf_spin_lock, as with a map created without BTF in Linux.
func (v *verifier) processSpinLock(regno int) error {
	reg := &v.regs()[regno]
	if !reg.varOff.IsConst() {
		v.verbose("R%d doesn't have constant offset. bpf_spin_lock has to be at the constant offset\n", regno)
		return errEINVAL
	}
	v.verbose("map '%s' has to have BTF in order to use bpf_spin_lock\n", reg.mapPtr.Name)
	return errEINVAL
}

func (v *verifier) processTimerFunc(regno int) error {
	reg := &v.regs()[regno]
	if !reg.varOff.IsConst() {
		v.verbose("R%d doesn't have constant offset. bpf_timer has to be at the constant offset\n", regno)
		return errEINVAL
	}
	v.verbose("map '%s' has to have BTF in order to use bpf_timer\n", reg.mapPtr.Name)
	return errEINVAL
}

// checkFuncArg checks argument arg (0..4, in R1..R5) of a helper call.
func (v *verifier) checkFuncArg(arg int, meta *callArgMeta, fn *proto.Proto) error {
	regno := 1 + arg
	regs := v.regs()
	reg := &regs[regno]
	at := fn.Args[arg]
	if at == proto.ArgDontCare {
		return nil
	}
	if err := v.checkRegArg(regno, srcOp); err != nil {
		return err
	}
	if at == proto.ArgAnything {
		if v.isPointerValue(regno) {
			v.verbose("R%d leaks addr into helper function\n", regno)
			return errEACCES
		}
		return nil
	}
	if reg.typ.isPktPointer() && !v.mayAccessDirectPktData(&meta.pktAccess, bpfRead) {
		v.verbose("helper access to the packet is not allowed\n")
		return errEACCES
	}
	if at.Base() == proto.ArgPtrToMapValue {
		if meta.mapPtr == nil {
			v.verbose("invalid map_ptr to access map->type\n")
			return errEACCES
		}
		switch meta.mapPtr.typ {
		case mapSockmap, mapSockhash:
			if at != proto.ArgPtrToMapValue {
				v.verbose("invalid arg_type for sockmap/sockhash\n")
				return errEINVAL
			}
			at = proto.ArgPtrToBTFIDSockCommon
		case mapBloomFilter:
			if meta.funcID == fnMapPeekElem {
				at = proto.ArgPtrToMapValue
			}
		}
	}
	if !(registerIsNull(reg) && at&proto.MaybeNull != 0) {
		if err := v.checkRegType(regno, at); err != nil {
			return err
		}
		if err := v.checkFuncArgRegOff(reg, regno, at); err != nil {
			return err
		}
	}
	if at&proto.ObjRelease != 0 {
		if at.Base() == proto.ArgPtrToDynptr {
			f := v.curState.frame[reg.frameno]
			spi := getSpi(reg.off)
			if !isSpiBoundsValid(f, spi, dynptrNrSlots) || f.stack[spi].spilledPtr.id == 0 {
				v.verbose("arg %d is an unacquired reference\n", regno)
				return errEINVAL
			}
		} else if reg.refObjID == 0 && !registerIsNull(reg) {
			v.verbose("R%d must be referenced when passed to release function\n", regno)
			return errEINVAL
		}
		if meta.releaseRegno != 0 {
			v.verbose("verifier internal error: more than one release argument\n")
			return errEFAULT
		}
		meta.releaseRegno = regno
	}
	if reg.refObjID != 0 {
		if meta.refObjID != 0 {
			v.verbose("verifier internal error: more than one arg with ref_obj_id R%d %d %d\n", regno, reg.refObjID, meta.refObjID)
			return errEFAULT
		}
		meta.refObjID = reg.refObjID
	}
	access := bpfRead
	if at&proto.MemWrite != 0 {
		access = bpfWrite
	}
	switch at.Base() {
	case proto.ArgConstMapPtr:
		if meta.mapPtr != nil && (meta.mapPtr != reg.mapPtr || meta.mapUID != reg.mapUID) {
			v.verbose("timer pointer in R1 map_uid=%d doesn't match map pointer in R2 map_uid=%d\n", meta.mapUID, reg.mapUID)
			return errEINVAL
		}
		meta.mapPtr = reg.mapPtr
		meta.mapUID = reg.mapUID
	case proto.ArgPtrToMapKey:
		if meta.mapPtr == nil {
			v.verbose("invalid map_ptr to access map->key\n")
			return errEACCES
		}
		return v.checkHelperMemAccess(regno, int(meta.mapPtr.KeySize), bpfRead, false, nil)
	case proto.ArgPtrToMapValue:
		if at&proto.MaybeNull != 0 && registerIsNull(reg) {
			return nil
		}
		if meta.mapPtr == nil {
			v.verbose("invalid map_ptr to access map->value\n")
			return errEACCES
		}
		meta.rawMode = at&proto.MemUninit != 0
		return v.checkHelperMemAccess(regno, int(meta.mapPtr.ValueSize), access, false, meta)
	case proto.ArgPtrToPercpuBTFID:
		v.verbose("Helper has invalid btf_id in R%d\n", regno)
		return errEACCES
	case proto.ArgPtrToSpinLock:
		if meta.funcID != fnSpinLock && meta.funcID != fnSpinUnlock {
			v.verbose("verifier internal error\n")
			return errEFAULT
		}
		if v.processSpinLock(regno) != nil {
			return errEACCES
		}
	case proto.ArgPtrToTimer:
		if v.processTimerFunc(regno) != nil {
			return errEACCES
		}
	case proto.ArgPtrToFunc:
		meta.subprogno = int(reg.subprogno)
	case proto.ArgPtrToMem:
		meta.rawMode = at&proto.MemUninit != 0
		if at&proto.MemFixedSize != 0 {
			if err := v.checkHelperMemAccess(regno, fn.ArgSize[arg], access, false, meta); err != nil {
				return err
			}
			if at&proto.MemAligned != 0 {
				return v.checkPtrAlignment(reg, 0, fn.ArgSize[arg], true)
			}
		}
	case proto.ArgConstSize, proto.ArgConstSizeOrZero:
		acc := bpfRead
		if fn.Args[arg-1]&proto.MemWrite != 0 {
			acc = bpfWrite
		}
		return v.checkMemSizeReg(reg, regno, acc, at.Base() == proto.ArgConstSizeOrZero, meta)
	case proto.ArgPtrToDynptr:
		if reg.typ.base() == ptrToDynptr {
			break
		}
		if at&proto.MemUninit != 0 {
			if !v.isDynptrRegValidUninit(reg) {
				v.verbose("Dynptr has to be an uninitialized dynptr\n")
				return errEINVAL
			}
			if meta.uninitDynptrRegno != 0 {
				v.verbose("verifier internal error: multiple uninitialized dynptr args\n")
				return errEFAULT
			}
			meta.uninitDynptrRegno = regno
		} else if !v.isDynptrRegValidInit(reg) {
			v.verbose("Expected an initialized dynptr as arg #%d\n", arg+1)
			return errEINVAL
		} else if !v.isDynptrTypeExpected(reg, at) {
			extra := "<unknown>"
			switch argToDynptrType(at) {
			case dynptrLocal:
				extra = "local"
			case dynptrRingbuf:
				extra = "ringbuf"
			}
			v.verbose("Expected a dynptr of type %s as arg #%d\n", extra, arg+1)
			return errEINVAL
		}
	case proto.ArgConstAllocSizeOrZero:
		if !reg.varOff.IsConst() {
			v.verbose("R%d is not a known constant'\n", regno)
			return errEACCES
		}
		meta.memSize = int(reg.varOff.Value)
		return v.markChainPrecision(regno)
	case proto.ArgPtrToConstStr:
		m := reg.mapPtr
		if m.Flags&bpfFRdonlyProg == 0 || !m.frozen() {
			v.verbose("R%d does not point to a readonly map'\n", regno)
			return errEACCES
		}
		if !reg.varOff.IsConst() {
			v.verbose("R%d is not a constant address'\n", regno)
			return errEACCES
		}
		v.verbose("string is not zero-terminated\n")
		return errEINVAL
	case proto.ArgPtrToKptr:
		// A kptr lives in a map value described by BTF; the runtime's
		// maps have none.
		if !reg.varOff.IsConst() {
			v.verbose("R%d doesn't have constant offset. kptr has to be at the constant offset\n", regno)
			return errEACCES
		}
		v.verbose("map '%s' has to have BTF in order to use bpf_kptr_xchg\n", reg.mapPtr.Name)
		return errEACCES
	}
	return nil
}

// mayUpdateSockmap: the program types allowed to update sockmaps.
func (v *verifier) mayUpdateSockmap(id int32) bool {
	if id != fnMapUpdateElem && id != fnMapDeleteElem {
		return false
	}
	switch v.progType {
	case progTracing:
		if v.attachType == attachTraceIter {
			return true
		}
	case progSockOps:
		if id == fnMapDeleteElem {
			return true
		}
	case progSocketFilter, progSchedCls, progSchedAct, progXDP, progSkReuseport, progFlowDissector, progSkLookup:
		return true
	}
	v.verbose("cannot update sockmap in this context\n")
	return false
}

// checkMapFuncCompatibility: each map type works with certain helpers
// only, and some helpers need certain map types.
func (v *verifier) checkMapFuncCompatibility(m *mapInfo, id int32) error {
	if m == nil {
		return nil
	}
	in := func(ids ...int32) bool {
		for _, x := range ids {
			if x == id {
				return true
			}
		}
		return false
	}
	ok := true
	switch m.typ {
	case mapProgArray:
		ok = id == fnTailCall
	case mapPerfEventArray:
		ok = in(fnPerfEventRead, fnPerfEventOutput, fnSkbOutput, fnPerfEventReadValue, fnXDPOutput)
	case mapRingbuf:
		ok = in(fnRingbufOutput, fnRingbufReserve, fnRingbufQuery, fnRingbufReserveDynptr, fnRingbufSubmitDynptr, fnRingbufDiscardDynptr)
	case mapUserRingbuf:
		ok = id == fnUserRingbufDrain
	case mapStackTrace:
		ok = id == fnGetStackid
	case mapCgroupArray:
		ok = in(fnSkbUnderCgroup, fnCurrentTaskUnderCg)
	case mapCgroupStorage, mapPercpuCgroupStorage:
		ok = id == fnGetLocalStorage
	case mapDevmap, mapDevmapHash:
		ok = in(fnRedirectMap, fnMapLookupElem)
	case mapCpumap:
		ok = id == fnRedirectMap
	case mapXskmap:
		ok = in(fnRedirectMap, fnMapLookupElem)
	case mapArrayOfMaps, mapHashOfMaps:
		ok = id == fnMapLookupElem
	case mapSockmap:
		ok = in(fnSkRedirectMap, fnSockMapUpdate, fnMsgRedirectMap, fnSkSelectReuseport, fnMapLookupElem) || v.mayUpdateSockmap(id)
	case mapSockhash:
		ok = in(fnSkRedirectHash, fnSockHashUpdate, fnMsgRedirectHash, fnSkSelectReuseport, fnMapLookupElem) || v.mayUpdateSockmap(id)
	case mapReuseportSockarray:
		ok = id == fnSkSelectReuseport
	case mapQueue, mapStack:
		ok = in(fnMapPeekElem, fnMapPopElem, fnMapPushElem)
	case mapSkStorage:
		ok = in(fnSkStorageGet, fnSkStorageDelete)
	case mapInodeStorage:
		ok = in(fnInodeStorageGet, fnInodeStorageDelete)
	case mapTaskStorage:
		ok = in(fnTaskStorageGet, fnTaskStorageDelete)
	case mapBloomFilter:
		ok = in(fnMapPeekElem, fnMapPushElem)
	}
	if ok {
		t := m.typ
		is := func(ts ...mapType) bool {
			for _, x := range ts {
				if x == t {
					return true
				}
			}
			return false
		}
		switch id {
		case fnTailCall:
			if t != mapProgArray {
				ok = false
			} else if len(v.subprogs) > 1 && !v.jitRequested() {
				v.verbose("tail_calls are not allowed in non-JITed programs with bpf-to-bpf calls\n")
				return errEINVAL
			}
		case fnPerfEventRead, fnPerfEventOutput, fnPerfEventReadValue, fnSkbOutput, fnXDPOutput:
			ok = t == mapPerfEventArray
		case fnRingbufOutput, fnRingbufReserve, fnRingbufQuery, fnRingbufReserveDynptr, fnRingbufSubmitDynptr, fnRingbufDiscardDynptr:
			ok = t == mapRingbuf
		case fnUserRingbufDrain:
			ok = t == mapUserRingbuf
		case fnGetStackid:
			ok = t == mapStackTrace
		case fnCurrentTaskUnderCg, fnSkbUnderCgroup:
			ok = t == mapCgroupArray
		case fnRedirectMap:
			ok = is(mapDevmap, mapDevmapHash, mapCpumap, mapXskmap)
		case fnSkRedirectMap, fnMsgRedirectMap, fnSockMapUpdate:
			ok = t == mapSockmap
		case fnSkRedirectHash, fnMsgRedirectHash, fnSockHashUpdate:
			ok = t == mapSockhash
		case fnGetLocalStorage:
			ok = is(mapCgroupStorage, mapPercpuCgroupStorage)
		case fnSkSelectReuseport:
			ok = is(mapReuseportSockarray, mapSockmap, mapSockhash)
		case fnMapPopElem:
			ok = is(mapQueue, mapStack)
		case fnMapPeekElem, fnMapPushElem:
			ok = is(mapQueue, mapStack, mapBloomFilter)
		case fnMapLookupPercpuElem:
			ok = is(mapPercpuArray, mapPercpuHash, mapLRUPercpuHash)
		case fnSkStorageGet, fnSkStorageDelete:
			ok = t == mapSkStorage
		case fnInodeStorageGet, fnInodeStorageDelete:
			ok = t == mapInodeStorage
		case fnTaskStorageGet, fnTaskStorageDelete:
			ok = t == mapTaskStorage
		}
	}
	if !ok {
		v.verbose("cannot pass map_type %d into func %s#%d\n", m.typ, funcIDName(id), id)
		return errEINVAL
	}
	return nil
}

// jitRequested: bpfplay loads as with the JIT on (bpf_jit_enable=1 on
// x86-64, which supports tail calls from subprograms).
func (v *verifier) jitRequested() bool { return true }

// recordFuncMap remembers which map a map helper call used, for the
// rewrites (inlined lookups need a single map per call site).
func (v *verifier) recordFuncMap(meta *callArgMeta, id int32, insnIdx int) error {
	switch id {
	case fnTailCall, fnMapLookupElem, fnMapUpdateElem, fnMapDeleteElem, fnMapPushElem, fnMapPopElem,
		fnMapPeekElem, fnForEachMapElem, fnRedirectMap, fnMapLookupPercpuElem:
	default:
		return nil
	}
	m := meta.mapPtr
	if m == nil {
		v.verbose("kernel subsystem misconfigured verifier\n")
		return errEINVAL
	}
	if m.Flags&bpfFRdonlyProg != 0 && (id == fnMapDeleteElem || id == fnMapUpdateElem || id == fnMapPushElem || id == fnMapPopElem) {
		v.verbose("write into map forbidden\n")
		return errEACCES
	}
	// The unpriv mark follows the map's creator (bpf_map.bypass_spec_v1):
	// bpfplay's maps are created by root, as the kernel oracle's are.
	aux := &v.aux[insnIdx]
	if aux.mapOf == 0 && !aux.mapPoison {
		aux.mapOf = v.internMap(m)
		aux.mapUnpriv = false
	} else if v.auxMap(aux) != m {
		aux.mapOf = 0
		aux.mapPoison = true
	}
	return nil
}

// internMap numbers a map for insnAux.mapOf (from 1). The per-instruction
// data holds no pointers, so the garbage collector need not scan it (70 MB
// for the million-instruction scale tests).
func (v *verifier) internMap(m *mapInfo) int32 {
	for i, x := range v.auxMaps {
		if x == m {
			return int32(i + 1)
		}
	}
	v.auxMaps = append(v.auxMaps, m)
	return int32(len(v.auxMaps))
}

// auxMap is the map an instruction's helper call uses (nil: none).
func (v *verifier) auxMap(a *insnAux) *mapInfo {
	if a.mapOf == 0 {
		return nil
	}
	return v.auxMaps[a.mapOf-1]
}

// recordFuncKey remembers the constant index of a tail call (a single
// known index lets the JIT patch a direct jump).
func (v *verifier) recordFuncKey(meta *callArgMeta, id int32, insnIdx int) error {
	if id != fnTailCall {
		return nil
	}
	m := meta.mapPtr
	if m == nil || m.typ != mapProgArray {
		v.verbose("kernel subsystem misconfigured verifier\n")
		return errEINVAL
	}
	aux := &v.aux[insnIdx]
	reg := &v.regs()[3]
	val := reg.varOff.Value
	if !(reg.isConst() && val < uint64(m.MaxEntries)) {
		aux.mapKeyPoison = true
		aux.mapKeySeen = true
		return nil
	}
	if err := v.markChainPrecision(3); err != nil {
		return err
	}
	if !aux.mapKeySeen {
		aux.mapKeySeen = true
		aux.mapKeyState = val
	} else if !aux.mapKeyPoison && aux.mapKeyState != val {
		aux.mapKeyPoison = true
	}
	return nil
}

// acquireReference records a new reference the program holds.
func (v *verifier) acquireReference(insnIdx int) uint32 {
	f := v.curFrame()
	v.idGen++
	cb := 0
	if f.inCallbackFn {
		cb = int(f.frameno)
	}
	f.refs = append(f.refs, refState{id: v.idGen, insnIdx: insnIdx, callbackRef: cb})
	return v.idGen
}

// releaseReferenceState drops reference id from frame f (the last one
// takes its place, as in Linux, which keeps the order of the others).
func releaseReferenceState(f *funcState, id uint32) bool {
	last := len(f.refs) - 1
	for i := range f.refs {
		if f.refs[i].id != id {
			continue
		}
		if f.inCallbackFn && f.refs[i].callbackRef != int(f.frameno) {
			return false
		}
		if last != 0 && i != last {
			f.refs[i] = f.refs[last]
		}
		f.refs = f.refs[:last]
		return true
	}
	return false
}

// releaseReference drops a reference and every register holding it.
func (v *verifier) releaseReference(id uint32) error {
	if !releaseReferenceState(v.curFrame(), id) {
		return errEINVAL
	}
	forEachReg(v.curState, func(_ *funcState, r *regState) {
		if r.refObjID == id {
			if !v.allowPtrLeaks {
				v.markNotInit(r)
			} else {
				v.markUnknown(r)
			}
		}
	})
	return nil
}

// checkReferenceLeak: at exit every acquired reference must be released.
func (v *verifier) checkReferenceLeak() error {
	f := v.curFrame()
	if f.frameno != 0 && !f.inCallbackFn {
		return nil
	}
	leak := false
	for _, r := range f.refs {
		if f.inCallbackFn && r.callbackRef != int(f.frameno) {
			continue
		}
		v.verbose("Unreleased reference id=%d alloc_insn=%d\n", r.id, r.insnIdx)
		leak = true
	}
	if leak {
		return errEINVAL
	}
	return nil
}

// clearAllPktPointers forgets every packet pointer after a helper that
// may move the packet.
func (v *verifier) clearAllPktPointers() {
	forEachReg(v.curState, func(_ *funcState, r *regState) {
		if r.isPktPointerAny() {
			v.markUnknown(r)
		}
	})
}

// clearCallerSavedRegs: R0-R5 are undefined after a call.
func (v *verifier) clearCallerSavedRegs(regs *[maxBPFReg]regState) {
	for _, r := range callerSaved {
		v.markNotInit(&regs[r])
		v.checkRegArg(r, dstOpNoMark)
	}
}

// funcProto finds the prototype of helper id for this program.
func (v *verifier) funcProto(id int32) *proto.Proto {
	e := proto.Env{ProgType: v.progType.String(), AttachType: v.attachTypeName(),
		BPFCapable: v.bpfCapable, Perfmon: v.bpfCapable, SysAdmin: v.bpfCapable}
	return proto.For(id, &e)
}

// checkHelperCall checks a call of a helper function.
func (v *verifier) checkHelperCall(in insn, insnIdxP *int) error {
	id := in.imm
	insnIdx := *insnIdxP
	if id < 0 || id >= fnMaxID {
		v.verbose("invalid func %s#%d\n", funcIDName(id), id)
		return errEINVAL
	}
	fn := v.funcProto(id)
	if fn == nil {
		v.verbose("unknown func %s#%d\n", funcIDName(id), id)
		return errEINVAL
	}
	// test_verifier's programs are GPL: gpl_only helpers are fine.
	if fn.Allowed != "" {
		v.verbose("helper call is not allowed in probe\n")
		return errEINVAL
	}
	if !v.sleepable && fn.MightSleep {
		v.verbose("helper call might sleep in a non-sleepable prog\n")
		return errEINVAL
	}
	changes := changesPktData[fn.Func]
	if changes && fn.Args[0] != proto.ArgPtrToCtx {
		v.verbose("kernel subsystem misconfigured func %s#%d: r1 != ctx\n", funcIDName(id), id)
		return errEINVAL
	}
	meta := callArgMeta{pktAccess: fn.PktAccess, funcID: id}
	if !checkFuncProto(fn) {
		v.verbose("kernel subsystem misconfigured func %s#%d\n", funcIDName(id), id)
		return errEINVAL
	}
	for i := range 5 {
		if err := v.checkFuncArg(i, &meta, fn); err != nil {
			return err
		}
	}
	if err := v.recordFuncMap(&meta, id, insnIdx); err != nil {
		return err
	}
	if err := v.recordFuncKey(&meta, id, insnIdx); err != nil {
		return err
	}
	// A helper writing into uninitialised stack makes those bytes
	// initialised.
	for i := 0; i < meta.accessSize; i++ {
		if err := v.checkMemAccess(insnIdx, meta.regno, i, szB, bpfWrite, -1, false); err != nil {
			return err
		}
	}
	regs := v.regs()
	if meta.uninitDynptrRegno != 0 {
		// The helper writes the 16-byte struct bpf_dynptr, 8 bytes at
		// a time.
		for i := 0; i < dynptrSize; i += 8 {
			if err := v.checkMemAccess(insnIdx, meta.uninitDynptrRegno, i, szDW, bpfWrite, -1, false); err != nil {
				return err
			}
		}
		if err := v.markStackSlotsDynptr(&regs[meta.uninitDynptrRegno], fn.Args[meta.uninitDynptrRegno-1], insnIdx); err != nil {
			return err
		}
	}
	if meta.releaseRegno != 0 {
		var err error = errEINVAL
		if fn.Args[meta.releaseRegno-1].Base() == proto.ArgPtrToDynptr {
			err = v.unmarkStackSlotsDynptr(&regs[meta.releaseRegno])
		} else if meta.refObjID != 0 {
			err = v.releaseReference(meta.refObjID)
		} else if registerIsNull(&regs[meta.releaseRegno]) {
			err = nil
		}
		if err != nil {
			v.verbose("func %s#%d reference has not been acquired before\n", funcIDName(id), id)
			return err
		}
	}
	var err error
	switch id {
	case fnTailCall:
		if err := v.checkReferenceLeak(); err != nil {
			v.verbose("tail_call would lead to reference leak\n")
			return err
		}
	case fnGetLocalStorage:
		if !registerIsNull(&regs[2]) {
			v.verbose("get_local_storage() doesn't support non-zero flags\n")
			return errEINVAL
		}
	case fnForEachMapElem:
		err = v.checkCallbackCall(in, insnIdxP, meta.subprogno, v.setMapElemCallbackState)
	case fnTimerSetCallback:
		err = v.checkCallbackCall(in, insnIdxP, meta.subprogno, v.setTimerCallbackState)
	case fnFindVMA:
		err = v.checkCallbackCall(in, insnIdxP, meta.subprogno, v.setFindVMACallbackState)
	case fnLoop:
		v.updateLoopInlineState(meta.subprogno)
		err = v.checkCallbackCall(in, insnIdxP, meta.subprogno, v.setLoopCallbackState)
	case fnDynptrFromMem:
		if regs[1].typ != ptrToMapValue {
			v.verbose("Unsupported reg type %s for bpf_dynptr_from_mem data\n", regs[1].typ)
			return errEACCES
		}
	case fnDynptrData:
		found := false
		for i := range 5 {
			if fn.Args[i].Base() != proto.ArgPtrToDynptr {
				continue
			}
			if meta.refObjID != 0 {
				v.verbose("verifier internal error: meta.ref_obj_id already set\n")
				return errEFAULT
			}
			if r := &regs[1+i]; r.typ.base() != ptrToDynptr {
				meta.refObjID = v.stackSlotGetID(r)
			}
			found = true
			break
		}
		if !found {
			v.verbose("verifier internal error: no dynptr in bpf_dynptr_data()\n")
			return errEFAULT
		}
	case fnUserRingbufDrain:
		err = v.checkCallbackCall(in, insnIdxP, meta.subprogno, v.setUserRingbufCallbackState)
	}
	if err != nil {
		return err
	}
	v.clearCallerSavedRegs(regs)
	r0 := &regs[0]
	r0.subregDef = defNotSubreg
	retFlag := regType(0)
	if fn.Ret&proto.Ret(proto.MaybeNull) != 0 {
		retFlag |= ptrMaybeNull
	}
	if fn.Ret&proto.Ret(proto.MemRdonly) != 0 {
		retFlag |= memRdonly
	}
	if fn.Ret&proto.Ret(proto.MemAlloc) != 0 {
		retFlag |= memAlloc
	}
	switch fn.Ret.Base() {
	case proto.RetInteger:
		v.markUnknown(r0)
	case proto.RetVoid:
		r0.typ = notInit
	case proto.RetPtrToMapValue:
		v.markRegKnownZero(r0)
		if meta.mapPtr == nil {
			v.verbose("kernel subsystem misconfigured verifier\n")
			return errEINVAL
		}
		r0.mapPtr = meta.mapPtr
		r0.mapUID = meta.mapUID
		r0.typ = ptrToMapValue | retFlag
	case proto.RetPtrToSocket:
		v.markRegKnownZero(r0)
		r0.typ = ptrToSocket | retFlag
	case proto.RetPtrToSockCommon:
		v.markRegKnownZero(r0)
		r0.typ = ptrToSockCommon | retFlag
	case proto.RetPtrToTCPSock:
		v.markRegKnownZero(r0)
		r0.typ = ptrToTCPSock | retFlag
	case proto.RetPtrToAllocMem:
		v.markRegKnownZero(r0)
		r0.typ = ptrToMem | retFlag
		r0.memSize = uint32(meta.memSize)
	case proto.RetPtrToMemOrBTFID, proto.RetPtrToBTFID:
		v.markRegKnownZero(r0)
		r0.typ = ptrToBTFID | (retFlag &^ memRdonly)
		r0.btfID = btfIDOf(fn.RetBTF)
	default:
		v.verbose("unknown return type %d of func %s#%d\n", fn.Ret.Base(), funcIDName(id), id)
		return errEINVAL
	}
	if r0.typ.mayBeNull() {
		v.idGen++
		r0.id = v.idGen
	}
	if isPtrCastFunction(id) {
		r0.refObjID = meta.refObjID
	} else if id == fnDynptrData {
		r0.refObjID = meta.refObjID
	} else if isAcquireFunction(id, meta.mapPtr) {
		rid := v.acquireReference(insnIdx)
		r0.id = rid
		r0.refObjID = rid
	}
	if fn.Ret == proto.RetInteger && (id == fnGetStack || id == fnGetTaskStack || id == fnProbeReadStr ||
		id == fnProbeReadKernelStr || id == fnProbeReadUserStr) {
		r0.smax = int64(meta.msizeMaxValue)
		r0.s32max = int32(meta.msizeMaxValue)
		r0.smin = -maxErrno
		r0.s32min = -maxErrno
		r0.boundsSync()
	}
	if err := v.checkMapFuncCompatibility(meta.mapPtr, id); err != nil {
		return err
	}
	if id == fnGetFuncIP && v.progType != progKprobe {
		if v.progType == progTracing {
			v.verbose("func %s#%d supported only for fentry/fexit/fmod_ret programs\n", funcIDName(id), id)
		} else {
			v.verbose("func %s#%d not supported for program type %d\n", funcIDName(id), id, v.progType)
		}
		return errENOTSUPP
	}
	if changes {
		v.clearAllPktPointers()
	}
	return nil
}

// markRegKnownZero is mark_reg_known_zero on a register: a constant 0
// keeping its type.
func (v *verifier) markRegKnownZero(r *regState) { r.markKnownZero() }

// updateLoopInlineState tracks whether every bpf_loop call at this site
// has flags 0 and the same callback (then it can be inlined).
func (v *verifier) updateLoopInlineState(subprogno int) {
	st := &v.aux[v.insnIdx].loopInline
	flagZero := func() bool {
		r := &v.regs()[4]
		if registerIsNull(r) {
			v.markChainPrecision(4)
			return true
		}
		return false
	}
	if !st.initialized {
		st.initialized = true
		st.fitForInline = flagZero()
		st.callbackSubprogno = int32(subprogno)
		return
	}
	if !st.fitForInline {
		return
	}
	st.fitForInline = flagZero() && st.callbackSubprogno == int32(subprogno)
}
