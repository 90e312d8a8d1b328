package helpers

import (
	"github.com/bpfplay/bpfplay/core/maps"
)

// Map helpers: bpf_map_lookup/update/delete_elem, push/pop/peek,
// for_each_map_elem, get_local_storage.

func init() {
	reg("map_lookup_elem", mapLookupElem)
	reg("map_update_elem", mapUpdateElem)
	reg("map_delete_elem", mapDeleteElem)
	reg("map_push_elem", mapPushElem)
	reg("map_pop_elem", mapPopElem)
	reg("map_peek_elem", mapPeekElem)
	reg("for_each_map_elem", forEachMapElem)
	reg("get_local_storage", getLocalStorage)
}

func neg(e maps.Errno) uint64 { return e.Neg() }

// errRet turns a map error into the helper's return value.
func errRet(err error) uint64 {
	if err == nil {
		return 0
	}
	return maps.ErrnoOf(err).Neg()
}

// opsRet is the return value of a map helper that Linux's verifier
// turns into a direct call of the map's operation (update, delete, push,
// pop, peek, for_each): those return int, so r0 holds the 32-bit value
// zero-extended (-EEXIST is 0x00000000ffffffef, not -17).
func opsRet(err error) uint64 { return uint64(uint32(errRet(err))) }

func key(m Machine, mp maps.Map, addr uint64) ([]byte, error) {
	return m.Bytes(addr, uint64(mp.Spec().KeySize), false)
}

func mapLookupElem(m Machine, a *[5]uint64) (uint64, error) {
	mp, err := m.Map(a[0])
	if err != nil {
		return 0, err
	}
	switch mp.(type) {
	case *maps.QueueMap, *maps.RingBufMap, *maps.PerfEventArrayMap, *maps.ProgArrayMap:
		return 0, nil
	}
	k, err := key(m, mp, a[1])
	if err != nil {
		return 0, err
	}
	if mm, ok := mp.(*maps.MapOfMaps); ok {
		if in := mm.LookupMap(k); in != nil {
			return m.MapAddr(in), nil
		}
		return 0, nil
	}
	v := mp.Lookup(k)
	if v == nil {
		return 0, nil
	}
	return m.ValueAddr(mp, v), nil
}

func mapUpdateElem(m Machine, a *[5]uint64) (uint64, error) {
	mp, err := m.Map(a[0])
	if err != nil {
		return 0, err
	}
	switch mp.(type) {
	case *maps.QueueMap:
		return opsRet(maps.EINVAL), nil
	case *maps.RingBufMap, *maps.PerfEventArrayMap, *maps.ProgArrayMap, *maps.MapOfMaps:
		return opsRet(maps.EOPNOTSUPP), nil
	}
	k, err := key(m, mp, a[1])
	if err != nil {
		return 0, err
	}
	v, err := m.Bytes(a[2], uint64(mp.Spec().ValueSize), false)
	if err != nil {
		return 0, err
	}
	return opsRet(mp.Update(k, v, a[3])), nil
}

func mapDeleteElem(m Machine, a *[5]uint64) (uint64, error) {
	mp, err := m.Map(a[0])
	if err != nil {
		return 0, err
	}
	if _, ok := mp.(*maps.QueueMap); ok {
		return opsRet(maps.EINVAL), nil
	}
	k, err := key(m, mp, a[1])
	if err != nil {
		return 0, err
	}
	return opsRet(mp.Delete(k)), nil
}

func queue(m Machine, addr uint64) (*maps.QueueMap, error) {
	mp, err := m.Map(addr)
	if err != nil {
		return nil, err
	}
	q, ok := mp.(*maps.QueueMap)
	if !ok {
		return nil, errNotKind(mp, "queue or stack")
	}
	return q, nil
}

func mapPushElem(m Machine, a *[5]uint64) (uint64, error) {
	q, err := queue(m, a[0])
	if err != nil {
		return 0, err
	}
	v, err := m.Bytes(a[1], uint64(q.Spec().ValueSize), false)
	if err != nil {
		return 0, err
	}
	return opsRet(q.Push(v, a[2])), nil
}

func popPeek(m Machine, a *[5]uint64, pop bool) (uint64, error) {
	q, err := queue(m, a[0])
	if err != nil {
		return 0, err
	}
	dst, err := m.Bytes(a[1], uint64(q.Spec().ValueSize), true)
	if err != nil {
		return 0, err
	}
	var v []byte
	if pop {
		v, err = q.Pop()
	} else {
		v, err = q.Peek()
	}
	if err != nil {
		return opsRet(err), nil
	}
	copy(dst, v)
	return 0, nil
}

func mapPopElem(m Machine, a *[5]uint64) (uint64, error)  { return popPeek(m, a, true) }
func mapPeekElem(m Machine, a *[5]uint64) (uint64, error) { return popPeek(m, a, false) }

// forEachMapElem calls callback(map, &key, &value, ctx) for every
// element until it returns non-zero; it returns the number of elements
// visited (the one that stopped the walk included).
func forEachMapElem(m Machine, a *[5]uint64) (uint64, error) {
	mp, err := m.Map(a[0])
	if err != nil {
		return 0, err
	}
	if a[3] != 0 {
		return opsRet(maps.EINVAL), nil
	}
	n := uint64(0)
	var cbErr error
	visit := func(k, v []byte) bool {
		n++
		kaddr := m.Buffer(append([]byte(nil), k...), false)
		r, err := m.Call(a[1], [5]uint64{a[0], kaddr, m.ValueAddr(mp, v), a[2], 0})
		if err != nil {
			cbErr = err
			return false
		}
		return r == 0
	}
	switch t := mp.(type) {
	case *maps.ArrayMap:
		for i := uint32(0); i < t.Spec().MaxEntries; i++ {
			k := []byte{byte(i), byte(i >> 8), byte(i >> 16), byte(i >> 24)}
			if !visit(k, t.Lookup(k)) {
				break
			}
		}
	case *maps.HashMap:
		t.Each(visit)
	default:
		return opsRet(maps.EINVAL), nil
	}
	if cbErr != nil {
		return 0, cbErr
	}
	return n, nil
}

func getLocalStorage(m Machine, a *[5]uint64) (uint64, error) {
	mp, err := m.Map(a[0])
	if err != nil {
		return 0, err
	}
	cs, ok := mp.(*maps.CgroupStorageMap)
	if !ok {
		return 0, errNotKind(mp, "cgroup_storage")
	}
	return m.ValueAddr(mp, cs.Storage()), nil
}
