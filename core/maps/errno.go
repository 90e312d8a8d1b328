package maps

import "strconv"

// Errno is a Linux error number. Helpers return it negated in r0.
type Errno int

// The errnos maps return.
const (
	EPERM      Errno = 1
	ENOENT     Errno = 2
	E2BIG      Errno = 7
	EBADF      Errno = 9
	ENOMEM     Errno = 12
	EBUSY      Errno = 16
	EEXIST     Errno = 17
	EINVAL     Errno = 22
	ENOSPC     Errno = 28
	EOPNOTSUPP Errno = 95
	ENOTSUPP   Errno = 524
)

var errnoNames = map[Errno]string{
	EPERM: "EPERM", ENOENT: "ENOENT", E2BIG: "E2BIG", EBADF: "EBADF", ENOMEM: "ENOMEM", EBUSY: "EBUSY",
	EEXIST: "EEXIST", EINVAL: "EINVAL", ENOSPC: "ENOSPC", EOPNOTSUPP: "EOPNOTSUPP", ENOTSUPP: "ENOTSUPP",
	ENODEV: "ENODEV", EOVERFLOW: "EOVERFLOW",
}

func (e Errno) Error() string {
	if n, ok := errnoNames[e]; ok {
		return n
	}
	return "errno " + strconv.Itoa(int(e))
}

// Name returns the errno's symbolic name.
func (e Errno) Name() string { return e.Error() }

// Neg returns -errno as a helper's 64-bit return value.
func (e Errno) Neg() uint64 { return uint64(-int64(e)) }

// ErrnoOf extracts the Errno of an error, 0 for nil, EINVAL for others.
func ErrnoOf(err error) Errno {
	if err == nil {
		return 0
	}
	if e, ok := err.(Errno); ok {
		return e
	}
	if e, ok := err.(*CreateError); ok {
		return e.Errno
	}
	return EINVAL
}

// Update flags.
const (
	Any     = 0 // BPF_ANY: create or replace
	NoExist = 1 // BPF_NOEXIST: create only
	Exist   = 2 // BPF_EXIST: replace only
	FLock   = 4 // BPF_F_LOCK: update under the value's spin lock
)

// Map creation flags (map_flags).
const (
	FNoPrealloc   = 1 << 0
	FNoCommonLRU  = 1 << 1
	FNumaNode     = 1 << 2
	FRdonly       = 1 << 3
	FWronly       = 1 << 4
	FStackBuildID = 1 << 5
	FZeroSeed     = 1 << 6
	FRdonlyProg   = 1 << 7
	FWronlyProg   = 1 << 8
	FClone        = 1 << 9
	FMmapable     = 1 << 10
	FPreserveElem = 1 << 11
	FInnerMap     = 1 << 12
)
