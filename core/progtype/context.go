package progtype

import (
	"encoding/binary"
	"fmt"
)

// A Context is the runtime model behind a program's r1 when its type has
// a uapi context struct that the kernel rewrites (__sk_buff, xdp_md).
// The interpreter routes every load and store inside the context region
// to LoadField/StoreField; pointer fields (data, data_end, data_meta,
// flow_keys, sk) come back as a kind and the interpreter turns them into
// addresses of the regions it maps (Packet, FlowKeys, Sock).
type Context interface {
	Struct() *Struct
	// LoadField reads size bytes at off. For pointer fields it returns
	// the field's kind and a value the interpreter ignores.
	LoadField(off, size int) (uint64, FieldKind, error)
	// StoreField writes size bytes at off.
	StoreField(off, size int, v uint64) error
	// Packet returns the packet: the buffer, where the metadata, the
	// data and the end are in it. meta <= data <= end <= len(buf).
	Packet() (buf []byte, meta, data, end int)
}

// Pointees is implemented by contexts whose fields point to other
// kernel objects (a kernel-layout sk_buff's dev -> net_device, for
// converted classic programs): a field of kind PtrMem at off points to
// the bytes Pointee returns; the interpreter maps them once per run.
type Pointees interface {
	Pointee(off int) (name string, b []byte, writable bool)
}

// AccessError is a context access the model refuses, worded as the
// kernel's verifier words it.
type AccessError struct {
	Struct string
	Off    int
	Size   int
	Write  bool
}

func (e *AccessError) Error() string {
	return fmt.Sprintf("invalid bpf_context access off=%d size=%d", e.Off, e.Size)
}

// narrow extracts a size-byte little-endian piece at byte offset within
// an 8-byte value, or fails when the piece does not fit.
func narrow(v uint64, fieldSize, within, size int) (uint64, bool) {
	if within+size > fieldSize {
		return 0, false
	}
	switch size {
	case 1, 2, 4, 8:
	default:
		return 0, false
	}
	v >>= 8 * uint(within)
	if size < 8 {
		v &= 1<<(8*uint(size)) - 1
	}
	return v, true
}

// scalarLoad implements a load of a scalar field held in *p (as a u64)
// with narrow-load support: 1-, 2-, 4- and 8-byte loads within the field.
func scalarLoad(s *Struct, f *Field, val uint64, off, size int) (uint64, FieldKind, error) {
	within := (off - f.Off) % f.Elem
	v, ok := narrow(val, f.Elem, within, size)
	if !ok {
		return 0, 0, &AccessError{Struct: s.Name, Off: off, Size: size}
	}
	return v, Scalar, nil
}

func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }
