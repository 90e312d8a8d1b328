package verifier

import "github.com/bpfplay/bpfplay/core/progtype"

// scratchReg is the register a rewrite borrows when it needs one more
// than the access gives it: r9, or the next lower one that is neither
// the access's source nor its destination. The rewrite spills it to the
// context object and reloads it afterwards.
func scratchReg(dst, src uint8) uint8 {
	r := uint8(9)
	for range 2 {
		if src == r || dst == r {
			r--
		}
	}
	return r
}

// convertSockOpsAccess is the bpf_sock_ops -> bpf_sock_ops_kern rewrite.
// Connection fields are read through the socket (sock_common fields
// always, tcp_sock and sock fields only of a full socket: is_fullsock
// guards them and they read 0 otherwise), skb fields through the skb
// (0 without one).
func convertSockOpsAccess(v *verifier, t int, si insn) ([]insn, int) {
	s := progtype.BPFSockOps
	off := int(si.off)
	f := func(name string) int { return s.Field(name).Off }
	in := func(name string) bool { fl := s.Field(name); return off >= fl.Off && off < fl.Off+fl.Size }
	viaSk := func(size uint8, skOff int) []insn {
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SockOpsKernSk), ldxMem(size, si.dst, si.dst, int16(skOff))}
	}
	viaSkb := func(size uint8, skbOff int) []insn {
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SockOpsKernSkb), jmpImm(opJEQ, si.dst, 0, 1),
			ldxMem(size, si.dst, si.dst, int16(skbOff))}
	}
	if t == bpfWrite {
		switch {
		case in("args"): // reply
			return []insn{stxMem(szW, si.dst, si.src, progtype.SockOpsKernArgs+int16(off-f("args")))}, 0
		case off == f("sk_txhash"):
			return sockOpsSetFull(si, szW, progtype.SkTxhash), 0
		}
		return nil, 0
	}
	if fl := s.FieldAt(off); fl != nil && fl.Off == off {
		if k, ok := progtype.TCPSockFields[fl.Name]; ok {
			return sockOpsGetFull(si, &insn{code: clsLDX | mdMEM | sizeCode(k[1]), off: int16(k[0])}), 0
		}
	}
	if is := sockCommonLoad(s, off, si.dst, func(size uint8, skOff int16) []insn { return viaSk(size, int(skOff)) }); is != nil {
		return is, 0
	}
	switch {
	case off == f("op"):
		return []insn{ldxMem(szB, si.dst, si.src, progtype.SockOpsKernOp)}, 0
	case in("args"):
		return []insn{ldxMem(szW, si.dst, si.src, progtype.SockOpsKernArgs+int16(off-f("args")))}, 0
	case off == f("is_fullsock"):
		return []insn{ldxMem(szB, si.dst, si.src, progtype.SockOpsKernIsFullsock)}, 0
	case off == f("state"):
		return viaSk(szB, progtype.SkcState), 0
	case off == f("bpf_sock_ops_cb_flags"):
		return sockOpsGetFull(si, &insn{code: clsLDX | mdMEM | szB, off: progtype.TCPSockBPFSockOpsFlags}), 0
	case off == f("sk_txhash"):
		return sockOpsGetFull(si, &insn{code: clsLDX | mdMEM | szW, off: progtype.SkTxhash}), 0
	case off == f("sk"):
		return sockOpsGetFull(si, nil), 0
	case off == f("skb_data"):
		return viaSkb(szDW, progtype.SkBuffData), 0
	case off == f("skb_data_end"):
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SockOpsKernSkbDataEnd)}, 0
	case off == f("skb_len"):
		return viaSkb(szW, progtype.SkBuffLen), 0
	case off == f("skb_tcp_flags"):
		return viaSkb(szB, progtype.SkBuffCb+progtype.TCPSkbCbTCPFlags), 1
	}
	return nil, 0
}

// sockOpsGetFull reads a field of a full socket (load's size and offset;
// load nil reads the socket pointer itself), 0 when the socket is not
// full. When the destination is the context register, a scratch register
// holds is_fullsock and the 0 is written after it is restored.
func sockOpsGetFull(si insn, load *insn) []insn {
	var field []insn
	if load != nil {
		field = []insn{ldxMem(load.size(), si.dst, si.dst, load.off)}
	}
	skip := int16(1 + len(field))
	if si.dst != si.src {
		p := []insn{ldxMem(szB, si.dst, si.src, progtype.SockOpsKernIsFullsock), jmpImm(opJEQ, si.dst, 0, skip),
			ldxMem(szDW, si.dst, si.src, progtype.SockOpsKernSk)}
		return append(p, field...)
	}
	tmp := scratchReg(si.dst, si.src)
	p := []insn{stxMem(szDW, si.src, tmp, progtype.SockOpsKernTemp),
		ldxMem(szB, tmp, si.src, progtype.SockOpsKernIsFullsock), jmpImm(opJEQ, tmp, 0, skip+2),
		ldxMem(szDW, tmp, si.src, progtype.SockOpsKernTemp), ldxMem(szDW, si.dst, si.src, progtype.SockOpsKernSk)}
	p = append(p, field...)
	return append(p, ja(2), ldxMem(szDW, tmp, si.src, progtype.SockOpsKernTemp), mov64Imm(si.dst, 0))
}

// sockOpsSetFull stores into a field of a full socket (nothing happens
// when the socket is not full), through a scratch register.
func sockOpsSetFull(si insn, size uint8, skOff int16) []insn {
	tmp := scratchReg(si.dst, si.src)
	return []insn{stxMem(szDW, si.dst, tmp, progtype.SockOpsKernTemp),
		ldxMem(szB, tmp, si.dst, progtype.SockOpsKernIsFullsock), jmpImm(opJEQ, tmp, 0, 2),
		ldxMem(szDW, tmp, si.dst, progtype.SockOpsKernSk), stxMem(size, tmp, si.src, skOff),
		ldxMem(szDW, tmp, si.dst, progtype.SockOpsKernTemp)}
}
