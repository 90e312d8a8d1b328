package maps

import "container/list"

// HashMap is hash, percpu_hash, lru_hash and lru_percpu_hash. Iteration
// follows insertion order (the kernel's follows its hash buckets, which
// depend on a random seed, so no order is "right"). The LRU kinds evict
// the least recently used element (looked up or updated) when an update
// of a new key finds the map full.
type HashMap struct {
	spec  Spec
	lru   *lruList                 // LRU kinds only
	elems map[string]*list.Element // key -> element of order
	order *list.List               // of *hashElem, insertion order
}

type hashElem struct {
	key   string
	value []byte
	pos   *list.Element // in order
	node  *lruNode      // LRU kinds
}

func newHash(s *Spec) (Map, error) {
	lru := s.Type == LRUHash || s.Type == LRUPercpuHash
	allowed := uint32(FNoPrealloc | FNumaNode | accessFlagsMask | FZeroSeed | FInnerMap)
	if lru {
		allowed |= FNoCommonLRU
	}
	if s.Flags&^allowed != 0 {
		return nil, createErr(EINVAL, "flags %#x not allowed for %s", s.Flags, s.Type)
	}
	if s.MaxEntries == 0 || s.KeySize == 0 || s.ValueSize == 0 {
		return nil, createErr(EINVAL, "%s needs key_size, value_size and max_entries > 0", s.Type)
	}
	if lru && s.Flags&FNoPrealloc != 0 {
		return nil, createErr(ENOTSUPP, "LRU maps are always preallocated")
	}
	if uint64(s.ValueSize) >= kmallocMax-maxStack-64 {
		return nil, createErr(E2BIG, "value_size %d too large", s.ValueSize)
	}
	h := &HashMap{spec: *s, elems: map[string]*list.Element{}, order: list.New()}
	if lru {
		h.lru = newLRU(s.MaxEntries, s.Flags&FNoCommonLRU != 0, h.unlink)
	}
	return h, nil
}

// Spec returns the map's spec.
func (h *HashMap) Spec() *Spec { return &h.spec }

// Len returns the number of elements.
func (h *HashMap) Len() int { return len(h.elems) }

func (h *HashMap) get(key []byte) *hashElem {
	if e, ok := h.elems[string(key[:h.spec.KeySize])]; ok {
		return e.Value.(*hashElem)
	}
	return nil
}

// Lookup returns the element's value, nil when absent. For the LRU
// kinds it marks the element referenced, as a program's lookup does.
func (h *HashMap) Lookup(key []byte) []byte {
	e := h.get(key)
	if e == nil {
		return nil
	}
	if e.node != nil {
		e.node.ref = true
	}
	return e.value
}

// LookupSys is a lookup from userspace: it does not touch the LRU.
func (h *HashMap) LookupSys(key []byte) []byte {
	if e := h.get(key); e != nil {
		return e.value
	}
	return nil
}

// Update inserts or replaces. A replaced element keeps its storage, so a
// pointer the program holds sees the new value.
func (h *HashMap) Update(key, value []byte, flags uint64) error {
	if flags&^FLock > Exist || flags&FLock != 0 {
		return EINVAL // BPF_F_LOCK needs a bpf_spin_lock in the value (BTF)
	}
	f := flags
	if h.lru != nil {
		return h.updateLRU(key, value, f)
	}
	e := h.get(key)
	switch {
	case e != nil && f == NoExist:
		return EEXIST
	case e == nil && f == Exist:
		return ENOENT
	}
	if e != nil {
		copy(e.value, value)
		return nil
	}
	if uint32(len(h.elems)) >= h.spec.MaxEntries {
		return E2BIG
	}
	h.insert(key, value)
	return nil
}

func (h *HashMap) insert(key, value []byte) *hashElem {
	ne := &hashElem{key: string(key[:h.spec.KeySize]), value: make([]byte, h.spec.ValueSize)}
	copy(ne.value, value)
	ne.pos = h.order.PushBack(ne)
	h.elems[ne.key] = ne.pos
	return ne
}

// updateLRU follows htab_lru_map_update_elem: a node is taken (which may
// evict others) before the flags are checked, and a replaced element's
// node goes back to the free lists.
func (h *HashMap) updateLRU(key, value []byte, f uint64) error {
	n := h.lru.pop()
	if n == nil {
		return ENOMEM
	}
	old := h.get(key)
	switch {
	case old != nil && f == NoExist:
		h.lru.push(n)
		return EEXIST
	case old == nil && f == Exist:
		h.lru.push(n)
		return ENOENT
	}
	if old != nil {
		h.unlink(old)
		h.lru.push(old.node)
	}
	ne := h.insert(key, value)
	ne.node = n
	n.elem = ne
	return nil
}

// unlink removes an element from the table (not from the LRU).
func (h *HashMap) unlink(e *hashElem) {
	h.order.Remove(e.pos)
	delete(h.elems, e.key)
}

func (h *HashMap) remove(e *hashElem) {
	h.unlink(e)
	if e.node != nil {
		h.lru.push(e.node)
	}
}

// Delete removes key; ENOENT when absent.
func (h *HashMap) Delete(key []byte) error {
	e := h.get(key)
	if e == nil {
		return ENOENT
	}
	h.remove(e)
	return nil
}

// NextKey follows insertion order; a key not in the map gives the first.
func (h *HashMap) NextKey(key []byte) ([]byte, error) {
	var next *list.Element
	if key == nil {
		next = h.order.Front()
	} else if e := h.get(key); e != nil {
		next = e.pos.Next()
	} else {
		next = h.order.Front()
	}
	if next == nil {
		return nil, ENOENT
	}
	return []byte(next.Value.(*hashElem).key), nil
}

// Each calls fn for every element in iteration order until fn returns
// false. fn may delete the current element.
func (h *HashMap) Each(fn func(key, value []byte) bool) {
	for e := h.order.Front(); e != nil; {
		next := e.Next()
		he := e.Value.(*hashElem)
		if !fn([]byte(he.key), he.value) {
			return
		}
		e = next
	}
}
