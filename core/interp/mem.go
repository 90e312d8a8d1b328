package interp

import (
	"fmt"

	"github.com/bpfplay/bpfplay/core/maps"
)

// Region kinds: what an address points into.
type regionKind uint8

const (
	kindNull       regionKind = iota // region 0: NULL and small integers
	kindStack                        // a frame's 512-byte stack
	kindCtx                          // the context struct (a model, or raw bytes)
	kindPacket                       // packet data (data_meta .. data_end)
	kindMapValue                     // a map value
	kindMap                          // a map object (map pointer from ld_imm64)
	kindRingSample                   // a ring buffer reservation
	kindFunc                         // a bpf function (callback address)
	kindMem                          // input memory (conformance, raw ctx)
	kindHelper                       // a buffer a helper handed out
	kindFlowKeys                     // struct bpf_flow_keys
	kindSock                         // struct bpf_sock (the skb's socket)
	kindDead                         // a region that is no longer valid
)

var kindNames = [...]string{"null", "stack", "ctx", "packet", "map value", "map", "ringbuf sample",
	"function", "memory", "helper buffer", "flow keys", "socket", "stale region"}

func (k regionKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "region"
}

// span is the hot part of a region: what plain loads and stores check.
// r is nil for regions that are not plain memory (the ctx model, maps,
// functions), so their accesses take the slow path.
type span struct {
	r []byte // readable bytes, r[0] at the region's base address
	w []byte // the same bytes when writable, else nil
}

// region is the cold part.
type region struct {
	kind  regionKind
	name  string
	obj   any // maps.Map, *maps.RingSample, funcRef, progtype.Context
	frame int // kindStack: frame number
}

const (
	regionShift = 32
	offMask     = 1<<regionShift - 1
	stackSize   = 512
	maxFrames   = 8
)

// space is the program's address space.
type space struct {
	spans   []span
	regions []region
	byPtr   map[*byte]uint64 // first byte of a map value -> its address
	byMap   map[maps.Map]uint64
}

func (s *space) reset() {
	s.spans = s.spans[:0]
	s.regions = s.regions[:0]
	clear(s.byPtr)
	clear(s.byMap)
	s.add(kindNull, "NULL", nil, false, nil)
}

// add maps a region and returns its base address.
func (s *space) add(kind regionKind, name string, b []byte, writable bool, obj any) uint64 {
	sp := span{r: b}
	if writable {
		sp.w = b
	}
	s.spans = append(s.spans, sp)
	s.regions = append(s.regions, region{kind: kind, name: name, obj: obj})
	return uint64(len(s.spans)-1) << regionShift
}

// kill makes a region invalid (packet bytes after adjust_head, ...).
func (s *space) kill(addr uint64) {
	i := addr >> regionShift
	if i > 0 && i < uint64(len(s.spans)) {
		s.spans[i] = span{}
		s.regions[i].kind = kindDead
	}
}

// at returns the region holding addr, or nil.
func (s *space) at(addr uint64) *region {
	i := addr >> regionShift
	if i < uint64(len(s.regions)) {
		return &s.regions[i]
	}
	return nil
}

// valueAddr returns the address of a map value, mapping it on first use.
func (s *space) valueAddr(v []byte, name string) uint64 {
	if len(v) == 0 {
		return 0
	}
	p := &v[:1][0]
	if a, ok := s.byPtr[p]; ok {
		return a
	}
	a := s.add(kindMapValue, name, v, true, nil)
	s.byPtr[p] = a
	return a
}

// mapAddr returns the address standing for a map object.
func (s *space) mapAddr(m maps.Map, name string) uint64 {
	if a, ok := s.byMap[m]; ok {
		return a
	}
	a := s.add(kindMap, name, nil, false, m)
	s.byMap[m] = a
	return a
}

// bytes returns n bytes at addr in a plain region (write: a writable
// one), or an error describing why not.
func (s *space) bytes(addr, n uint64, write bool) ([]byte, error) {
	i := addr >> regionShift
	o := addr & offMask
	if i < uint64(len(s.spans)) {
		b := s.spans[i].r
		if write {
			b = s.spans[i].w
		}
		if o+n <= uint64(len(b)) {
			return b[o : o+n : o+n], nil
		}
	}
	return nil, s.describe(addr, n, write)
}

// describe explains why an access of n bytes at addr is invalid.
func (s *space) describe(addr, n uint64, write bool) error {
	verb := "read"
	if write {
		verb = "write"
	}
	i := addr >> regionShift
	o := addr & offMask
	if ri, ok := s.nearBelow(addr); ok {
		// Just below a region: the address wrapped into the window of
		// the region before it. Describe it against the one above.
		r := &s.regions[ri]
		below := (ri << regionShift) - addr
		if r.kind == kindStack {
			return &MemError{Addr: addr, Size: n, Write: write, Msg: fmt.Sprintf("%s of %d bytes at fp-%d is outside the %d-byte stack", verb, n, stackSize+below, stackSize)}
		}
		return &MemError{Addr: addr, Size: n, Write: write, Msg: fmt.Sprintf("%s of %d bytes at %s-%d is outside the %d-byte %s", verb, n, r.name, below, len(s.spans[ri].r), r.kind)}
	}
	if i == 0 {
		if addr == 0 {
			return &MemError{Addr: addr, Size: n, Write: write, Msg: fmt.Sprintf("%s of %d bytes through a NULL pointer", verb, n)}
		}
		return &MemError{Addr: addr, Size: n, Write: write, Msg: fmt.Sprintf("%s of %d bytes at %#x: not a pointer (outside every region)", verb, n, addr)}
	}
	if i >= uint64(len(s.regions)) {
		return &MemError{Addr: addr, Size: n, Write: write, Msg: fmt.Sprintf("%s of %d bytes at %#x: outside every region", verb, n, addr)}
	}
	r := &s.regions[i]
	size := len(s.spans[i].r)
	switch {
	case r.kind == kindDead:
		return &MemError{Addr: addr, Size: n, Write: write, Msg: fmt.Sprintf("%s of %d bytes at %s+%d: the region is no longer valid", verb, n, r.name, o)}
	case s.spans[i].r == nil:
		return &MemError{Addr: addr, Size: n, Write: write, Msg: fmt.Sprintf("%s of %d bytes at %s+%d: a %s is not memory", verb, n, r.name, o, r.kind)}
	case o+n <= uint64(size) && write:
		return &MemError{Addr: addr, Size: n, Write: write, Msg: fmt.Sprintf("write of %d bytes at %s+%d: the %s is read-only", n, r.name, o, r.kind)}
	}
	if r.kind == kindStack {
		return &MemError{Addr: addr, Size: n, Write: write,
			Msg: fmt.Sprintf("%s of %d bytes at fp%+d is outside the %d-byte stack", verb, n, int64(o)-stackSize, stackSize)}
	}
	return &MemError{Addr: addr, Size: n, Write: write,
		Msg: fmt.Sprintf("%s of %d bytes at %s+%d is outside the %d-byte %s", verb, n, r.name, int64(o), size, r.kind)}
}

// nearBelow reports the region whose base is at most 64 KiB above addr
// when addr is not inside a region's data.
func (s *space) nearBelow(addr uint64) (uint64, bool) {
	n := addr>>regionShift + 1
	if n >= uint64(len(s.regions)) || n == 0 || (n<<regionShift)-addr > 1<<16 || s.regions[n].kind == kindNull {
		return 0, false
	}
	return n, true
}

// MemError is an invalid memory access.
type MemError struct {
	Addr  uint64
	Size  uint64
	Write bool
	Msg   string
}

func (e *MemError) Error() string { return e.Msg }
