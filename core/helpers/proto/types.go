package proto

// Arg is an argument kind (enum bpf_arg_type): a base kind in the low
// 8 bits and flags above, as in the kernel.
type Arg uint32

// Base argument kinds, in Linux 6.1's order.
const (
	ArgDontCare Arg = iota
	ArgConstMapPtr
	ArgPtrToMapKey
	ArgPtrToMapValue
	ArgPtrToMem
	ArgConstSize
	ArgConstSizeOrZero
	ArgPtrToCtx
	ArgAnything
	ArgPtrToSpinLock
	ArgPtrToSockCommon
	ArgPtrToSocket
	ArgPtrToBTFID
	ArgPtrToAllocMem
	ArgConstAllocSizeOrZero
	ArgPtrToBTFIDSockCommon
	ArgPtrToPercpuBTFID
	ArgPtrToFunc
	ArgPtrToStack
	ArgPtrToConstStr
	ArgPtrToTimer
	ArgPtrToKptr
	ArgPtrToDynptr
	NumArgKinds
)

// Flags shared by arguments, return values and register types (enum
// bpf_type_flag). Their bit positions are Linux 6.1.192's.
const (
	baseBits          = 8
	MaybeNull     Arg = 1 << (baseBits + 0)
	MemRdonly     Arg = 1 << (baseBits + 1)
	MemAlloc      Arg = 1 << (baseBits + 2)
	MemUser       Arg = 1 << (baseBits + 3)
	MemPercpu     Arg = 1 << (baseBits + 4)
	ObjRelease    Arg = 1 << (baseBits + 5)
	PtrUntrusted  Arg = 1 << (baseBits + 6)
	MemUninit     Arg = 1 << (baseBits + 7)
	DynptrLocal   Arg = 1 << (baseBits + 8)
	DynptrRingbuf Arg = 1 << (baseBits + 9)
	MemFixedSize  Arg = 1 << (baseBits + 10)
	MemAligned    Arg = 1 << (baseBits + 17)
	MemWrite      Arg = 1 << (baseBits + 18)
)

// Base returns the kind without flags.
func (a Arg) Base() Arg { return a & (1<<baseBits - 1) }

// Common combinations, named as in the kernel.
const (
	ArgPtrToMapValueOrNull = ArgPtrToMapValue | MaybeNull
	ArgPtrToMemOrNull      = ArgPtrToMem | MaybeNull
	ArgPtrToCtxOrNull      = ArgPtrToCtx | MaybeNull
	ArgPtrToSocketOrNull   = ArgPtrToSocket | MaybeNull
	ArgPtrToAllocMemOrNull = ArgPtrToAllocMem | MaybeNull
	ArgPtrToStackOrNull    = ArgPtrToStack | MaybeNull
	ArgPtrToBTFIDOrNull    = ArgPtrToBTFID | MaybeNull
	ArgPtrToUninitMem      = ArgPtrToMem | MemUninit | MemWrite
	ArgPtrToFixedSizeMem   = ArgPtrToMem | MemFixedSize
)

// Ret is a return kind (enum bpf_return_type) with flags.
type Ret uint32

// Base return kinds.
const (
	RetInteger Ret = iota
	RetVoid
	RetPtrToMapValue
	RetPtrToSocket
	RetPtrToTCPSock
	RetPtrToSockCommon
	RetPtrToAllocMem
	RetPtrToMemOrBTFID
	RetPtrToBTFID
)

// Base returns the kind without flags.
func (r Ret) Base() Ret { return r & (1<<baseBits - 1) }

// Named combinations.
const (
	RetPtrToMapValueOrNull   = RetPtrToMapValue | Ret(MaybeNull)
	RetPtrToSocketOrNull     = RetPtrToSocket | Ret(MaybeNull)
	RetPtrToTCPSockOrNull    = RetPtrToTCPSock | Ret(MaybeNull)
	RetPtrToSockCommonOrNull = RetPtrToSockCommon | Ret(MaybeNull)
	RetPtrToAllocMemOrNull   = RetPtrToAllocMem | Ret(MaybeNull) | Ret(MemAlloc)
	RetPtrToDynptrMemOrNull  = RetPtrToAllocMem | Ret(MaybeNull)
	RetPtrToBTFIDOrNull      = RetPtrToBTFID | Ret(MaybeNull)
)

// Proto is one helper prototype (struct bpf_func_proto). Several
// prototypes can exist for one helper number (bpf_get_socket_cookie takes
// a different context per program type); Name tells them apart.
type Proto struct {
	Name       string // the kernel's proto variable without "_proto", e.g. "bpf_skb_event_output"
	Func       string // the kernel function the call lands on (for xlated), e.g. "bpf_skb_event_output"
	GPLOnly    bool
	PktAccess  bool
	MightSleep bool
	// Allowed names the kernel's extra check of where the helper may be
	// used ("bpf_d_path_allowed"), empty when there is none.
	Allowed string
	Ret     Ret
	Args    [5]Arg
	// ArgSize is the fixed size of MemFixedSize arguments.
	ArgSize [5]int
	// ArgBTF names the kernel type of PtrToBTFID arguments ("sock_common",
	// "task", ...); RetBTF the type a PtrToBTFID result points to. bpfplay
	// has no kernel BTF: these are names only.
	ArgBTF [5]string
	RetBTF string
}

// NumArgs counts the declared arguments.
func (p *Proto) NumArgs() int {
	n := 0
	for i, a := range p.Args {
		if a != ArgDontCare {
			n = i + 1
		}
	}
	return n
}
