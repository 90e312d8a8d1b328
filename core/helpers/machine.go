package helpers

import (
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/progtype"
)

// Machine is what a helper may do to the running program. The
// interpreter implements it.
type Machine interface {
	// Bytes returns n bytes of program memory at addr, writable when
	// write is set, or an error (a fault) when they are not all in one
	// region the program may access that way.
	Bytes(addr, n uint64, write bool) ([]byte, error)
	// Map returns the map a map pointer stands for.
	Map(addr uint64) (maps.Map, error)
	// MapAddr returns the pointer standing for a map (map-in-map lookup).
	MapAddr(m maps.Map) uint64
	// ValueAddr returns the address of a map value the program may
	// read and write.
	ValueAddr(m maps.Map, v []byte) uint64
	// RingSample maps a ring buffer reservation and returns its address;
	// Sample finds the reservation at an address.
	RingSample(s *maps.RingSample) uint64
	Sample(addr uint64) (*maps.RingSample, error)
	// Buffer maps a helper-owned buffer (a key handed to a callback)
	// and returns its address.
	Buffer(b []byte, writable bool) uint64
	// Run is the runtime context (nil when r1 is raw memory).
	Run() *progtype.Run
	// CtxAddr is r1's value at program start.
	CtxAddr() uint64
	// PacketChanged tells the machine the packet moved or changed size
	// (adjust_head, ...): old packet pointers become invalid.
	PacketChanged()
	// Call runs the bpf function at address fn (a callback given as a
	// ld_imm64 src 4 pointer) with five arguments and returns its r0.
	Call(fn uint64, args [5]uint64) (uint64, error)
	// State is the helpers' world: clock, PRNG, task, outputs.
	State() *State
}

// Func is a helper implementation. It receives r1-r5 and returns r0; an
// error stops the program with a fault (an invalid pointer argument,
// say) — errors the kernel reports to the program are returned as
// negative errno values in r0, not as errors.
type Func func(m Machine, a *[5]uint64) (uint64, error)

var table = map[isa.HelperID]Func{}

func register(id isa.HelperID, f Func) {
	if _, dup := table[id]; dup {
		panic("BUG: helper registered twice: " + id.String())
	}
	table[id] = f
}

// reg registers a helper by its Linux name, so numbers come from one
// table (isa's).
func reg(name string, f Func) {
	id, ok := isa.HelperByName(name)
	if !ok {
		panic("BUG: unknown helper " + name)
	}
	register(id, f)
}

// Lookup returns the implementation of a helper, or nil.
func Lookup(id isa.HelperID) Func { return table[id] }

// Implemented returns the helper numbers that have an implementation.
func Implemented() []isa.HelperID {
	out := make([]isa.HelperID, 0, len(table))
	for id := range table {
		out = append(out, id)
	}
	return out
}
