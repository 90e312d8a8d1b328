package verifier

import "github.com/bpfplay/bpfplay/core/progtype"

// progOps is what the verifier needs to know of a program type (the
// kernel's struct bpf_verifier_ops): its context rules, whether its
// context accesses are rewritten, and its helpers (proto.For).
type progOps struct {
	// convertsCtx: the type rewrites context accesses to the kernel
	// object's layout, so helpers may not be handed the context as
	// plain memory.
	convertsCtx bool
}

// convertingTypes are the program types with a convert_ctx_access.
var convertingTypes = map[progType]bool{
	progSocketFilter: true, progSchedCls: true, progSchedAct: true, progXDP: true, progCgroupSkb: true,
	progLwtIn: true, progLwtOut: true, progLwtXmit: true, progLwtSeg6local: true, progCgroupSock: true,
	progCgroupSockAddr: true, progSockOps: true, progSkSkb: true, progSkMsg: true, progFlowDissector: true,
	progSkReuseport: true, progSkLookup: true, progPerfEvent: true, progCgroupSysctl: true,
	progCgroupSockopt: true,
}

// opsFor returns the operations of a program type Linux 6.1 knows.
func opsFor(pt progType) *progOps {
	if pt == progUnspec || pt >= numProgTypes {
		return nil
	}
	return &progOps{convertsCtx: convertingTypes[pt]}
}

// ctxRegType maps a context rule's result to a register type.
func ctxRegType(r progtype.CtxReg) regType {
	switch r {
	case progtype.CtxPacket:
		return ptrToPacket
	case progtype.CtxPacketMeta:
		return ptrToPacketMeta
	case progtype.CtxPacketEnd:
		return ptrToPacketEnd
	case progtype.CtxFlowKeys:
		return ptrToFlowKeys
	case progtype.CtxSocket:
		return ptrToSocket
	case progtype.CtxSocketOrNull:
		return ptrToSocket | ptrMaybeNull
	case progtype.CtxSockCommonOrNull:
		return ptrToSockCommon | ptrMaybeNull
	case progtype.CtxTPBuffer:
		return ptrToTPBuffer
	}
	return scalarValue
}

// ctxIsValidAccess asks the program type's context rules.
func (v *verifier) ctxIsValidAccess(off, size, t int) (bool, regType, int) {
	ans := progtype.CheckCtxAccess(v.progType.String(), progtype.CtxAccess{
		Off: off, Size: size, Write: t == bpfWrite, AttachType: v.attachTypeName(), BPFCapable: v.bpfCapable,
	})
	if !ans.OK {
		return false, 0, 0
	}
	if (v.progType == progSchedCls || v.progType == progSchedAct) && off == skbUapi["tstamp_type"] {
		v.tstampTypeAccess = true
	}
	return true, ctxRegType(ans.Reg), ans.FieldSize
}

// attachTypeName is the expected attach type the rules see (cgroup_sock
// programs default to sock_create, as bpf_prog_load_fixup_attach_type
// sets it).
// attachTypeName is the program's expected attach type by name: the
// kernel's number, which is 0 (cgroup_inet_ingress) when the loader gave
// none and no default applies.
func (v *verifier) attachTypeName() string { return attachTypeNames[v.attachType] }

// sockIsValidAccess applies the rules of loads through socket pointers.
func sockIsValidAccess(t regType, off, size, access int) (bool, int) {
	var k progtype.SockKind
	switch t {
	case ptrToSockCommon:
		k = progtype.SockCommon
	case ptrToSocket:
		k = progtype.Sock
	case ptrToTCPSock:
		k = progtype.TCPSock
	case ptrToXDPSock:
		k = progtype.XDPSock
	default:
		return false, 0
	}
	ans := progtype.CheckSockAccess(k, progtype.CtxAccess{Off: off, Size: size, Write: access == bpfWrite})
	return ans.OK, ans.FieldSize
}
