package load

import (
	"github.com/bpfplay/bpfplay/core/interp"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/jit"
)

// Response is everything the pipeline learned about a request. Sections
// are nil when their stage did not run (an earlier stage failed, or the
// request did not ask for it); Diagnostics say why.
type Response struct {
	// OK: every stage that ran succeeded (the program was accepted, and
	// the run, if any, ended with exit).
	OK          bool         `json:"ok"`
	Diagnostics []Diagnostic `json:"diagnostics,omitempty"`

	ProgType string `json:"prog_type"`
	// Listing is the program as loaded, one entry per instruction, in
	// the kernel/llvm dialect, with the source line it came from.
	Listing []Line `json:"listing,omitempty"`
	// Maps are the maps created for the load, in fd order.
	Maps []MapInfo `json:"maps,omitempty"`
	// Classic is set for classic BPF input: the program as tcpdump -d
	// prints it and where each classic instruction starts in Listing.
	Classic *Classic `json:"classic,omitempty"`

	Verifier *VerifierResult `json:"verifier,omitempty"`
	Xlated   []Line          `json:"xlated,omitempty"`
	Load     *LoadInfo       `json:"load,omitempty"`
	Run      *RunResult      `json:"run,omitempty"`
	JIT      *JITResult      `json:"jit,omitempty"`
}

// Line is one instruction of a listing.
type Line struct {
	PC     int      `json:"pc"`             // slot number, as the kernel counts
	Width  int      `json:"width"`          // 2 for ld_imm64
	Hex    string   `json:"hex"`            // the raw slot(s)
	Text   string   `json:"text"`           // kernel/llvm dialect
	Line   int      `json:"line,omitempty"` // 1-based line in Source.Text
	Labels []string `json:"labels,omitempty"`
	// CSource is the C source line from BTF line info (ELF input).
	CSource string `json:"c_source,omitempty"`
}

// MapInfo describes a created map.
type MapInfo struct {
	Name       string `json:"name,omitempty"`
	Type       string `json:"type"`
	KeySize    uint32 `json:"key_size"`
	ValueSize  uint32 `json:"value_size"`
	MaxEntries uint32 `json:"max_entries"`
}

// Classic is the classic view of classic BPF input.
type Classic struct {
	Tcpdump string `json:"tcpdump"`         // tcpdump -d style listing
	Start   []int  `json:"start,omitempty"` // classic insn i starts at Listing[Start[i]]
}

// VerifierResult is the verifier's answer, in the kernel's terms.
type VerifierResult struct {
	Accepted bool   `json:"accepted"`
	Errno    int    `json:"errno"`           // as bpf(BPF_PROG_LOAD) would return
	Error    string `json:"error,omitempty"` // the kernel's error line
	ErrorPC  *int   `json:"error_pc,omitempty"`
	Log      string `json:"log"` // the verifier log, kernel text
	Stats    Stats  `json:"stats"`
	// States and Path come from the verifier as data for the UI: the
	// abstract state at each instruction, and the path to a rejection.
	States any   `json:"states,omitempty"`
	Path   []int `json:"path,omitempty"`
}

// Stats are the numbers of the log's statistics lines.
type Stats struct {
	InsnsProcessed   int   `json:"insns_processed"`
	MaxStatesPerInsn int   `json:"max_states_per_insn"`
	TotalStates      int   `json:"total_states"`
	PeakStates       int   `json:"peak_states"`
	MarkRead         int   `json:"mark_read"`
	StackDepth       []int `json:"stack_depth,omitempty"` // per function
	VerificationUsec int64 `json:"verification_usec"`
}

// LoadInfo mirrors the last steps of bpf_prog_load.
type LoadInfo struct {
	// Runtime is "jit" or "interpreter".
	Runtime string `json:"runtime"`
	// Interpreter names the kernel's interpreter variant chosen by the
	// stack depth rounded up to 32 bytes (__bpf_prog_run32 ...).
	Interpreter string `json:"interpreter,omitempty"`
	StackDepth  int    `json:"stack_depth"`
	ID          int    `json:"id"`
}

// RunResult is the outcome of a test run.
type RunResult struct {
	OK     bool   `json:"ok"`
	Errno  int    `json:"errno,omitempty"`
	Error  string `json:"error,omitempty"`
	Engine string `json:"engine"` // "interpreter", "wasm", "native"
	// R0 is the full 64-bit r0; Retval the u32 test_run reports.
	R0         uint64 `json:"r0"`
	Retval     uint32 `json:"retval"`
	RetvalName string `json:"retval_name,omitempty"` // e.g. XDP_DROP
	Insns      int64  `json:"insns"`
	DurationNs int64  `json:"duration_ns"`
	Fault      *Fault `json:"fault,omitempty"`

	DataOut record.Hex `json:"data_out,omitempty"`
	// TracePipe is what bpf_trace_printk wrote, as trace_pipe shows it.
	TracePipe string         `json:"trace_pipe,omitempty"`
	Maps      []MapContents  `json:"maps_after,omitempty"`
	Trace     []interp.Step  `json:"trace,omitempty"`
	Truncated bool           `json:"trace_truncated,omitempty"`
	Output    []OutputRecord `json:"output,omitempty"` // ringbuf / perf records
}

// Fault is a runtime error (the program stopped without exit).
type Fault struct {
	PC   int    `json:"pc"`
	Kind string `json:"kind"`
	Msg  string `json:"message"`
	Addr uint64 `json:"addr,omitempty"`
}

// MapContents is a map's entries after a run.
type MapContents struct {
	Name    string         `json:"name,omitempty"`
	Type    string         `json:"type"`
	Entries []record.Entry `json:"entries"`
}

// OutputRecord is one record a program sent to user space.
type OutputRecord struct {
	Map  string     `json:"map,omitempty"`
	Kind string     `json:"kind"` // "ringbuf" or "perf"
	Data record.Hex `json:"data"`
}

// JITResult is the x86-64 image and its listing.
type JITResult struct {
	// Program says which program was compiled: "xlated" (the verifier's
	// rewritten program, what the kernel JITs: the listing's slots are
	// those of Response.Xlated) or "as_written" (no_verify: the listing's
	// slots are those of Response.Listing).
	Program  string     `json:"program"`
	Code     record.Hex `json:"code"`
	FuncLens []int      `json:"func_lens"`
	// Listing maps machine code to eBPF instructions.
	Listing []JITLine `json:"listing,omitempty"`
}

// JITLine is one x86-64 instruction of the JIT listing: jit.Line (off,
// addr, bytes, text, slot, func, note) and the slot of the instruction as
// loaded (Response.Listing) it comes from.
type JITLine struct {
	jit.Line
	// OrigSlot is the slot in Response.Listing of the instruction the
	// machine code was compiled from (for rewritten code, the instruction
	// the rewrite replaced); absent for the prologue.
	OrigSlot *int `json:"orig_slot,omitempty"`
}
