//go:build linux && amd64 && cgo

package native

import (
	"syscall"
	"unsafe"
)

// The seccomp filter of the runner, itself a classic BPF program. It
// allows the system calls the Go runtime needs to keep running a
// goroutine (memory, futexes, signals, clocks, thread creation), plus
// write for the result and prlimit64 on itself for the per-run CPU
// limit. Everything else, and mapping or protecting
// memory as executable, traps: the fault handler reports the system
// call and the child exits. The program's machine code is already
// mapped when the filter goes in.

// Linux x86-64 system call numbers.
const (
	sysRead            = 0
	sysWrite           = 1
	sysClose           = 3
	sysMmap            = 9
	sysMprotect        = 10
	sysMunmap          = 11
	sysBrk             = 12
	sysRtSigprocmask   = 14
	sysRtSigreturn     = 15
	sysSchedYield      = 24
	sysMadvise         = 28
	sysNanosleep       = 35
	sysGetpid          = 39
	sysClone           = 56
	sysExit            = 60
	sysSigaltstack     = 131
	sysPrlimit64       = 302
	sysGettid          = 186
	sysFutex           = 202
	sysSchedGetaffin   = 204
	sysClockGettime    = 228
	sysClockNanosleep  = 230
	sysExitGroup       = 231
	sysEpollWait       = 232
	sysEpollCtl        = 233
	sysTgkill          = 234
	sysSetRobustList   = 273
	sysEpollPwait      = 281
	sysGetrandom       = 318
	sysRseq            = 334
	sysClone3          = 435
	sysSeccomp         = 317
	prSetNoNewPrivs    = 38
	seccompSetModeFilt = 1
	seccompFlagTsync   = 1
)

// Classic BPF opcodes and seccomp return values.
const (
	bpfLdWAbs  = 0x20 // ld [k]
	bpfJeqK    = 0x15
	bpfJgeK    = 0x35
	bpfJsetK   = 0x45
	bpfRetK    = 0x06
	retAllow   = 0x7fff0000
	retTrap    = 0x00030000
	retErrno   = 0x00050000
	auditArch  = 0xc000003e // AUDIT_ARCH_X86_64
	cloneThrd  = 0x00010000 // CLONE_THREAD
	protExec   = 0x4
	enosys     = 38
	offNr      = 0
	offArch    = 4
	offArg0    = 16
	offArg2    = 32
	x32SysBase = 0x40000000
)

type sockFilter struct {
	code   uint16
	jt, jf uint8
	k      uint32
}

type sockFprog struct {
	n      uint16
	filter *sockFilter
}

var allowed = []uint32{sysRead, sysWrite, sysClose, sysMunmap, sysBrk, sysRtSigprocmask, sysRtSigreturn,
	sysSchedYield, sysMadvise, sysNanosleep, sysGetpid, sysExit, sysSigaltstack, sysGettid, sysFutex,
	sysSchedGetaffin, sysClockGettime, sysClockNanosleep, sysExitGroup, sysEpollWait, sysEpollCtl,
	sysTgkill, sysSetRobustList, sysEpollPwait, sysGetrandom, sysRseq}

// filterProgram builds the filter. Layout: check the architecture, load
// the number, one jeq per allowed call, then the argument checks of
// clone, mmap and mprotect.
func filterProgram() []sockFilter {
	var p []sockFilter
	ins := func(code uint16, jt, jf uint8, k uint32) { p = append(p, sockFilter{code, jt, jf, k}) }
	// Labels at the end, addressed from the back.
	const (
		nAllow = iota
		nTrap
	)
	tail := []sockFilter{
		{bpfRetK, 0, 0, retAllow},
		{bpfRetK, 0, 0, retTrap},
	}
	// jumpTo returns the jump offset from instruction at index i (in the
	// final program of length total) to tail label l.
	var fixups []struct {
		at    int
		label int
		jt    bool
	}
	jeq := func(k uint32, label int) {
		fixups = append(fixups, struct {
			at    int
			label int
			jt    bool
		}{len(p), label, true})
		ins(bpfJeqK, 0, 0, k)
	}
	ins(bpfLdWAbs, 0, 0, offArch)
	ins(bpfJeqK, 1, 0, auditArch)
	ins(bpfRetK, 0, 0, retTrap)
	ins(bpfLdWAbs, 0, 0, offNr)
	ins(bpfJgeK, 0, 1, x32SysBase)
	ins(bpfRetK, 0, 0, retTrap)
	for _, nr := range allowed {
		jeq(nr, nAllow)
	}
	// clone: only threads.
	ins(bpfJeqK, 0, 2, sysClone)
	ins(bpfLdWAbs, 0, 0, offArg0)
	ins(bpfJsetK, 0, 0, cloneThrd) // patched: jt -> allow, jf -> trap
	fixups = append(fixups, struct {
		at    int
		label int
		jt    bool
	}{len(p) - 1, -1, true})
	// prlimit64: only on the process itself (pid 0).
	ins(bpfJeqK, 0, 2, sysPrlimit64)
	ins(bpfLdWAbs, 0, 0, offArg0)
	ins(bpfJeqK, 0, 0, 0) // patched: jt -> allow, jf -> trap
	fixups = append(fixups, struct {
		at    int
		label int
		jt    bool
	}{len(p) - 1, -1, true})
	ins(bpfLdWAbs, 0, 0, offNr) // reload the number for the checks below
	// clone3 cannot be inspected: fail it, the C library falls back to clone.
	ins(bpfJeqK, 0, 1, sysClone3)
	ins(bpfRetK, 0, 0, retErrno|enosys)
	// mmap and mprotect: never executable.
	ins(bpfJeqK, 1, 0, sysMmap)
	ins(bpfJeqK, 0, 2, sysMprotect)
	ins(bpfLdWAbs, 0, 0, offArg2)
	ins(bpfJsetK, 0, 0, protExec) // patched: jt -> trap, jf -> allow
	fixups = append(fixups, struct {
		at    int
		label int
		jt    bool
	}{len(p) - 1, -2, true})
	// default
	fixups = append(fixups, struct {
		at    int
		label int
		jt    bool
	}{len(p), -3, true})
	ins(0x05, 0, 0, 0) // ja trap (patched)
	base := len(p)
	p = append(p, tail...)
	for _, f := range fixups {
		rel := func(label int) uint8 { return uint8(base + label - (f.at + 1)) }
		switch f.label {
		case -1: // jset CLONE_THREAD
			p[f.at].jt, p[f.at].jf = rel(nAllow), rel(nTrap)
		case -2: // jset PROT_EXEC
			p[f.at].jt, p[f.at].jf = rel(nTrap), rel(nAllow)
		case -3:
			p[f.at].k = uint32(base + nTrap - (f.at + 1))
		default:
			p[f.at].jt = rel(f.label)
		}
	}
	return p
}

// installSeccomp applies the filter to every thread of the process.
func installSeccomp() error {
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0, 0, 0, 0); e != 0 {
		return e
	}
	p := filterProgram()
	prog := sockFprog{n: uint16(len(p)), filter: &p[0]}
	if _, _, e := syscall.RawSyscall(sysSeccomp, seccompSetModeFilt, seccompFlagTsync, uintptr(unsafe.Pointer(&prog))); e != 0 {
		return e
	}
	return nil
}
