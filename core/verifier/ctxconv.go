package verifier

import (
	"github.com/bpfplay/bpfplay/core/progtype"
)

// Context rewrites: a program reads and writes its context through the
// uapi struct (__sk_buff, xdp_md...), the kernel hands it its own object
// (sk_buff, xdp_buff...). convertCtxAccesses turns each access into
// loads and stores at the kernel object's offsets.

// ctxConverter rewrites one access si (with its aligned offset) and
// returns the instructions and the size of the field it loads.
type ctxConverter func(v *verifier, t int, si insn) ([]insn, int)

// sizeCode is the BPF size of an access of n bytes.
func sizeCode(n int) uint8 {
	switch n {
	case 1:
		return szB
	case 2:
		return szH
	case 4:
		return szW
	}
	return szDW
}

// convertCtxAccesses: the prologue some types need, then every context,
// socket and BTF pointer access, and speculation barriers after stores
// that may overwrite spilled pointers.
func (v *verifier) convertCtxAccesses() error {
	delta := 0
	if p := v.genPrologue(); len(p) > 0 {
		if err := v.patch(0, p); err != nil {
			return err
		}
		delta += len(p) - 1
	}
	conv := v.ctxConverter()
	n := len(v.insns) - delta
	v.beginBatch()
	for i0 := 0; i0 < n; i0++ {
		i := i0 + delta
		in := v.insns[i]
		var t int
		var ctxAccess bool
		switch in.code {
		case clsLDX | mdMEM | szB, clsLDX | mdMEM | szH, clsLDX | mdMEM | szW, clsLDX | mdMEM | szDW:
			t, ctxAccess = bpfRead, true
		case clsSTX | mdMEM | szB, clsSTX | mdMEM | szH, clsSTX | mdMEM | szW, clsSTX | mdMEM | szDW:
			t, ctxAccess = bpfWrite, true
		case clsST | mdMEM | szB, clsST | mdMEM | szH, clsST | mdMEM | szW, clsST | mdMEM | szDW:
			t = bpfWrite
		default:
			continue
		}
		if t == bpfWrite && v.aux[i].sanitizeStackSpill {
			if err := v.patch(i, []insn{in, stNospec}); err != nil {
				return err
			}
			continue
		}
		if !ctxAccess {
			continue
		}
		var c ctxConverter
		switch v.aux[i].ptrType {
		case ptrToCtx:
			c = conv
		case ptrToSocket, ptrToSockCommon:
			c = convertSockAccess
		case ptrToTCPSock:
			c = convertTCPSockAccess
		case ptrToXDPSock:
			c = convertXDPSockAccess
		default:
			continue
		}
		if c == nil {
			continue
		}
		fieldSize := int(v.aux[i].ctxFieldSize)
		size := sizeBytes(in.size())
		narrow := size < fieldSize
		sizeDefault := fieldSize
		if sizeDefault > 8 && sizeDefault%8 == 0 {
			sizeDefault = 8
		}
		off := in.off
		si := in
		if narrow {
			if t == bpfWrite {
				v.verbose("bpf verifier narrow ctx access misconfigured\n")
				return errEINVAL
			}
			si.off = off &^ int16(sizeDefault-1)
			si.code = clsLDX | mdMEM | sizeCode(fieldSize)
		}
		p, target := c(v, t, si)
		if len(p) == 0 || (fieldSize != 0 && target == 0) {
			v.verbose("bpf verifier is misconfigured\n")
			return errEINVAL
		}
		if narrow && size < target {
			shift := int32(off&int16(sizeDefault-1)) * 8
			if fieldSize <= 4 {
				if shift != 0 {
					p = append(p, aluImm(clsALU, opRSH, si.dst, shift))
				}
				p = append(p, aluImm(clsALU, opAND, si.dst, int32(1)<<(size*8)-1))
			} else {
				if shift != 0 {
					p = append(p, aluImm(clsALU64, opRSH, si.dst, shift))
				}
				p = append(p, aluImm(clsALU, opAND, si.dst, int32(uint64(1)<<(size*8)-1)))
			}
		}
		if err := v.patch(i, p); err != nil {
			return err
		}
	}
	return v.endBatch()
}

// genPrologue: tc and sk_skb programs that write packet data first make
// sure the skb is not shared (bpf_skb_pull_data on a clone).
func (v *verifier) genPrologue() []insn {
	drop := int32(-1)
	switch v.progType {
	case progSchedCls, progSchedAct, progLwtXmit:
		drop = 2 // TC_ACT_SHOT
	case progSkSkb:
		drop = skDrop
	}
	if drop < 0 || !v.seenDirectWrite {
		return nil
	}
	const pullData = 39
	return []insn{
		ldxMem(szB, 6, 1, progtype.SkBuffClonedOffset),
		aluImm(clsALU, opAND, 6, progtype.SkBuffClonedMask),
		jmpImm(opJEQ, 6, 0, 7),
		mov64Reg(6, 1),
		aluReg(clsALU64, opXOR, 2, 2),
		callImm(pullData),
		jmpImm(opJEQ, 0, 0, 2),
		mov32Imm(0, drop),
		exitInsn(),
		mov64Reg(1, 6),
		v.insns[0],
	}
}

// ctxConverter returns the program type's context rewrite.
func (v *verifier) ctxConverter() ctxConverter {
	switch v.progType {
	case progSocketFilter, progCgroupSkb, progLwtIn, progLwtOut, progLwtXmit, progLwtSeg6local:
		return convertSkbAccess
	case progSchedCls, progSchedAct:
		return convertTCAccess
	case progSkSkb:
		return convertSkSkbAccess
	case progXDP:
		return convertXDPAccess
	case progCgroupSock:
		return convertSockAccess
	case progPerfEvent:
		return convertPerfEventAccess
	case progFlowDissector:
		return convertFlowDissectorAccess
	case progCgroupSockAddr:
		return convertSockAddrAccess
	case progSkLookup:
		return convertSkLookupAccess
	case progSkMsg:
		return convertSkMsgAccess
	case progSockOps:
		return convertSockOpsAccess
	case progCgroupSockopt:
		return convertSockoptAccess
	case progCgroupSysctl:
		return convertSysctlAccess
	case progSkReuseport:
		return convertSkReuseportAccess
	}
	return nil
}

// skb field offsets of __sk_buff.
var skbUapi = func() map[string]int {
	m := map[string]int{}
	for _, f := range progtype.SkBuff.Fields {
		m[f.Name] = f.Off
	}
	return m
}()

// loadOrStore is the access si makes at kernel offset off with size.
func loadOrStore(t int, si insn, size uint8, off int16) insn {
	if t == bpfWrite {
		return stxMem(size, si.dst, si.src, off)
	}
	return ldxMem(size, si.dst, si.src, off)
}

// convertSkbAccess is the __sk_buff -> sk_buff rewrite.
func convertSkbAccess(v *verifier, t int, si insn) ([]insn, int) {
	const ax = regAX
	off := int(si.off)
	u := skbUapi
	inRange := func(name string, n int) bool { return off >= u[name] && off < u[name]+n }
	viaSk := func(size uint8, skOff int16, target int) ([]insn, int) {
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SkBuffSk), ldxMem(size, si.dst, si.dst, skOff)}, target
	}
	shinfo := func() []insn {
		return []insn{ldxMem(szW, ax, si.src, progtype.SkBuffEnd), ldxMem(szDW, si.dst, si.src, progtype.SkBuffHead),
			aluReg(clsALU64, opADD, si.dst, ax)}
	}
	switch {
	case off == u["len"]:
		return []insn{ldxMem(szW, si.dst, si.src, progtype.SkBuffLen)}, 4
	case off == u["protocol"]:
		return []insn{ldxMem(szH, si.dst, si.src, progtype.SkBuffProtocol)}, 2
	case off == u["vlan_proto"]:
		return []insn{ldxMem(szH, si.dst, si.src, progtype.SkBuffVlanProto)}, 2
	case off == u["priority"]:
		return []insn{loadOrStore(t, si, szW, progtype.SkBuffPriority)}, 4
	case off == u["ingress_ifindex"]:
		return []insn{ldxMem(szW, si.dst, si.src, progtype.SkBuffSkbIif)}, 4
	case off == u["ifindex"]:
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SkBuffDev), jmpImm(opJEQ, si.dst, 0, 1),
			ldxMem(szW, si.dst, si.dst, progtype.NetDeviceIfindex)}, 4
	case off == u["hash"]:
		return []insn{ldxMem(szW, si.dst, si.src, progtype.SkBuffHash)}, 4
	case off == u["mark"]:
		return []insn{loadOrStore(t, si, szW, progtype.SkBuffMark)}, 4
	case off == u["pkt_type"]:
		return []insn{ldxMem(szB, si.dst, si.src, progtype.SkBuffPktTypeOffset),
			aluImm(clsALU, opAND, si.dst, progtype.SkBuffPktTypeMax)}, 1
	case off == u["queue_mapping"]:
		if t == bpfWrite {
			return []insn{jmpImm(opJGE, si.src, 0xffff, 1), stxMem(szH, si.dst, si.src, progtype.SkBuffQueueMapping)}, 2
		}
		return []insn{ldxMem(szH, si.dst, si.src, progtype.SkBuffQueueMapping)}, 2
	case off == u["vlan_present"]:
		return []insn{ldxMem(szB, si.dst, si.src, progtype.SkBuffVlanPresOffset),
			aluImm(clsALU, opAND, si.dst, 1)}, 1
	case off == u["vlan_tci"]:
		return []insn{ldxMem(szH, si.dst, si.src, progtype.SkBuffVlanTCI)}, 2
	case inRange("cb", 20):
		k := int16(off-u["cb"]) + progtype.SkBuffCb + progtype.QdiscCbData
		return []insn{loadOrStore(t, si, si.size(), k)}, 0
	case off == u["tc_classid"]:
		k := int16(progtype.SkBuffCb + progtype.QdiscCbTcClassid)
		return []insn{loadOrStore(t, si, szH, k)}, 2
	case off == u["data"]:
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SkBuffData)}, 0
	case off == u["data_meta"]:
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SkBuffCb+progtype.SkbDataEndMeta)}, 0
	case off == u["data_end"]:
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SkBuffCb+progtype.SkbDataEndEnd)}, 0
	case off == u["tc_index"]:
		return []insn{loadOrStore(t, si, szH, progtype.SkBuffTcIndex)}, 2
	case off == u["napi_id"]:
		const minNapiID = 8193 // NR_CPUS + 1
		return []insn{ldxMem(szW, si.dst, si.src, progtype.SkBuffNapiID), jmpImm(opJGE, si.dst, minNapiID, 1),
			mov64Imm(si.dst, 0)}, 4
	case off == u["family"]:
		return viaSk(szH, progtype.SkcFamily, 2)
	case off == u["remote_ip4"]:
		return viaSk(szW, progtype.SkcDaddr, 4)
	case off == u["local_ip4"]:
		return viaSk(szW, progtype.SkcRcvSaddr, 4)
	case inRange("remote_ip6", 16):
		p, _ := viaSk(szW, progtype.SkcV6Daddr+int16(off-u["remote_ip6"]), 0)
		return p, 0
	case inRange("local_ip6", 16):
		p, _ := viaSk(szW, progtype.SkcV6RcvSaddr+int16(off-u["local_ip6"]), 0)
		return p, 0
	case off == u["remote_port"]:
		p, ts := viaSk(szH, progtype.SkcDport, 2)
		return append(p, aluImm(clsALU, opLSH, si.dst, 16)), ts
	case off == u["local_port"]:
		return viaSk(szH, progtype.SkcNum, 2)
	case off == u["tstamp"]:
		if t == bpfWrite {
			var p []insn
			if !v.tstampTypeAccess {
				p = append(p, ldxMem(szB, ax, si.dst, progtype.SkBuffVlanPresOffset),
					jmp32Imm(opJSET, ax, progtype.SkBuffTcAtIngressMask, 1), ja(2),
					aluImm(clsALU, opAND, ax, ^int32(progtype.SkBuffMonoDeliveryTimeMsk)),
					stxMem(szB, si.dst, ax, progtype.SkBuffVlanPresOffset))
			}
			return append(p, stxMem(szDW, si.dst, si.src, progtype.SkBuffTstamp)), 0
		}
		var p []insn
		if !v.tstampTypeAccess {
			both := int32(progtype.SkBuffTcAtIngressMask | progtype.SkBuffMonoDeliveryTimeMsk)
			p = append(p, ldxMem(szB, ax, si.src, progtype.SkBuffVlanPresOffset),
				aluImm(clsALU, opAND, ax, both), jmp32Imm(opJNE, ax, both, 2), mov64Imm(si.dst, 0), ja(1))
		}
		return append(p, ldxMem(szDW, si.dst, si.src, progtype.SkBuffTstamp)), 0
	case off == u["tstamp_type"]:
		return []insn{ldxMem(szB, ax, si.src, progtype.SkBuffVlanPresOffset),
			jmp32Imm(opJSET, ax, progtype.SkBuffMonoDeliveryTimeMsk, 2), mov32Imm(si.dst, 0), ja(1),
			mov32Imm(si.dst, 1)}, 0
	case off == u["gso_segs"]:
		return append(shinfo(), ldxMem(szH, si.dst, si.dst, progtype.ShinfoGsoSegs)), 2
	case off == u["gso_size"]:
		return append(shinfo(), ldxMem(szH, si.dst, si.dst, progtype.ShinfoGsoSize)), 2
	case off == u["wire_len"]:
		return []insn{ldxMem(szW, si.dst, si.src, progtype.SkBuffCb+progtype.QdiscCbPktLen)}, 4
	case off == u["sk"]:
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SkBuffSk)}, 0
	case off == u["hwtstamp"]:
		return append(shinfo(), ldxMem(szDW, si.dst, si.dst, progtype.ShinfoHwtstamps)), 8
	}
	return nil, 0
}

// convertTCAccess: tc programs read ifindex without the NULL check.
func convertTCAccess(v *verifier, t int, si insn) ([]insn, int) {
	if int(si.off) == skbUapi["ifindex"] {
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SkBuffDev),
			ldxMem(szW, si.dst, si.dst, progtype.NetDeviceIfindex)}, 4
	}
	return convertSkbAccess(v, t, si)
}

// convertSkSkbAccess: sk_skb programs have their own cb layout and
// compute data_end.
func convertSkSkbAccess(v *verifier, t int, si insn) ([]insn, int) {
	off := int(si.off)
	switch {
	case off == skbUapi["data_end"]:
		var p []insn
		reg := si.dst
		tmp := int16(progtype.SkBuffCb + progtype.SkSkbCbTempReg)
		if si.src == si.dst {
			reg = scratchReg(si.dst, si.src)
			p = append(p, stxMem(szDW, si.src, reg, tmp))
		}
		p = append(p, ldxMem(szDW, reg, si.src, progtype.SkBuffData),
			ldxMem(szW, regAX, si.src, progtype.SkBuffLen),
			aluReg(clsALU64, opADD, reg, regAX),
			ldxMem(szW, regAX, si.src, progtype.SkBuffDataLen),
			aluReg(clsALU64, opSUB, reg, regAX))
		if si.src == si.dst {
			p = append(p, mov64Reg(regAX, si.src), mov64Reg(si.dst, reg), ldxMem(szDW, reg, regAX, tmp))
		}
		return p, 0
	case off >= skbUapi["cb"] && off < skbUapi["cb"]+20:
		k := int16(off-skbUapi["cb"]) + progtype.SkBuffCb + progtype.SkSkbCbData
		return []insn{loadOrStore(t, si, si.size(), k)}, 0
	}
	return convertSkbAccess(v, t, si)
}

// convertXDPAccess is the xdp_md -> xdp_buff rewrite.
func convertXDPAccess(v *verifier, t int, si insn) ([]insn, int) {
	switch si.off {
	case 0: // data
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.XDPBuffData)}, 0
	case 8: // data_meta
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.XDPBuffDataMeta)}, 0
	case 4: // data_end
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.XDPBuffDataEnd)}, 0
	case 12: // ingress_ifindex
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.XDPBuffRxq), ldxMem(szDW, si.dst, si.dst, progtype.XDPRxqDev),
			ldxMem(szW, si.dst, si.dst, progtype.NetDeviceIfindex)}, 0
	case 16: // rx_queue_index
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.XDPBuffRxq),
			ldxMem(szW, si.dst, si.dst, progtype.XDPRxqQueueIndex)}, 0
	case 20: // egress_ifindex
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.XDPBuffTxq), ldxMem(szDW, si.dst, si.dst, progtype.XDPTxqDev),
			ldxMem(szW, si.dst, si.dst, progtype.NetDeviceIfindex)}, 0
	}
	return nil, 0
}

// convertSockAccess is the bpf_sock -> sock rewrite.
func convertSockAccess(v *verifier, t int, si insn) ([]insn, int) {
	s := progtype.BPFSock
	off := int(si.off)
	f := func(name string) int { return s.Field(name).Off }
	switch {
	case off == f("bound_dev_if"):
		return []insn{loadOrStore(t, si, szW, progtype.SkcBoundDevIf)}, 0
	case off == f("mark"):
		return []insn{loadOrStore(t, si, szW, progtype.SkMark)}, 0
	case off == f("priority"):
		return []insn{loadOrStore(t, si, szW, progtype.SkPriority)}, 0
	case off == f("family"):
		return []insn{ldxMem(szH, si.dst, si.src, progtype.SkcFamily)}, 2
	case off == f("type"):
		return []insn{ldxMem(szH, si.dst, si.src, progtype.SkType)}, 2
	case off == f("protocol"):
		return []insn{ldxMem(szH, si.dst, si.src, progtype.SkProtocol)}, 2
	case off == f("src_ip4"):
		return []insn{ldxMem(si.size(), si.dst, si.src, progtype.SkcRcvSaddr)}, 4
	case off == f("dst_ip4"):
		return []insn{ldxMem(si.size(), si.dst, si.src, progtype.SkcDaddr)}, 4
	case off >= f("src_ip6") && off < f("src_ip6")+16:
		return []insn{ldxMem(si.size(), si.dst, si.src, progtype.SkcV6RcvSaddr+int16(off-f("src_ip6")))}, 4
	case off >= f("dst_ip6") && off < f("dst_ip6")+16:
		return []insn{ldxMem(si.size(), si.dst, si.src, progtype.SkcV6Daddr+int16(off-f("dst_ip6")))}, 4
	case off == f("src_port"):
		return []insn{ldxMem(szH, si.dst, si.src, progtype.SkcNum)}, 2
	case off == f("dst_port"):
		return []insn{ldxMem(szH, si.dst, si.src, progtype.SkcDport)}, 2
	case off == f("state"):
		return []insn{ldxMem(szB, si.dst, si.src, progtype.SkcState)}, 1
	case off == f("rx_queue_mapping"):
		// NO_QUEUE_MAPPING (0xffff) reads as -1, a 32-bit value: a
		// narrower read is masked after it (the ctx sweep shows Linux
		// doing so).
		return []insn{ldxMem(szH, si.dst, si.src, progtype.SkRxQueueMapping),
			jmpImm(opJNE, si.dst, 0xffff, 1), mov32Imm(si.dst, -1)}, 4
	}
	return nil, 0
}

// convertPerfEventAccess reads through bpf_perf_event_data_kern.
func convertPerfEventAccess(v *verifier, t int, si insn) ([]insn, int) {
	switch si.off {
	case 168: // sample_period
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.PerfDataKernData),
			ldxMem(szDW, si.dst, si.dst, progtype.PerfSamplePeriod)}, 8
	case 176: // addr
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.PerfDataKernData),
			ldxMem(szDW, si.dst, si.dst, progtype.PerfSampleAddr)}, 8
	}
	return []insn{ldxMem(szDW, si.dst, si.src, progtype.PerfDataKernRegs), ldxMem(szDW, si.dst, si.dst, si.off)}, 0
}

// convertFlowDissectorAccess reads through bpf_flow_dissector.
func convertFlowDissectorAccess(v *verifier, t int, si insn) ([]insn, int) {
	switch int(si.off) {
	case skbUapi["data"]:
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.BPFFlowDissData)}, 0
	case skbUapi["data_end"]:
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.BPFFlowDissDataEn)}, 0
	case skbUapi["flow_keys"]:
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.BPFFlowDissKeys)}, 0
	}
	return nil, 0
}

// bpf_sock_addr_kern and the sockaddr structs it points to.
const (
	sockAddrKernTCtx = 24
	sockaddrFamily   = 0 // sockaddr.sa_family
	sinAddr          = 4 // sockaddr_in.sin_addr
	sin6Port         = 2 // sockaddr_in(6).sin(6)_port
	sin6Addr         = 8 // sockaddr_in6.sin6_addr
)

// convertSockAddrAccess is the bpf_sock_addr -> bpf_sock_addr_kern
// rewrite: addresses live behind uaddr (or t_ctx for sendmsg's source).
func convertSockAddrAccess(v *verifier, t int, si insn) ([]insn, int) {
	s := progtype.BPFSockAddr
	off := int(si.off)
	f := func(name string) int { return s.Field(name).Off }
	load := func(ptrOff int16, size uint8, nestedOff int16) []insn {
		return []insn{ldxMem(szDW, si.dst, si.src, ptrOff), ldxMem(size, si.dst, si.dst, nestedOff)}
	}
	store := func(ptrOff int16, size uint8, nestedOff int16) []insn {
		tmp := scratchReg(si.dst, si.src)
		return []insn{stxMem(szDW, si.dst, tmp, progtype.SockAddrKernTmpReg), ldxMem(szDW, tmp, si.dst, ptrOff),
			stxMem(size, tmp, si.src, nestedOff), ldxMem(szDW, tmp, si.dst, progtype.SockAddrKernTmpReg)}
	}
	loadOrStore := func(ptrOff int16, size uint8, nestedOff int16) []insn {
		if t == bpfWrite {
			return store(ptrOff, size, nestedOff)
		}
		return load(ptrOff, size, nestedOff)
	}
	switch {
	case off == f("user_family"):
		return load(progtype.SockAddrKernUaddr, szH, sockaddrFamily), 2
	case off == f("user_ip4"):
		return loadOrStore(progtype.SockAddrKernUaddr, si.size(), sinAddr), 4
	case off >= f("user_ip6") && off < f("user_ip6")+16:
		return loadOrStore(progtype.SockAddrKernUaddr, si.size(), sin6Addr+int16(off-f("user_ip6"))), 4
	case off == f("user_port"):
		portSize := min(2, sizeBytes(si.size()))
		return loadOrStore(progtype.SockAddrKernUaddr, sizeCode(portSize), sin6Port), 2
	case off == f("family"):
		return load(progtype.SockAddrKernSk, szH, progtype.SkcFamily), 2
	case off == f("type"):
		return load(progtype.SockAddrKernSk, szH, progtype.SkType), 2
	case off == f("protocol"):
		return load(progtype.SockAddrKernSk, szH, progtype.SkProtocol), 2
	case off == f("msg_src_ip4"):
		return loadOrStore(sockAddrKernTCtx, si.size(), 0), 4
	case off >= f("msg_src_ip6") && off < f("msg_src_ip6")+16:
		return loadOrStore(sockAddrKernTCtx, si.size(), int16(off-f("msg_src_ip6"))), 4
	case off == f("sk"):
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SockAddrKernSk)}, 0
	}
	return nil, 0
}

// convertSkLookupAccess is the bpf_sk_lookup -> bpf_sk_lookup_kern
// rewrite.
func convertSkLookupAccess(v *verifier, t int, si insn) ([]insn, int) {
	s := progtype.BPFSkLookup
	off := int(si.off)
	f := func(name string) int { return s.Field(name).Off }
	ld := func(size uint8, kOff int16, target int) ([]insn, int) {
		return []insn{ldxMem(size, si.dst, si.src, kOff)}, target
	}
	switch {
	case off == f("sk"):
		return ld(szDW, progtype.SkLookupKernSelectedSk, 0)
	case off == f("family"):
		return ld(szH, progtype.SkLookupKernFamily, 2)
	case off == f("protocol"):
		return ld(szH, progtype.SkLookupKernProtocol, 2)
	case off == f("remote_ip4"):
		return ld(szW, progtype.SkLookupKernV4Saddr, 4)
	case off == f("local_ip4"):
		return ld(szW, progtype.SkLookupKernV4Daddr, 4)
	case off >= f("remote_ip6") && off < f("remote_ip6")+16:
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SkLookupKernV6Saddr), jmpImm(opJEQ, si.dst, 0, 1),
			ldxMem(szW, si.dst, si.dst, int16(off-f("remote_ip6")))}, 4
	case off >= f("local_ip6") && off < f("local_ip6")+16:
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SkLookupKernV6Daddr), jmpImm(opJEQ, si.dst, 0, 1),
			ldxMem(szW, si.dst, si.dst, int16(off-f("local_ip6")))}, 4
	case off == f("remote_port"):
		return ld(szH, progtype.SkLookupKernSport, 2)
	case off == f("remote_port")+2:
		return []insn{mov32Imm(si.dst, 0)}, 2
	case off == f("local_port"):
		return ld(szH, progtype.SkLookupKernDport, 2)
	case off == f("ingress_ifindex"):
		return ld(szW, progtype.SkLookupKernIfindex, 4)
	}
	return nil, 0
}

// sockCommonLoad converts a load of the socket fields that sk_msg_md and
// bpf_sock_ops both mirror (family, addresses, ports) into viaSk: the
// socket pointer's load and then the sock_common field's. nil for other
// offsets.
func sockCommonLoad(s *progtype.Struct, off int, dst uint8, viaSk func(size uint8, skOff int16) []insn) []insn {
	f := func(name string) int { return s.Field(name).Off }
	switch {
	case off == f("family"):
		return viaSk(szH, progtype.SkcFamily)
	case off == f("remote_ip4"):
		return viaSk(szW, progtype.SkcDaddr)
	case off == f("local_ip4"):
		return viaSk(szW, progtype.SkcRcvSaddr)
	case off >= f("remote_ip6") && off < f("remote_ip6")+16:
		return viaSk(szW, progtype.SkcV6Daddr+int16(off-f("remote_ip6")))
	case off >= f("local_ip6") && off < f("local_ip6")+16:
		return viaSk(szW, progtype.SkcV6RcvSaddr+int16(off-f("local_ip6")))
	case off == f("remote_port"):
		return append(viaSk(szH, progtype.SkcDport), aluImm(clsALU, opLSH, dst, 16))
	case off == f("local_port"):
		return viaSk(szH, progtype.SkcNum)
	}
	return nil
}

// convertSkMsgAccess is the sk_msg_md -> sk_msg rewrite.
func convertSkMsgAccess(v *verifier, t int, si insn) ([]insn, int) {
	s := progtype.SkMsgMd
	off := int(si.off)
	f := func(name string) int { return s.Field(name).Off }
	viaSk := func(size uint8, skOff int16) []insn {
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SkMsgSk), ldxMem(size, si.dst, si.dst, skOff)}
	}
	if is := sockCommonLoad(s, off, si.dst, viaSk); is != nil {
		return is, 0
	}
	switch {
	case off == f("data"):
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SkMsgData)}, 0
	case off == f("data_end"):
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SkMsgDataEnd)}, 0
	case off == f("size"):
		return []insn{ldxMem(szW, si.dst, si.src, progtype.SkMsgSgSize)}, 0
	case off == f("sk"):
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SkMsgSk)}, 0
	}
	return nil, 0
}

// convertTCPSockAccess is the bpf_tcp_sock -> tcp_sock rewrite.
func convertTCPSockAccess(v *verifier, t int, si insn) ([]insn, int) {
	for _, f := range progtype.BPFTCPSock.Fields {
		if f.Off != int(si.off) {
			continue
		}
		k, ok := progtype.TCPSockFields[f.Name]
		if !ok {
			return nil, 0
		}
		return []insn{ldxMem(sizeCode(k[1]), si.dst, si.src, int16(k[0]))}, 0
	}
	return nil, 0
}

// convertXDPSockAccess is the bpf_xdp_sock -> xdp_sock rewrite.
func convertXDPSockAccess(v *verifier, t int, si insn) ([]insn, int) {
	if si.off == 0 {
		return []insn{ldxMem(szH, si.dst, si.src, progtype.XDPSockQueueID)}, 0
	}
	return nil, 0
}
