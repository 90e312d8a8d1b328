// Package ksyms names the kernel functions a bpf program's machine code
// calls on the reference kernel (Linux 6.1.0-56-amd64 without KASLR):
// helpers, the map operations the verifier calls directly, the
// retpoline thunks. The JIT's listing uses it to name call targets; the
// verifier's rewrites use it to turn a helper into the call immediate
// the kernel's xlated code holds (address - __bpf_call_base).
package ksyms

import (
	_ "embed"
	"strconv"
	"strings"
	"sync"
)

//go:embed linux61.txt
var linux61 string

var (
	once   sync.Once
	byAddr map[uint64]string
	byName map[string]uint64
)

func load() {
	byAddr, byName = map[uint64]string{}, map[string]uint64{}
	for _, line := range strings.Split(linux61, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		a, name, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseUint(a, 16, 64)
		if err != nil {
			continue
		}
		if _, dup := byAddr[v]; !dup {
			byAddr[v] = name
		}
		byName[name] = v
	}
}

// Name returns the symbol at addr.
func Name(addr uint64) (string, bool) {
	once.Do(load)
	n, ok := byAddr[addr]
	return n, ok
}

// Addr returns the address of a symbol.
func Addr(name string) (uint64, bool) {
	once.Do(load)
	a, ok := byName[name]
	return a, ok
}
