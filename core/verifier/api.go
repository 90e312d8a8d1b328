package verifier

import (
	"github.com/bpfplay/bpfplay/core/isa"
)

// Errno values the kernel's bpf(BPF_PROG_LOAD) returns.
const (
	EPERM    = 1
	ENOENT   = 2
	E2BIG    = 7
	ENOMEM   = 12
	EACCES   = 13
	EFAULT   = 14
	EBUSY    = 16
	EINVAL   = 22
	ENOSPC   = 28
	ERANGE   = 34
	ENOTSUPP = 524
)

// Map describes a map the program refers to. A program names a map by
// an ld_imm64 whose src is 1 (map fd) or 2 (map value) and whose imm is
// the map's FD.
type Map struct {
	Type       string // kernel name without BPF_MAP_TYPE_: "hash", "array", ...
	KeySize    uint32
	ValueSize  uint32
	MaxEntries uint32
	Flags      uint32
	FD         int32 // the number ld_imm64 carries
	// ID is the kernel's map id, which `bpftool prog dump xlated` shows in
	// place of the map pointer; Addr is the kernel address of the struct
	// bpf_map the privileged log prints ("r1 = 0xffff8880...").
	ID   uint32
	Addr uint64
	// ValueAddr is the address of the first value of an array map
	// (BPF_PSEUDO_MAP_VALUE loads show it).
	ValueAddr uint64
	Inner     *Map // the template of array_of_maps / hash_of_maps
	// Name is the map's name (bpf_attr.map_name), which a few messages
	// print; Frozen says BPF_MAP_FREEZE was applied.
	Name   string
	Frozen bool
}

// Options say how to load the program, like the attributes of
// bpf(BPF_PROG_LOAD).
type Options struct {
	ProgType   string // kernel name without BPF_PROG_TYPE_: "socket_filter", "xdp", ...
	AttachType string // expected_attach_type, kernel name without BPF_
	Maps       []Map
	ProgFlags  uint32 // BPF_F_STRICT_ALIGNMENT 1, BPF_F_ANY_ALIGNMENT 2, BPF_F_TEST_RND_HI32 4, BPF_F_TEST_STATE_FREQ 8, BPF_F_SLEEPABLE 16
	// LogLevel is 0, 1 (the failing path) or 2 (every instruction);
	// statistics are always appended (BPF_LOG_STATS).
	LogLevel int
	// LogSize is the size of the user's log buffer; 0 means large enough
	// for any log (the kernel oracle retries with a bigger buffer). When the log
	// does not fit, the load fails with ENOSPC as in Linux.
	LogSize int
	// Unpriv loads as a user without CAP_BPF/CAP_PERFMON/CAP_NET_ADMIN/
	// CAP_SYS_ADMIN, as with sysctl kernel.unprivileged_bpf_disabled=0.
	Unpriv bool
	// NoStates skips recording per-instruction states (faster).
	NoStates bool
	// MaxStates caps how many state snapshots are kept (0: 4096); at
	// most 8 are kept per instruction.
	MaxStates int
	// MaxStateBytes caps the memory the snapshots take (0: 16 MiB): a
	// snapshot of a full 512-byte stack of spilled pointers is ~30 KB,
	// and 4096 of them would outweigh the rest of the verifier's work on
	// a million-instruction program.
	MaxStateBytes int
	// Kernel supplies addresses for the xlated program; nil uses the
	// Debian 6.1.0-56 build's.
	Kernel *KernelAddrs
	// InsnLimit lowers the complexity limit (the kernel's 1,000,000
	// processed instructions; 0 keeps it) for callers that need a
	// bounded answer time, like the soundness fuzz target: a lower
	// limit only rejects more (E2BIG), it never accepts more.
	InsnLimit int
}

// KernelAddrs are the kernel addresses the rewrites put into the
// program: helper call immediates are offsets of the helper function
// from __bpf_call_base.
type KernelAddrs struct {
	// CallOffset returns func - __bpf_call_base for a kernel symbol.
	CallOffset func(symbol string) (int32, bool)
}

// Result is the verifier's answer.
type Result struct {
	Accepted bool
	Errno    int    // 0 when accepted; EACCES, EINVAL, E2BIG, ...
	Log      string // the kernel's log text at the requested level, with statistics
	// ErrorLine is the line of the log that says why the program was
	// rejected (the last line before the statistics); empty when accepted.
	ErrorLine string
	// ErrorPC is the instruction (slot) the verifier was looking at when it
	// gave up, or -1.
	ErrorPC int
	Stats   Stats
	// States has, per instruction slot, the abstract states seen there
	// (bounded by Options.MaxStates and MaxStateBytes).
	States [][]State
	// Path is the sequence of instructions of the path that was rejected
	// (UI: "how did we get here").
	Path []PathStep
	// Xlated is the program after the verifier's rewrites, when accepted.
	Xlated []isa.Slot
	// XlatedOrig[i] is the slot of the program as loaded that xlated slot
	// i comes from: itself, or the instruction a rewrite replaced by
	// several (a ctx load and its conversion, an inlined map lookup ...).
	XlatedOrig []int
	// DirectTailCalls are the xlated slots of the tail calls the JIT
	// patches into direct jumps (the kernel's poke descriptors: a
	// constant index below the array's size, privileged, JIT on); the
	// dumped program shows every tail call as "call 12".
	DirectTailCalls []int
	// StackDepth per subprogram.
	StackDepth []int
}

// Stats are the numbers the kernel prints at the end of the log.
type Stats struct {
	InsnsProcessed   int
	MaxStatesPerInsn int
	TotalStates      int
	PeakStates       int
	MarkRead         int
	// VerificationTimeUsec is bpfplay's own time (the kernel prints its own).
	VerificationTimeUsec int64
}

// PathStep is one instruction on a path, with the branch taken when it
// is a conditional jump.
type PathStep struct {
	PC    int
	Taken *bool `json:",omitempty"`
}

// State is the abstract state before one instruction: every frame's
// registers and stack slots.
type State struct {
	Frames []FrameState
	// Speculative marks states explored only for Spectre v1 sanitising.
	Speculative bool `json:",omitempty"`
}

// FrameState is one call frame.
type FrameState struct {
	Regs  []RegValue  // only initialised registers
	Stack []SlotValue // only slots that are not invalid
}

// RegValue is one register's abstract value.
type RegValue struct {
	Reg     int
	Type    string // "scalar", "ctx", "map_value_or_null", ...
	Text    string // the log's rendering: "scalar(umax=255,var_off=(0x0; 0xff))"
	Off     int32  `json:",omitempty"`
	ID      uint32 `json:",omitempty"`
	Precise bool   `json:",omitempty"`
	// Value/Mask is the tnum; bounds follow.
	Value, Mask    uint64
	SMin, SMax     int64
	UMin, UMax     uint64
	S32Min, S32Max int32
	U32Min, U32Max uint32
}

// SlotValue is one 8-byte stack slot: Types has one character per byte
// ('r' spilled register, 'm' misc, '0' zero, '?' invalid), from the top
// byte down, as the log prints it.
type SlotValue struct {
	Off   int // -8, -16, ...
	Types string
	Spill *RegValue `json:",omitempty"`
}

// Verify checks a decoded program as bpf(BPF_PROG_LOAD) would, and
// says whether Linux 6.1 accepts it, why not in the kernel's words
// (Result.Log, ErrorLine), and what the verifier learnt (States, Stats,
// Xlated). opts may be nil (a socket filter, log level 1).
func Verify(prog isa.Program, opts *Options) *Result {
	slots := make([]isa.Slot, 0, prog.NumSlots())
	for _, ins := range prog {
		slots = append(slots, ins.Slots()...)
	}
	return VerifySlots(slots, opts)
}

// VerifySlots checks a program given as raw instruction slots, the form
// the kernel receives. Malformed instructions (reserved fields, a bad
// second half of ld_imm64...) are the verifier's to report, with Linux's
// messages, so no prior decoding is needed.
func VerifySlots(slots []isa.Slot, opts *Options) *Result {
	if opts == nil {
		opts = &Options{ProgType: "socket_filter", LogLevel: 1}
	}
	o := *opts
	v := newVerifier(slots, &o)
	return v.run()
}
