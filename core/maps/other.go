package maps

// MapOfMaps is array_of_maps and hash_of_maps: values are maps. A
// program's lookup returns the inner map (the interpreter turns it into
// a map pointer).
type MapOfMaps struct {
	spec  Spec
	outer Map // array or hash keyed like the outer map, value: slot number
	inner []Map
}

func newMapOfMaps(s *Spec) (Map, error) {
	if s.ValueSize != 4 {
		return nil, createErr(EINVAL, "%s needs value_size 4 (an inner map fd)", s.Type)
	}
	if s.Inner == nil {
		return nil, createErr(EINVAL, "%s needs an inner map (inner_map_fd)", s.Type)
	}
	if s.Inner.Type == ArrayOfMaps || s.Inner.Type == HashOfMaps || s.Inner.Type == ProgArray {
		return nil, createErr(EINVAL, "%s cannot hold %s", s.Type, s.Inner.Type)
	}
	if _, err := New(s.Inner); err != nil {
		return nil, err
	}
	o := *s
	o.Inner = nil
	if s.Type == ArrayOfMaps {
		o.Type = Array
	} else {
		o.Type = Hash
	}
	outer, err := New(&o)
	if err != nil {
		return nil, err
	}
	return &MapOfMaps{spec: *s, outer: outer}, nil
}

// Spec returns the map's spec.
func (m *MapOfMaps) Spec() *Spec { return &m.spec }

// Lookup returns nil: programs use LookupMap.
func (m *MapOfMaps) Lookup(key []byte) []byte { return nil }

// LookupMap returns the inner map under key, or nil.
func (m *MapOfMaps) LookupMap(key []byte) Map {
	v := m.outer.Lookup(key)
	if v == nil {
		return nil
	}
	i := keyIndex(v)
	if i == 0 || int(i) > len(m.inner) {
		return nil
	}
	return m.inner[i-1]
}

// Update from userspace takes a map fd, which the runtime cannot
// resolve: use SetInner.
func (m *MapOfMaps) Update(key, value []byte, flags uint64) error { return EBADF }

// SetInner stores an inner map under key. The inner map must match the
// template in type, key size and value size (max_entries may differ only
// for hash_of_maps' templates created without BPF_F_INNER_MAP... the
// runtime does not check max_entries).
func (m *MapOfMaps) SetInner(key []byte, inner Map) error {
	in := inner.Spec()
	if in.Type != m.spec.Inner.Type || in.KeySize != m.spec.Inner.KeySize || in.ValueSize != m.spec.Inner.ValueSize {
		return EINVAL
	}
	m.inner = append(m.inner, inner)
	return m.outer.Update(key, putIndex(uint32(len(m.inner))), Any)
}

// Delete removes an inner map.
func (m *MapOfMaps) Delete(key []byte) error {
	if m.spec.Type == ArrayOfMaps {
		v := m.outer.Lookup(key)
		if v == nil {
			return E2BIG
		}
		copy(v, []byte{0, 0, 0, 0})
		return nil
	}
	return m.outer.Delete(key)
}

// NextKey follows the outer map.
func (m *MapOfMaps) NextKey(key []byte) ([]byte, error) { return m.outer.NextKey(key) }

// CgroupStorageMap is cgroup_storage and percpu_cgroup_storage: one
// value per (cgroup, attach type); the runtime's program is attached
// once, so there is one storage, returned by bpf_get_local_storage.
type CgroupStorageMap struct {
	spec  Spec
	value []byte
}

func newCgroupStorage(s *Spec) (Map, error) {
	if s.KeySize != 8 && s.KeySize != 16 {
		return nil, createErr(EINVAL, "%s needs key_size 8 or 16", s.Type)
	}
	if s.ValueSize == 0 || s.MaxEntries != 0 {
		return nil, createErr(EINVAL, "%s needs value_size > 0 and max_entries 0", s.Type)
	}
	if s.Flags&^(FNumaNode|accessFlagsMask) != 0 {
		return nil, createErr(EINVAL, "flags %#x not allowed for %s", s.Flags, s.Type)
	}
	return &CgroupStorageMap{spec: *s, value: make([]byte, s.ValueSize)}, nil
}

// Spec returns the map's spec.
func (c *CgroupStorageMap) Spec() *Spec { return &c.spec }

// Storage returns the attached program's storage.
func (c *CgroupStorageMap) Storage() []byte { return c.value }

// Lookup returns the storage for any key.
func (c *CgroupStorageMap) Lookup(key []byte) []byte { return c.value }

// Update overwrites the storage (flags must be 0 or BPF_EXIST).
func (c *CgroupStorageMap) Update(key, value []byte, flags uint64) error {
	if flags&^(Exist|FLock) != 0 {
		return EINVAL
	}
	copy(c.value, value)
	return nil
}

// Delete is not supported: EINVAL.
func (c *CgroupStorageMap) Delete(key []byte) error { return EINVAL }

// NextKey: no attached cgroup to name: ENOENT.
func (c *CgroupStorageMap) NextKey(key []byte) ([]byte, error) { return nil, ENOENT }

// DevMapMap is devmap (slots by index) and devmap_hash (keys): values
// are interface indexes (u32, or struct bpf_devmap_val with a program
// fd). A devmap slot is empty until set; setting ifindex 0 empties it.
type DevMapMap struct {
	spec  Spec
	slots [][]byte // devmap
	hash  Map      // devmap_hash
}

func newDevMap(s *Spec) (Map, error) {
	if s.KeySize != 4 || (s.ValueSize != 4 && s.ValueSize != 8) || s.MaxEntries == 0 {
		return nil, createErr(EINVAL, "%s needs key_size 4, value_size 4 or 8 and max_entries > 0", s.Type)
	}
	d := &DevMapMap{spec: *s}
	if s.Type == DevMapHash {
		inner := *s
		inner.Type = Hash
		h, err := newHash(&inner)
		if err != nil {
			return nil, err
		}
		d.hash = h
	} else {
		d.slots = make([][]byte, s.MaxEntries)
	}
	return d, nil
}

// Spec returns the map's spec.
func (d *DevMapMap) Spec() *Spec { return &d.spec }

// Lookup returns the slot's value, nil when empty.
func (d *DevMapMap) Lookup(key []byte) []byte {
	if d.hash != nil {
		return d.hash.Lookup(key)
	}
	i := keyIndex(key)
	if i >= d.spec.MaxEntries {
		return nil
	}
	return d.slots[i]
}

// Update sets a slot (ifindex 0 empties it).
func (d *DevMapMap) Update(key, value []byte, flags uint64) error {
	if d.hash != nil {
		return d.hash.Update(key, value, flags)
	}
	i, err := slotUpdate(key, flags, d.spec.MaxEntries)
	if err != nil {
		return err
	}
	if keyIndex(value) == 0 {
		d.slots[i] = nil
		return nil
	}
	d.slots[i] = append([]byte(nil), value[:d.spec.ValueSize]...)
	return nil
}

// Delete empties a slot.
func (d *DevMapMap) Delete(key []byte) error {
	if d.hash != nil {
		return d.hash.Delete(key)
	}
	i := keyIndex(key)
	if i >= d.spec.MaxEntries {
		return EINVAL
	}
	d.slots[i] = nil
	return nil
}

// NextKey walks indexes (devmap) or keys (devmap_hash).
func (d *DevMapMap) NextKey(key []byte) ([]byte, error) {
	if d.hash != nil {
		return d.hash.NextKey(key)
	}
	return indexNextKey(key, d.spec.MaxEntries)
}
