package maps

import "container/list"

// HashMap is hash, percpu_hash, lru_hash and lru_percpu_hash. Iteration
// follows insertion order (the kernel's follows its hash buckets, which
// depend on a random seed, so no order is "right"). The LRU kinds evict
// the least recently used element (looked up or updated) when an update
// of a new key finds the map full.
type HashMap struct {
	spec  Spec
	lru   bool
	elems map[string]*list.Element // key -> element of order
	order *list.List               // of *hashElem, insertion order
	use   *list.List               // of *hashElem, least recently used first (LRU kinds)
}

type hashElem struct {
	key   string
	value []byte
	pos   *list.Element // in order
	upos  *list.Element // in use
}

func newHash(s *Spec) (Map, error) {
	lru := s.Type == LRUHash || s.Type == LRUPercpuHash
	allowed := uint32(FNoPrealloc | FNumaNode | accessFlagsMask | FZeroSeed | FInnerMap)
	if lru {
		allowed = FNoCommonLRU | FNumaNode | accessFlagsMask | FZeroSeed | FInnerMap
	}
	if s.Flags&^allowed != 0 {
		return nil, createErr(EINVAL, "flags %#x not allowed for %s", s.Flags, s.Type)
	}
	if s.MaxEntries == 0 || s.KeySize == 0 || s.ValueSize == 0 {
		return nil, createErr(EINVAL, "%s needs key_size, value_size and max_entries > 0", s.Type)
	}
	if s.KeySize > maxStack {
		return nil, createErr(E2BIG, "key_size %d is larger than the stack (512)", s.KeySize)
	}
	if uint64(s.ValueSize) >= kmallocMax-maxStack-64 {
		return nil, createErr(E2BIG, "value_size %d too large", s.ValueSize)
	}
	return &HashMap{spec: *s, lru: lru, elems: map[string]*list.Element{}, order: list.New(), use: list.New()}, nil
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

func (h *HashMap) touch(e *hashElem) {
	if h.lru {
		h.use.MoveToBack(e.upos)
	}
}

// Lookup returns the element's value, nil when absent.
func (h *HashMap) Lookup(key []byte) []byte {
	e := h.get(key)
	if e == nil {
		return nil
	}
	h.touch(e)
	return e.value
}

// Update inserts or replaces. A replaced element keeps its storage, so a
// pointer the program holds sees the new value.
func (h *HashMap) Update(key, value []byte, flags uint64) error {
	if flags&^FLock > Exist {
		return EINVAL
	}
	f := flags &^ FLock
	e := h.get(key)
	switch {
	case e != nil && f == NoExist:
		return EEXIST
	case e == nil && f == Exist:
		return ENOENT
	}
	if e != nil {
		copy(e.value, value)
		h.touch(e)
		return nil
	}
	if uint32(len(h.elems)) >= h.spec.MaxEntries {
		if !h.lru {
			return E2BIG
		}
		h.evict()
	}
	ne := &hashElem{key: string(key[:h.spec.KeySize]), value: make([]byte, h.spec.ValueSize)}
	copy(ne.value, value)
	ne.pos = h.order.PushBack(ne)
	h.elems[ne.key] = ne.pos
	if h.lru {
		ne.upos = h.use.PushBack(ne)
	}
	return nil
}

func (h *HashMap) evict() {
	if f := h.use.Front(); f != nil {
		h.remove(f.Value.(*hashElem))
	}
}

func (h *HashMap) remove(e *hashElem) {
	h.order.Remove(e.pos)
	if e.upos != nil {
		h.use.Remove(e.upos)
	}
	delete(h.elems, e.key)
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
