package proto

// Arg is an argument kind (enum bpf_arg_type): a base kind in the low
// 8 bits and flags above, as in the kernel.
type Arg uint32

// Base argument kinds.
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
	ArgPtrToInt
	ArgPtrToLong
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
)

// Flags shared by arguments and return values (enum bpf_type_flag).
const (
	baseBits      = 8
	MaybeNull Arg = 1 << (baseBits + iota)
	MemRdonly
	MemAlloc
	MemUser
	MemPercpu
	ObjRelease
	PtrUntrusted
	MemUninit
	DynptrLocal
	DynptrRingbuf
	MemFixedSize
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
	ArgPtrToUninitMem      = ArgPtrToMem | MemUninit
	ArgPtrToFixedSizeMem   = ArgPtrToMem | MemFixedSize
	ArgPtrToRdonlyMem      = ArgPtrToMem | MemRdonly
	ArgPtrToSockCommonNull = ArgPtrToSockCommon | MaybeNull
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

// Return flags reuse the argument flag bits.
const (
	RetMaybeNull = Ret(MaybeNull)
	RetMemRdonly = Ret(MemRdonly)
	RetMemAlloc  = Ret(MemAlloc)
)

// Base returns the kind without flags.
func (r Ret) Base() Ret { return r & (1<<baseBits - 1) }

// Named combinations.
const (
	RetPtrToMapValueOrNull   = RetPtrToMapValue | RetMaybeNull
	RetPtrToSocketOrNull     = RetPtrToSocket | RetMaybeNull
	RetPtrToTCPSockOrNull    = RetPtrToTCPSock | RetMaybeNull
	RetPtrToSockCommonOrNull = RetPtrToSockCommon | RetMaybeNull
	RetPtrToAllocMemOrNull   = RetPtrToAllocMem | RetMaybeNull | RetMemAlloc
	RetPtrToBTFIDOrNull      = RetPtrToBTFID | RetMaybeNull
)

// Proto is one helper prototype (struct bpf_func_proto). Several
// prototypes can exist for one helper number (bpf_get_socket_cookie takes
// a different context per program type); Name tells them apart.
type Proto struct {
	Name      string // the kernel's proto variable without "_proto", e.g. "bpf_skb_event_output"
	Func      string // the kernel function the call lands on (for xlated), e.g. "bpf_skb_event_output"
	GPLOnly   bool
	PktAccess bool
	Ret       Ret
	Args      [5]Arg
	// ArgSize is the fixed size of MemFixedSize arguments.
	ArgSize [5]int
	// ArgBTF names the kernel struct of PtrToBTFID arguments ("sk_buff",
	// "task_struct", ...); RetBTF the struct a PtrToBTFID result points to.
	ArgBTF [5]string
	RetBTF string
	// RetSize is the size of memory returned by RetPtrToMemOrBTFID helpers
	// with a fixed size.
	RetSize    int
	MightSleep bool
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
