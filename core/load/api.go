package load

import "github.com/bpfplay/bpfplay/core/record"

// Request is one question put to the pipeline: a program, how to load it,
// and optionally what to run it on and whether to JIT it. The same JSON
// is accepted by the wasm bridge, the server's API and (translated from
// program records) by `bpfplay batch`.
type Request struct {
	Source Source `json:"source"`

	// ProgType is the kernel's enum name without BPF_PROG_TYPE_, lower
	// case ("socket_filter", "xdp", "sched_cls", ...). Default: the ELF
	// section's type, else socket_filter.
	ProgType   string `json:"prog_type,omitempty"`
	AttachType string `json:"expected_attach_type,omitempty"`
	// ProgFlags are BPF_F_* load flags: 1 strict alignment, 2 any
	// alignment, 4 test_rnd_hi32, ...
	ProgFlags uint32 `json:"prog_flags,omitempty"`
	// LogLevel is the verifier log level, 0, 1 or 2; statistics are
	// always included (BPF_LOG_STATS), as the kernel oracle does.
	LogLevel int  `json:"log_level,omitempty"`
	Unpriv   bool `json:"unpriv,omitempty"` // load as an unprivileged user
	// NoVerify skips the verifier (as Linux's test_bpf module does when
	// it runs programs directly); the run is then the interpreter's only.
	NoVerify bool `json:"no_verify,omitempty"`

	// Maps are created before the load. For raw instructions, Fixups name
	// the ld_imm64 slots that receive each map (the corpus convention);
	// assembly text refers to maps by Name.
	Maps []record.Map `json:"maps,omitempty"`

	Run *RunOptions `json:"run,omitempty"` // nil: do not run
	JIT bool        `json:"jit,omitempty"` // also emit x86-64 code
	// JITSyntax is the listing's assembly syntax: "att" (default) or "intel".
	JITSyntax string `json:"jit_syntax,omitempty"`
}

// Source is the program in one of the forms people have in hand. Exactly
// one of Text, Insns, ELF must be set.
type Source struct {
	// Text is assembly or a classic BPF listing.
	Text string `json:"text,omitempty"`
	// Dialect of Text: "kernel" (kernel/llvm assembly, the default),
	// "conformance" (the bpf_conformance dialect), or "cbpf" (classic BPF
	// in any format bpfplay reads: tcpdump -d/-dd/-ddd, iptables bytecode,
	// bpf_asm; the format is detected).
	Dialect string `json:"dialect,omitempty"`
	// Insns is raw eBPF (8 bytes per slot), or classic sock_filter
	// structs when CBPF is set.
	Insns record.Hex `json:"insns,omitempty"`
	CBPF  bool       `json:"cbpf,omitempty"`
	// ELF is a clang-built object; Program picks a program by function
	// or section name (the first program when empty).
	ELF     []byte `json:"elf,omitempty"` // base64 in JSON
	Program string `json:"program,omitempty"`
}

// RunOptions is the input of a test run.
type RunOptions struct {
	Data   record.Hex `json:"data,omitempty"` // packet bytes
	Ctx    record.Hex `json:"ctx,omitempty"`  // context struct bytes (uapi layout), zero-filled when short
	Repeat int        `json:"repeat,omitempty"`
	// Budget caps executed instructions (default 1,000,000).
	Budget int64 `json:"budget,omitempty"`
	// Trace records every executed instruction's changes for the step
	// debugger (bounded; see RunResult.TraceTruncated).
	Trace bool `json:"trace,omitempty"`
	// Engine: "auto" (default), "interp", or "native" (server/CLI on
	// linux/amd64 only: runs the JIT's machine code in a sandbox).
	Engine string `json:"engine,omitempty"`
	// Seed makes bpf_get_prandom_u32 reproducible; Clock starts the
	// virtual ktime (ns).
	Seed  uint64 `json:"seed,omitempty"`
	Clock uint64 `json:"clock,omitempty"`
}

// Diagnostic is an error or warning tied to a place in the input.
type Diagnostic struct {
	Severity string `json:"severity"` // "error" or "warning"
	Stage    string `json:"stage"`    // "input", "assemble", "decode", "verify", "run", "jit"
	Line     int    `json:"line,omitempty"`
	Col      int    `json:"col,omitempty"`
	PC       *int   `json:"pc,omitempty"`
	Message  string `json:"message"`
}
