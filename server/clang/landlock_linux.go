//go:build linux

package clang

import (
	"encoding/binary"
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Landlock's system calls and flags (Linux uapi, include/uapi/linux/landlock.h).
const (
	sysLandlockCreateRuleset = 444
	sysLandlockAddRule       = 445
	sysLandlockRestrictSelf  = 446

	landlockCreateRulesetVersion = 1 << 0
	landlockRulePathBeneath      = 1

	llExecute    = 1 << 0
	llWriteFile  = 1 << 1
	llReadFile   = 1 << 2
	llReadDir    = 1 << 3
	llRemoveDir  = 1 << 4
	llRemoveFile = 1 << 5
	llMakeChar   = 1 << 6
	llMakeDir    = 1 << 7
	llMakeReg    = 1 << 8
	llMakeSock   = 1 << 9
	llMakeFifo   = 1 << 10
	llMakeBlock  = 1 << 11
	llMakeSym    = 1 << 12
	llRefer      = 1 << 13 // ABI 2
	llTruncate   = 1 << 14 // ABI 3
	llIoctlDev   = 1 << 15 // ABI 5

	llNetBindTCP    = 1 << 0 // ABI 4
	llNetConnectTCP = 1 << 1

	llScopeAbstractUnix = 1 << 0 // ABI 6
	llScopeSignal       = 1 << 1

	prSetNoNewPrivs = 38
)

// landlockABI returns the kernel's Landlock ABI version, 0 when Landlock
// is missing or disabled.
func landlockABI() int {
	v, _, errno := syscall.Syscall(sysLandlockCreateRuleset, 0, 0, landlockCreateRulesetVersion)
	if errno != 0 {
		return 0
	}
	return int(v)
}

// fsRights returns every file-system right the ABI knows: all of them
// are handled (denied unless a rule allows them).
func fsRights(abi int) uint64 {
	r := uint64(llExecute | llWriteFile | llReadFile | llReadDir | llRemoveDir | llRemoveFile |
		llMakeChar | llMakeDir | llMakeReg | llMakeSock | llMakeFifo | llMakeBlock | llMakeSym)
	if abi >= 2 {
		r |= llRefer
	}
	if abi >= 3 {
		r |= llTruncate
	}
	if abi >= 5 {
		r |= llIoctlDev
	}
	return r
}

// fileOnly are the rights that apply to a file (not a directory).
const fileOnly = llExecute | llWriteFile | llReadFile | llTruncate | llIoctlDev

// pathRule allows rights beneath path.
type pathRule struct {
	path   string
	rights uint64
}

// restrictSelf confines the calling thread (and what it execs) to rules.
// Paths that do not exist are skipped.
func restrictSelf(abi int, rules []pathRule) error {
	handled := fsRights(abi)
	// struct landlock_ruleset_attr grew with the ABI: fs, then net (4),
	// then scoped (6).
	attr := make([]byte, 24)
	binary.LittleEndian.PutUint64(attr[0:], handled)
	size := 8
	if abi >= 4 {
		binary.LittleEndian.PutUint64(attr[8:], llNetBindTCP|llNetConnectTCP)
		size = 16
	}
	if abi >= 6 {
		binary.LittleEndian.PutUint64(attr[16:], llScopeAbstractUnix|llScopeSignal)
		size = 24
	}
	fd, _, errno := syscall.Syscall(sysLandlockCreateRuleset, uintptr(unsafe.Pointer(&attr[0])), uintptr(size), 0)
	if errno != 0 {
		return fmt.Errorf("landlock_create_ruleset: %w", errno)
	}
	defer syscall.Close(int(fd))
	for _, r := range rules {
		f, err := os.OpenFile(r.path, os.O_RDONLY|unix.O_PATH|syscall.O_CLOEXEC, 0)
		if err != nil {
			continue
		}
		rights := r.rights & handled
		if st, err := f.Stat(); err == nil && !st.IsDir() {
			rights &= fileOnly
		}
		// struct landlock_path_beneath_attr is packed: u64 rights, s32 fd.
		var pb [12]byte
		binary.LittleEndian.PutUint64(pb[0:], rights)
		binary.LittleEndian.PutUint32(pb[8:], uint32(f.Fd()))
		_, _, errno := syscall.Syscall6(sysLandlockAddRule, fd, landlockRulePathBeneath, uintptr(unsafe.Pointer(&pb[0])), 0, 0, 0)
		f.Close()
		if errno != 0 {
			return fmt.Errorf("landlock_add_rule %s: %w", r.path, errno)
		}
	}
	if _, _, errno := syscall.RawSyscall6(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0, 0, 0, 0); errno != 0 {
		return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", errno)
	}
	if _, _, errno := syscall.Syscall(sysLandlockRestrictSelf, fd, 0, 0); errno != 0 {
		return fmt.Errorf("landlock_restrict_self: %w", errno)
	}
	return nil
}
