package helpers

import (
	"github.com/bpfplay/bpfplay/core/maps"
)

// Smaller helpers: per-CPU lookups, XDP byte access, relative skb loads,
// strncmp, and spin locks (no-ops: the runtime is single-threaded).

func init() {
	reg("map_lookup_percpu_elem", mapLookupPercpuElem)
	reg("xdp_get_buff_len", func(m Machine, a *[5]uint64) (uint64, error) {
		x := xdpOf(m)
		if x == nil {
			return 0, noXDP{}
		}
		return uint64(x.End - x.Data), nil
	})
	reg("xdp_load_bytes", xdpBytes(false))
	reg("xdp_store_bytes", xdpBytes(true))
	reg("skb_load_bytes_relative", skbLoadBytesRelative)
	reg("strncmp", strncmp)
	reg("spin_lock", func(m Machine, a *[5]uint64) (uint64, error) { return 0, nil })
	reg("spin_unlock", func(m Machine, a *[5]uint64) (uint64, error) { return 0, nil })
}

// mapLookupPercpuElem is a lookup of one CPU's value; the runtime has
// CPU 0 only, so any other CPU gives NULL.
func mapLookupPercpuElem(m Machine, a *[5]uint64) (uint64, error) {
	if uint32(a[2]) != 0 {
		return 0, nil
	}
	return mapLookupElem(m, a)
}

// xdpBytes is bpf_xdp_load_bytes / bpf_xdp_store_bytes(xdp, offset,
// buf, len): -EFAULT for offsets or lengths above 0xffff, -EINVAL past
// the packet.
func xdpBytes(store bool) Func {
	return func(m Machine, a *[5]uint64) (uint64, error) {
		x := xdpOf(m)
		if x == nil {
			return 0, noXDP{}
		}
		off, n := uint32(a[1]), uint32(a[3])
		buf, err := m.Bytes(a[2], uint64(n), !store)
		if err != nil {
			return 0, err
		}
		if off > 0xffff || n > 0xffff {
			return efault.Neg(), nil
		}
		if int(off)+int(n) > x.End-x.Data {
			return neg(maps.EINVAL), nil
		}
		pkt := x.Buf[x.Data+int(off) : x.Data+int(off)+int(n)]
		if store {
			copy(pkt, buf)
		} else {
			copy(buf, pkt)
		}
		return 0, nil
	}
}

// skbLoadBytesRelative loads relative to the MAC (0) or network (1)
// header; on failure the buffer is zeroed and -EFAULT returned.
func skbLoadBytesRelative(m Machine, a *[5]uint64) (uint64, error) {
	s := skbOf(m)
	if s == nil {
		return 0, noSKB{}
	}
	dst, err := m.Bytes(a[2], a[3], true)
	if err != nil {
		return 0, err
	}
	off := uint32(a[1])
	var base int
	switch a[4] {
	case 0:
		base = s.MacHeader
	case 1:
		base = s.NetHeader
	default:
		clear(dst)
		return efault.Neg(), nil
	}
	if off > 0xffff || base+int(off)+int(a[3]) > s.End {
		clear(dst)
		return efault.Neg(), nil
	}
	copy(dst, s.Buf[base+int(off):])
	return 0, nil
}

// strncmp compares s1 (s1_sz bytes at most) with the string s2, like the
// kernel's strncmp: -1, 0 or 1.
func strncmp(m Machine, a *[5]uint64) (uint64, error) {
	s1, err := m.Bytes(a[0], a[1], false)
	if err != nil {
		return 0, err
	}
	for i := range s1 {
		b, err := m.Bytes(a[2]+uint64(i), 1, false)
		if err != nil {
			return 0, err
		}
		c1, c2 := s1[i], b[0]
		if c1 != c2 {
			if c1 < c2 {
				return uint64(1<<64 - 1), nil
			}
			return 1, nil
		}
		if c1 == 0 {
			break
		}
	}
	return 0, nil
}
