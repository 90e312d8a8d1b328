package maps

// ProgArrayMap is prog_array: slots holding programs for bpf_tail_call.
// The runtime stores whatever program object its loader uses; userspace
// updates take a program id (u32) that the loader resolves with Resolve.
type ProgArrayMap struct {
	spec  Spec
	progs []any
	ids   []uint32
	// Resolve turns a userspace value (a program fd/id) into a program;
	// nil means ids are kept but no program is attached (tail calls to
	// such a slot fall through).
	Resolve func(id uint32) (any, error)
}

func newProgArray(s *Spec) (Map, error) {
	if s.KeySize != 4 || s.ValueSize != 4 || s.MaxEntries == 0 {
		return nil, createErr(EINVAL, "prog_array needs key_size 4, value_size 4 and max_entries > 0")
	}
	if s.Flags&^(FNumaNode|accessFlagsMask|FInnerMap) != 0 {
		return nil, createErr(EINVAL, "flags %#x not allowed for prog_array", s.Flags)
	}
	return &ProgArrayMap{spec: *s, progs: make([]any, s.MaxEntries), ids: make([]uint32, s.MaxEntries)}, nil
}

// Spec returns the map's spec.
func (p *ProgArrayMap) Spec() *Spec { return &p.spec }

// Lookup is not allowed from programs; it returns nil.
func (p *ProgArrayMap) Lookup(key []byte) []byte { return nil }

// Update sets a slot from userspace (value: program id).
func (p *ProgArrayMap) Update(key, value []byte, flags uint64) error {
	i, err := slotUpdate(key, flags, p.spec.MaxEntries)
	if err != nil {
		return err
	}
	id := keyIndex(value)
	var prog any
	if p.Resolve != nil {
		pr, err := p.Resolve(id)
		if err != nil {
			return EBADF
		}
		prog = pr
	}
	p.progs[i], p.ids[i] = prog, id
	return nil
}

// Set puts a program in a slot.
func (p *ProgArrayMap) Set(i uint32, prog any, id uint32) error {
	if i >= p.spec.MaxEntries {
		return E2BIG
	}
	p.progs[i], p.ids[i] = prog, id
	return nil
}

// Delete empties a slot; ENOENT when already empty.
func (p *ProgArrayMap) Delete(key []byte) error {
	i := keyIndex(key)
	if i >= p.spec.MaxEntries {
		return E2BIG
	}
	if p.progs[i] == nil && p.ids[i] == 0 {
		return ENOENT
	}
	p.progs[i], p.ids[i] = nil, 0
	return nil
}

// NextKey walks the indexes like an array.
func (p *ProgArrayMap) NextKey(key []byte) ([]byte, error) {
	return indexNextKey(key, p.spec.MaxEntries)
}

// Prog returns the program in slot i, or nil (missing entry: the tail
// call falls through).
func (p *ProgArrayMap) Prog(i uint32) any {
	if i >= p.spec.MaxEntries {
		return nil
	}
	return p.progs[i]
}
