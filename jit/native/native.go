// Package native executes JIT-compiled eBPF programs for real, on
// linux/amd64.
//
// Every run happens in a child process: the running binary re-executed
// in a hidden runner mode (see Child). The child compiles the program
// with package jit at the address of a fresh mapping, makes the mapping
// executable (writable first, executable after, never both), drops into
// a seccomp filter that allows only the system calls the Go runtime and
// the helpers need, and calls the machine code through cgo, so that the
// code runs on a system stack and helpers can call back into Go. The
// parent limits the child's CPU time, memory and wall-clock time; a
// fault, a hang or a kill comes back as an error and the parent goes on.
//
// Elsewhere (other systems, js/wasm, builds without cgo) Run returns
// ErrUnsupported.
package native

import (
	"errors"
	"fmt"
	"time"

	"github.com/bpfplay/bpfplay/core/record"
)

// ErrUnsupported is returned where native execution is not available.
var ErrUnsupported = errors.New("native execution needs linux/amd64 with cgo")

// Request is one native run.
type Request struct {
	// Insns is the program, 8 bytes per slot. bpf-to-bpf calls may be in
	// raw form (target in imm): the runner converts them. Helper calls
	// carry helper numbers (not the kernel's xlated addresses).
	Insns []byte `json:"insns"`
	// StackDepth per function, as the verifier computed it; empty: 512
	// bytes (MAX_BPF_STACK) for every function.
	StackDepth []int `json:"stack_depth,omitempty"`
	// Verified says the program carries the verifier's run-time guards
	// already (an xlated program). Otherwise jit.RuntimeFixups adds the
	// guards that make division by zero well defined.
	Verified bool `json:"verified,omitempty"`
	// Xlated says the program is the kernel's xlated form: calls go to
	// kernel addresses (imm = address - __bpf_call_base, resolved with
	// the reference kernel's symbols to helpers and map operations), and
	// ld_imm64 of maps carry map ids (the distinct ids, in increasing
	// order, are Maps[0], Maps[1], ...; MapIDs says otherwise). It
	// implies Verified.
	Xlated bool `json:"xlated,omitempty"`
	// MapIDs, for Xlated programs, gives the id each of Maps has in the
	// program's ld_imm64 (MapIDs[i] is Maps[i]'s): needed when the
	// program does not refer to every map.
	MapIDs []int32 `json:"map_ids,omitempty"`
	// ProgType, when set, gives the program its context the way
	// BPF_PROG_TEST_RUN builds it from Data (the packet) and Ctx (the
	// uapi context struct), laid out as the kernel's struct sk_buff or
	// xdp_buff: the layout the verifier's context rewrites (xlated code)
	// expect. r1 points to it. Types without a packet get Ctx (or Data)
	// as raw memory.
	ProgType string `json:"prog_type,omitempty"`
	// Classic says Insns is a classic BPF program (sock_filter structs):
	// it is converted as Linux converts it (core/cbpf.Convert) and runs
	// on a kernel-layout skb built from Data by core/cbpf's model named
	// here: "test_bpf" (lib/test_bpf.c's skb), "test_run" (what
	// BPF_PROG_TEST_RUN builds) or "packet".
	Classic string `json:"classic,omitempty"`
	Data    []byte `json:"data,omitempty"`
	Ctx     []byte `json:"ctx,omitempty"`
	// Mem is copied into a buffer whose address goes in r1 and whose
	// length goes in r2 (the conformance suite's convention). Without
	// Mem, r1 and r2 are 0.
	Mem []byte `json:"mem,omitempty"`
	// Maps are created before the run; ld_imm64 with src 1 (or 2) and
	// imm N refers to Maps[N].
	Maps []record.Map `json:"maps,omitempty"`
	// Seed of bpf_get_prandom_u32.
	Seed uint64 `json:"seed,omitempty"`
	// Repeat runs the program this many times (Mem restored before
	// each run) and reports timings (of all runs but the first, a
	// warm-up, when there are several). 0 means 1.
	Repeat int `json:"repeat,omitempty"`
	// Limits (defaults: DefaultLimits).
	Limits Limits `json:"limits"`
	// TestHook makes the child misbehave on purpose after its sandbox is
	// in place, for the tests of the sandbox: "syscall" (a forbidden
	// system call), "alloc" (allocate past the memory limit), "spin"
	// (burn CPU in Go code).
	TestHook string `json:"test_hook,omitempty"`
}

// Limits bound a child process.
type Limits struct {
	CPUTime  time.Duration `json:"cpu_time,omitempty"`  // RLIMIT_CPU (rounded up to seconds)
	WallTime time.Duration `json:"wall_time,omitempty"` // killed after this long
	Memory   int64         `json:"memory,omitempty"`    // RLIMIT_DATA (private writable memory) in bytes
}

// DefaultLimits are used for zero fields.
var DefaultLimits = Limits{CPUTime: 10 * time.Second, WallTime: 20 * time.Second, Memory: 2 << 30}

// Result is what a run produced.
type Result struct {
	R0 uint64 `json:"r0"`
	// Mem is the buffer after the (last) run.
	Mem []byte `json:"mem,omitempty"`
	// DataOut is the packet after the run, as BPF_PROG_TEST_RUN returns
	// it (with ProgType).
	DataOut []byte `json:"data_out,omitempty"`
	// Maps holds every map's entries after the run.
	Maps [][]record.Entry `json:"maps,omitempty"`
	// Output holds bpf_trace_printk messages.
	Output []string `json:"output,omitempty"`
	// Timing, with Repeat: per-run thread CPU time.
	MinNs    float64 `json:"min_ns,omitempty"`
	MedianNs float64 `json:"median_ns,omitempty"`
	MaxNs    float64 `json:"max_ns,omitempty"`
	// CompileNs is the time jit.Compile took in the child.
	CompileNs int64 `json:"compile_ns,omitempty"`
	// CodeSize is the machine code's length.
	CodeSize int `json:"code_size,omitempty"`
}

// Fault is a run that did not end with exit: a signal in the machine
// code, a helper's fault, a limit.
type Fault struct {
	Kind string // "signal", "helper", "cpu-limit", "timeout", "memory", "seccomp", "compile", "crash"
	// PC is the eBPF slot where the fault happened, -1 when unknown.
	PC  int
	Msg string
}

func (f *Fault) Error() string {
	if f.PC >= 0 {
		return fmt.Sprintf("native run: %s at insn %d: %s", f.Kind, f.PC, f.Msg)
	}
	return fmt.Sprintf("native run: %s: %s", f.Kind, f.Msg)
}

func (l Limits) withDefaults() Limits {
	if l.CPUTime <= 0 {
		l.CPUTime = DefaultLimits.CPUTime
	}
	if l.WallTime <= 0 {
		l.WallTime = DefaultLimits.WallTime
	}
	if l.Memory <= 0 {
		l.Memory = DefaultLimits.Memory
	}
	return l
}
