package clang

import "errors"

// Result is the outcome of one compilation.
type Result struct {
	// OK: clang exited 0 and Object holds the ELF file.
	OK          bool    `json:"ok"`
	Object      []byte  `json:"object,omitempty"` // base64 in JSON
	Diagnostics string  `json:"diagnostics"`      // clang's warnings and errors, paths relative to prog.c
	TimeMS      float64 `json:"time_ms"`
}

// ErrNotFound: no usable clang on this machine.
var ErrNotFound = errors.New("clang not found: install Debian's clang (apt-get install -y clang; libbpf-dev adds <bpf/bpf_helpers.h>)")
