package verifier

import "github.com/bpfplay/bpfplay/core/progtype"

// convertSockoptAccess is the bpf_sockopt -> bpf_sockopt_kern rewrite.
// Most fields sit at the same offsets in both; retval is the running
// task's cgroup run context's (task->bpf_ctx->retval), reached from the
// task pointer in the context object, written through a scratch
// register.
func convertSockoptAccess(v *verifier, t int, si insn) ([]insn, int) {
	s := progtype.BPFSockopt
	off := int(si.off)
	f := func(name string) int { return s.Field(name).Off }
	switch off {
	case f("sk"):
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SockoptKernSk)}, 0
	case f("optval"):
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SockoptKernOptval)}, 0
	case f("optval_end"):
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SockoptKernOptvalEnd)}, 0
	case f("level"):
		return []insn{loadOrStore(t, si, szW, progtype.SockoptKernLevel)}, 0
	case f("optname"):
		return []insn{loadOrStore(t, si, szW, progtype.SockoptKernOptname)}, 0
	case f("optlen"):
		return []insn{loadOrStore(t, si, szW, progtype.SockoptKernOptlen)}, 0
	case f("retval"):
		if t == bpfWrite {
			tmp := scratchReg(si.dst, si.src)
			return []insn{stxMem(szDW, si.dst, tmp, progtype.SockoptKernTmpReg),
				ldxMem(szDW, tmp, si.dst, progtype.SockoptKernTask),
				ldxMem(szDW, tmp, tmp, progtype.TaskStructBPFCtx),
				stxMem(szW, tmp, si.src, progtype.CgRunCtxRetval),
				ldxMem(szDW, tmp, si.dst, progtype.SockoptKernTmpReg)}, 0
		}
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SockoptKernTask),
			ldxMem(szDW, si.dst, si.dst, progtype.TaskStructBPFCtx),
			ldxMem(szW, si.dst, si.dst, progtype.CgRunCtxRetval)}, 0
	}
	return nil, 0
}

// convertSysctlAccess is the bpf_sysctl -> bpf_sysctl_kern rewrite:
// file_pos is read and written through the ppos pointer (a store through
// a scratch register).
func convertSysctlAccess(v *verifier, t int, si insn) ([]insn, int) {
	s := progtype.BPFSysctl
	switch int(si.off) {
	case s.Field("write").Off:
		return []insn{ldxMem(szW, si.dst, si.src, progtype.SysctlKernWrite)}, 4
	case s.Field("file_pos").Off:
		if t == bpfWrite {
			tmp := scratchReg(si.dst, si.src)
			return []insn{stxMem(szDW, si.dst, tmp, progtype.SysctlKernTmpReg),
				ldxMem(szDW, tmp, si.dst, progtype.SysctlKernPpos),
				stxMem(szW, tmp, si.src, 0),
				ldxMem(szDW, tmp, si.dst, progtype.SysctlKernTmpReg)}, 4
		}
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.SysctlKernPpos),
			ldxMem(szW, si.dst, si.dst, 0)}, 4
	}
	return nil, 0
}

// convertSkReuseportAccess is the sk_reuseport_md -> sk_reuseport_kern
// rewrite: packet fields through the skb, ip_protocol through the socket.
func convertSkReuseportAccess(v *verifier, t int, si insn) ([]insn, int) {
	s := progtype.SkReuseportMd
	f := func(name string) int { return s.Field(name).Off }
	viaPtr := func(ptrOff int16, size uint8, off int16) []insn {
		return []insn{ldxMem(szDW, si.dst, si.src, ptrOff), ldxMem(size, si.dst, si.dst, off)}
	}
	switch int(si.off) {
	case f("data"):
		return viaPtr(progtype.ReuseportKernSkb, szDW, progtype.SkBuffData), 0
	case f("data_end"):
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.ReuseportKernDataEnd)}, 0
	case f("len"):
		return viaPtr(progtype.ReuseportKernSkb, szW, progtype.SkBuffLen), 4
	case f("eth_protocol"):
		return viaPtr(progtype.ReuseportKernSkb, szH, progtype.SkBuffProtocol), 2
	case f("ip_protocol"):
		return viaPtr(progtype.ReuseportKernSk, szH, progtype.SkProtocol), 2
	case f("bind_inany"):
		return []insn{ldxMem(szB, si.dst, si.src, progtype.ReuseportKernBindInany)}, 1
	case f("hash"):
		return []insn{ldxMem(szW, si.dst, si.src, progtype.ReuseportKernHash)}, 4
	case f("sk"):
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.ReuseportKernSk)}, 0
	case f("migrating_sk"):
		return []insn{ldxMem(szDW, si.dst, si.src, progtype.ReuseportKernMigratingSk)}, 0
	}
	return nil, 0
}
