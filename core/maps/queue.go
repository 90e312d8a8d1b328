package maps

// QueueMap is queue (FIFO) and stack (LIFO): no keys, values pushed and
// popped. A full map refuses a push with E2BIG unless the push has
// BPF_EXIST, which drops the oldest value to make room.
type QueueMap struct {
	spec Spec
	vals [][]byte // oldest first
}

func newQueue(s *Spec) (Map, error) {
	if s.KeySize != 0 || s.ValueSize == 0 || s.MaxEntries == 0 {
		return nil, createErr(EINVAL, "%s needs key_size 0, value_size > 0 and max_entries > 0", s.Type)
	}
	if s.Flags&^(FNumaNode|accessFlagsMask) != 0 {
		return nil, createErr(EINVAL, "flags %#x not allowed for %s", s.Flags, s.Type)
	}
	if uint64(s.ValueSize) > kmallocMax {
		return nil, createErr(E2BIG, "value_size %d too large", s.ValueSize)
	}
	return &QueueMap{spec: *s}, nil
}

// Spec returns the map's spec.
func (q *QueueMap) Spec() *Spec { return &q.spec }

// Len returns the number of values held.
func (q *QueueMap) Len() int { return len(q.vals) }

// Lookup is not defined for queues and stacks from programs.
func (q *QueueMap) Lookup(key []byte) []byte { return nil }

// Update is push (BPF_MAP_UPDATE_ELEM with a NULL key).
func (q *QueueMap) Update(key, value []byte, flags uint64) error { return q.Push(value, flags) }

// Delete is not supported: EINVAL.
func (q *QueueMap) Delete(key []byte) error { return EINVAL }

// NextKey is not supported: EINVAL.
func (q *QueueMap) NextKey(key []byte) ([]byte, error) { return nil, EINVAL }

// Push adds a value.
func (q *QueueMap) Push(value []byte, flags uint64) error {
	if flags&^Exist != 0 {
		return EINVAL
	}
	if uint32(len(q.vals)) >= q.spec.MaxEntries {
		if flags&Exist == 0 {
			return E2BIG
		}
		q.vals = q.vals[1:]
	}
	v := make([]byte, q.spec.ValueSize)
	copy(v, value)
	q.vals = append(q.vals, v)
	return nil
}

func (q *QueueMap) next() int {
	if q.spec.Type == Stack {
		return len(q.vals) - 1
	}
	return 0
}

// Peek returns the next value without removing it; ENOENT when empty.
func (q *QueueMap) Peek() ([]byte, error) {
	if len(q.vals) == 0 {
		return nil, ENOENT
	}
	return q.vals[q.next()], nil
}

// Pop removes and returns the next value; ENOENT when empty.
func (q *QueueMap) Pop() ([]byte, error) {
	if len(q.vals) == 0 {
		return nil, ENOENT
	}
	i := q.next()
	v := q.vals[i]
	q.vals = append(q.vals[:i:i], q.vals[i+1:]...)
	return v, nil
}

// Values returns the values held, oldest first.
func (q *QueueMap) Values() [][]byte { return q.vals }
