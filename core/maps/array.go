package maps

// ArrayMap is array and percpu_array: max_entries values preallocated
// and zeroed, keyed by a u32 index. Elements cannot be deleted.
type ArrayMap struct {
	spec   Spec
	stride uint32 // value_size rounded up to 8, as the kernel lays them out
	data   []byte
}

func newArray(s *Spec) (Map, error) {
	if err := checkArrayLike(s, FMmapable|FPreserveElem); err != nil {
		return nil, err
	}
	if s.Type == PercpuArray && s.Flags&FMmapable != 0 {
		return nil, createErr(EINVAL, "percpu_array cannot be mmapable")
	}
	if uint64(s.ValueSize) > kmallocMax {
		return nil, createErr(E2BIG, "value_size %d too large", s.ValueSize)
	}
	stride := roundUp8(s.ValueSize)
	if uint64(stride)*uint64(s.MaxEntries) > 1<<32 {
		return nil, createErr(ENOMEM, "array of %d x %d bytes is too large", s.MaxEntries, stride)
	}
	return &ArrayMap{spec: *s, stride: stride, data: make([]byte, int(stride)*int(s.MaxEntries))}, nil
}

// Spec returns the map's spec.
func (a *ArrayMap) Spec() *Spec { return &a.spec }

// Lookup returns the value at the index, nil when out of range.
func (a *ArrayMap) Lookup(key []byte) []byte {
	i := keyIndex(key)
	if i >= a.spec.MaxEntries {
		return nil
	}
	off := int(i) * int(a.stride)
	return a.data[off : off+int(a.spec.ValueSize) : off+int(a.spec.ValueSize)]
}

// Update overwrites an element: NOEXIST always fails (every element
// exists), an index past the end is E2BIG.
func (a *ArrayMap) Update(key, value []byte, flags uint64) error {
	if flags&^FLock > Exist {
		return EINVAL
	}
	i := keyIndex(key)
	if i >= a.spec.MaxEntries {
		return E2BIG
	}
	if flags&NoExist != 0 {
		return EEXIST
	}
	if flags&FLock != 0 {
		return EINVAL // no value has a bpf_spin_lock (the runtime has no BTF)
	}
	copy(a.Lookup(key), value)
	return nil
}

// Delete is not possible on arrays: EINVAL.
func (a *ArrayMap) Delete(key []byte) error { return EINVAL }

// NextKey walks indexes in order; a key out of range restarts at 0.
func (a *ArrayMap) NextKey(key []byte) ([]byte, error) { return indexNextKey(key, a.spec.MaxEntries) }

// Storage returns the whole value area (element i at i*round_up(vs,8)).
func (a *ArrayMap) Storage() []byte { return a.data }
