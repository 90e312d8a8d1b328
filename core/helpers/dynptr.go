package helpers

import (
	"encoding/binary"

	"github.com/bpfplay/bpfplay/core/maps"
)

// Dynptrs: struct bpf_dynptr is 16 bytes on the program's stack, laid
// out as the kernel's struct bpf_dynptr_kern: the data's address, a
// word holding the size (low 24 bits), the type (bits 28-30) and a
// read-only bit (31), and the offset of the view into the data. A
// dynptr whose data address is 0 is null: what failed initialisations
// leave, and what every helper refuses.

func init() {
	reg("dynptr_from_mem", dynptrFromMem)
	reg("dynptr_read", dynptrRead)
	reg("dynptr_write", dynptrWrite)
	reg("dynptr_data", dynptrData)
	reg("ringbuf_reserve_dynptr", ringbufReserveDynptr)
	reg("ringbuf_submit_dynptr", ringbufCommitDynptr(false))
	reg("ringbuf_discard_dynptr", ringbufCommitDynptr(true))
}

const (
	dynptrSize      = 16
	dynptrMaxSize   = 1<<24 - 1
	dynptrTypeShift = 28
	dynptrRdonly    = 1 << 31
	dynptrLocal     = 1 // BPF_DYNPTR_TYPE_LOCAL
	dynptrRingbuf   = 2 // BPF_DYNPTR_TYPE_RINGBUF
)

// dynptr is a decoded struct bpf_dynptr_kern.
type dynptr struct {
	data   uint64
	size   uint32
	rdonly bool
	offset uint32
}

func loadDynptr(m Machine, addr uint64) (dynptr, []byte, error) {
	b, err := m.Bytes(addr, dynptrSize, true)
	if err != nil {
		return dynptr{}, nil, err
	}
	w := binary.LittleEndian.Uint32(b[8:])
	return dynptr{data: binary.LittleEndian.Uint64(b), size: w & dynptrMaxSize, rdonly: w&dynptrRdonly != 0,
		offset: binary.LittleEndian.Uint32(b[12:])}, b, nil
}

func initDynptr(b []byte, data uint64, size uint32, typ uint32) {
	binary.LittleEndian.PutUint64(b, data)
	binary.LittleEndian.PutUint32(b[8:], size|typ<<dynptrTypeShift)
	binary.LittleEndian.PutUint32(b[12:], 0)
}

// at is the address of byte off of the dynptr's view.
func (d dynptr) at(off uint32) uint64 { return d.data + uint64(d.offset) + uint64(off) }

// checkOffLen: a view of n bytes at off must fit in the dynptr (E2BIG).
func (d dynptr) checkOffLen(off, n uint64) bool {
	return n <= uint64(d.size) && off <= uint64(d.size)-n
}

// dynptrFromMem is bpf_dynptr_from_mem(data, size, flags, ptr): flags
// must be 0 (EINVAL) and size at most 16 MiB - 1 (E2BIG); on an error
// the dynptr is null.
func dynptrFromMem(m Machine, a *[5]uint64) (uint64, error) {
	b, err := m.Bytes(a[3], dynptrSize, true)
	if err != nil {
		return 0, err
	}
	clear(b)
	switch {
	case a[2] != 0:
		return neg(maps.EINVAL), nil
	case a[1] > dynptrMaxSize:
		return neg(maps.E2BIG), nil
	}
	initDynptr(b, a[0], uint32(a[1]), dynptrLocal)
	return 0, nil
}

// dynptrRead is bpf_dynptr_read(dst, len, src, offset, flags).
func dynptrRead(m Machine, a *[5]uint64) (uint64, error) {
	return dynptrCopy(m, a[2], uint32(a[3]), a[0], a[1], a[4], false)
}

// dynptrWrite is bpf_dynptr_write(dst, offset, src, len, flags): not
// into a read-only dynptr (EINVAL).
func dynptrWrite(m Machine, a *[5]uint64) (uint64, error) {
	return dynptrCopy(m, a[0], uint32(a[1]), a[2], a[3], a[4], true)
}

// dynptrCopy copies n bytes between the dynptr at ptr (from its offset
// off) and program memory at mem: into the dynptr when write is set.
// A null dynptr, flags, or a write into a read-only one are EINVAL; a
// view past the data is E2BIG.
func dynptrCopy(m Machine, ptr uint64, off uint32, mem, n, flags uint64, write bool) (uint64, error) {
	d, _, err := loadDynptr(m, ptr)
	if err != nil {
		return 0, err
	}
	if d.data == 0 || flags != 0 || (write && d.rdonly) {
		return neg(maps.EINVAL), nil
	}
	if !d.checkOffLen(uint64(off), n) {
		return neg(maps.E2BIG), nil
	}
	if n == 0 {
		return 0, nil
	}
	view, err := m.Bytes(d.at(off), n, write)
	if err != nil {
		return 0, err
	}
	other, err := m.Bytes(mem, n, !write)
	if err != nil {
		return 0, err
	}
	if write {
		copy(view, other)
	} else {
		copy(other, view)
	}
	return 0, nil
}

// dynptrData is bpf_dynptr_data(ptr, offset, len): a pointer to len
// bytes of the data, or NULL (null or read-only dynptr, out of range).
func dynptrData(m Machine, a *[5]uint64) (uint64, error) {
	d, _, err := loadDynptr(m, a[0])
	if err != nil {
		return 0, err
	}
	if d.data == 0 || d.rdonly || !d.checkOffLen(uint64(uint32(a[1])), a[2]) {
		return 0, nil
	}
	return d.at(uint32(a[1])), nil
}

// ringbufReserveDynptr is bpf_ringbuf_reserve_dynptr(map, size, flags,
// ptr): a record reserved as a dynptr; flags, or a reservation that
// fails, are EINVAL (and a null dynptr, which the program must still
// submit or discard).
func ringbufReserveDynptr(m Machine, a *[5]uint64) (uint64, error) {
	b, err := m.Bytes(a[3], dynptrSize, true)
	if err != nil {
		return 0, err
	}
	clear(b)
	rb, err := ringbuf(m, a[0])
	if err != nil {
		return 0, err
	}
	switch {
	case a[2] != 0:
		return neg(maps.EINVAL), nil
	case a[1] > dynptrMaxSize:
		return neg(maps.E2BIG), nil
	}
	s := rb.Reserve(a[1], 0)
	if s == nil {
		return neg(maps.EINVAL), nil
	}
	initDynptr(b, m.RingSample(s), uint32(a[1]), dynptrRingbuf)
	return 0, nil
}

// ringbufCommitDynptr is bpf_ringbuf_submit_dynptr and
// bpf_ringbuf_discard_dynptr: the record behind the dynptr, if any, is
// committed, and the dynptr becomes null.
func ringbufCommitDynptr(discard bool) Func {
	return func(m Machine, a *[5]uint64) (uint64, error) {
		d, b, err := loadDynptr(m, a[0])
		if err != nil {
			return 0, err
		}
		clear(b)
		if d.data == 0 {
			return 0, nil
		}
		s, err := m.Sample(d.data)
		if err != nil {
			return 0, err
		}
		if !s.Commit(discard, a[1]) {
			return 0, errDoubleCommit{}
		}
		return 0, nil
	}
}
