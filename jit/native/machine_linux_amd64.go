//go:build linux && amd64 && cgo

package native

import (
	"fmt"
	"unsafe"

	"github.com/bpfplay/bpfplay/core/helpers"
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/progtype"
)

// childState implements helpers.Machine over the process's real memory:
// addresses are plain pointers. The runner trusts the program (it was
// verified, or it is a test): a bad pointer faults like it would in the
// machine code, and the fault handler reports it.
var _ helpers.Machine = (*childState)(nil)

// Bytes returns n bytes at addr.
func (c *childState) Bytes(addr, n uint64, write bool) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	if addr < 4096 || addr+n < addr {
		return nil, fmt.Errorf("invalid memory access at %#x (%d bytes)", addr, n)
	}
	return unsafe.Slice((*byte)(ptr(addr)), n), nil
}

// ptr turns an address the machine code handed over into a pointer.
// The memory is not Go's (or is kept alive elsewhere), so the
// conversion is safe in the sense that matters here.
func ptr(addr uint64) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&addr)) }

// Map returns the map behind a handle.
func (c *childState) Map(addr uint64) (maps.Map, error) {
	if m, ok := c.handles[addr]; ok {
		return m, nil
	}
	return nil, fmt.Errorf("%#x is not a map pointer", addr)
}

// MapAddr returns (making it if needed) a handle for a map, e.g. an
// inner map found by a map-in-map lookup.
func (c *childState) MapAddr(m maps.Map) uint64 {
	if a, ok := c.handleOf[m]; ok {
		return a
	}
	obj := make([]byte, 256)
	c.keep = append(c.keep, obj)
	a := uint64(uintptr(unsafe.Pointer(&obj[0])))
	c.handles[a], c.handleOf[m] = m, a
	return a
}

// ValueAddr is the address of a value in the map's own storage.
func (c *childState) ValueAddr(m maps.Map, v []byte) uint64 {
	return uint64(uintptr(unsafe.Pointer(unsafe.SliceData(v))))
}

// RingSample returns the address of a ring buffer reservation.
func (c *childState) RingSample(s *maps.RingSample) uint64 {
	if len(s.Data) == 0 {
		return 0
	}
	a := uint64(uintptr(unsafe.Pointer(&s.Data[0])))
	if c.samples == nil {
		c.samples = map[uint64]*maps.RingSample{}
	}
	c.samples[a] = s
	return a
}

// Sample finds a reservation by address.
func (c *childState) Sample(addr uint64) (*maps.RingSample, error) {
	if s, ok := c.samples[addr]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("%#x is not a ring buffer reservation", addr)
}

// Buffer hands a helper-owned buffer to the program.
func (c *childState) Buffer(b []byte, writable bool) uint64 {
	if len(b) == 0 {
		return 0
	}
	c.keep = append(c.keep, b)
	return uint64(uintptr(unsafe.Pointer(&b[0])))
}

// Run is the context's Go model (nil when r1 is raw memory).
func (c *childState) Run() *progtype.Run { return c.model }

// CtxAddr is r1 at program start.
func (c *childState) CtxAddr() uint64 { return c.ctxAddr }

// PacketChanged: the kernel layout is rewritten after every helper call
// anyway (see helper), which moves its data pointers.
func (c *childState) PacketChanged() { c.changed = true }

// Call runs a bpf function (a callback) natively.
func (c *childState) Call(fn uint64, args [5]uint64) (uint64, error) {
	return callCode(fn, args), nil
}

// State is the helpers' world.
func (c *childState) State() *helpers.State { return c.st }
