package maps

import "github.com/bpfplay/bpfplay/core/record"

// UserValueSize is the size of a value as userspace sees it: per-CPU
// maps give one value per CPU, each rounded up to 8 bytes (one CPU here).
func UserValueSize(s *Spec) int {
	if s.Type.IsPercpu() {
		return int(roundUp8(s.ValueSize))
	}
	return int(s.ValueSize)
}

// UserUpdate is BPF_MAP_UPDATE_ELEM from userspace.
func UserUpdate(m Map, key, value []byte, flags uint64) error {
	s := m.Spec()
	if len(key) != int(s.KeySize) {
		return EINVAL
	}
	if len(value) < UserValueSize(s) && s.Type != ProgArray {
		v := make([]byte, UserValueSize(s))
		copy(v, value)
		value = v
	}
	return m.Update(key, value[:min(len(value), int(s.ValueSize))], flags)
}

// UserLookup is BPF_MAP_LOOKUP_ELEM from userspace (queue and stack:
// peek).
func UserLookup(m Map, key []byte) ([]byte, error) {
	if q, ok := m.(*QueueMap); ok {
		return q.Peek()
	}
	var v []byte
	if h, ok := m.(*HashMap); ok {
		v = h.LookupSys(key)
	} else {
		v = m.Lookup(key)
	}
	if v == nil {
		return nil, ENOENT
	}
	out := make([]byte, UserValueSize(m.Spec()))
	copy(out, v)
	return out, nil
}

// Dump returns every element as userspace reads them by walking keys
// (BPF_MAP_GET_NEXT_KEY + lookup): nothing for kinds without keys (queue,
// stack: see QueueMap.Values) or whose slots hold objects.
func Dump(m Map) []record.Entry {
	out := []record.Entry{}
	switch m.(type) {
	case *QueueMap, *RingBufMap, *PerfEventArrayMap, *ProgArrayMap, *MapOfMaps, *CgroupStorageMap:
		return out
	}
	var key []byte
	for n := 0; n < 1<<22; n++ {
		next, err := m.NextKey(key)
		if err != nil {
			break
		}
		if v, err := UserLookup(m, next); err == nil {
			out = append(out, record.Entry{Key: next, Value: v})
		}
		key = next
	}
	return out
}
