package maps

// PerfEventArrayMap is perf_event_array. The runtime has no perf
// events; instead every slot behaves as if a reader had the event open,
// and bpf_perf_event_output records are captured in Records (set
// Closed to get the kernel's answer for a map nobody listens to:
// ENOENT).
type PerfEventArrayMap struct {
	spec    Spec
	Closed  bool
	Records []PerfRecord
}

// PerfRecord is one captured bpf_perf_event_output.
type PerfRecord struct {
	CPU  uint32
	Data []byte
}

func newPerfEventArray(s *Spec) (Map, error) {
	if s.KeySize != 4 || s.ValueSize != 4 || s.MaxEntries == 0 {
		return nil, createErr(EINVAL, "perf_event_array needs key_size 4, value_size 4 and max_entries > 0")
	}
	if s.Flags&^(FNumaNode|accessFlagsMask|FPreserveElem|FInnerMap) != 0 {
		return nil, createErr(EINVAL, "flags %#x not allowed for perf_event_array", s.Flags)
	}
	return &PerfEventArrayMap{spec: *s}, nil
}

// Spec returns the map's spec.
func (p *PerfEventArrayMap) Spec() *Spec { return &p.spec }

// Lookup is not allowed from programs.
func (p *PerfEventArrayMap) Lookup(key []byte) []byte { return nil }

// Update would take a perf event fd; the runtime has none: EBADF.
func (p *PerfEventArrayMap) Update(key, value []byte, flags uint64) error { return EBADF }

// Delete: the slots are empty: ENOENT.
func (p *PerfEventArrayMap) Delete(key []byte) error { return ENOENT }

// NextKey walks indexes like an array.
func (p *PerfEventArrayMap) NextKey(key []byte) ([]byte, error) {
	return indexNextKey(key, p.spec.MaxEntries)
}

// BPF_F_CURRENT_CPU and the flag masks of bpf_perf_event_output.
const (
	FCurrentCPU = 0xffffffff
	fIndexMask  = 0xffffffff
	fCtxLenMask = 0xfffff << 32
)

// Output captures a record sent with bpf_perf_event_output's flags
// (index or BPF_F_CURRENT_CPU); cpu is the running CPU.
func (p *PerfEventArrayMap) Output(flags uint64, cpu uint32, data []byte) error {
	if flags&^(fIndexMask|fCtxLenMask) != 0 {
		return EINVAL
	}
	idx := uint32(flags & fIndexMask)
	if idx == FCurrentCPU {
		idx = cpu
	}
	if idx >= p.spec.MaxEntries {
		return E2BIG
	}
	if p.Closed {
		return ENOENT
	}
	p.Records = append(p.Records, PerfRecord{CPU: idx, Data: append([]byte(nil), data...)})
	return nil
}

// RingBufMap is ringbuf: records reserved and committed by programs.
// Nothing consumes them (as in a test run with no reader), so the ring
// fills up as the kernel's would; committed records are captured.
type RingBufMap struct {
	spec    Spec
	prod    uint64
	cons    uint64
	Records []RingRecord // submitted or output, in commit order
	pending int          // reserved and not yet submitted or discarded
}

// RingRecord is one committed ring buffer record.
type RingRecord struct {
	Data      []byte
	Discarded bool
}

// RingSample is a reservation handed to a program.
type RingSample struct {
	Data []byte
	ring *RingBufMap
	done bool
}

// Ring buffer constants (uapi).
const (
	ringHdrSize     = 8
	RBNoWakeup      = 1
	RBForceWakeup   = 2
	RBAvailData     = 0
	RBRingSize      = 1
	RBConsPos       = 2
	RBProdPos       = 3
	ringMaxRecordSz = (1<<32 - 1) / 4
)

func newRingBuf(s *Spec) (Map, error) {
	if s.KeySize != 0 || s.ValueSize != 0 || s.MaxEntries == 0 || s.MaxEntries&(s.MaxEntries-1) != 0 || s.MaxEntries%pageSize != 0 {
		return nil, createErr(EINVAL, "ringbuf needs key_size 0, value_size 0 and max_entries a power of 2 and a multiple of the page size")
	}
	if s.Flags&^(FNumaNode) != 0 {
		return nil, createErr(EINVAL, "flags %#x not allowed for ringbuf", s.Flags)
	}
	return &RingBufMap{spec: *s}, nil
}

// Spec returns the map's spec.
func (r *RingBufMap) Spec() *Spec { return &r.spec }

// Lookup is not supported.
func (r *RingBufMap) Lookup(key []byte) []byte { return nil }

// Update is not supported: ENOTSUPP.
func (r *RingBufMap) Update(key, value []byte, flags uint64) error { return ENOTSUPP }

// Delete is not supported: ENOTSUPP.
func (r *RingBufMap) Delete(key []byte) error { return ENOTSUPP }

// NextKey is not supported: ENOTSUPP.
func (r *RingBufMap) NextKey(key []byte) ([]byte, error) { return nil, ENOTSUPP }

func (r *RingBufMap) space(size uint64) (uint64, bool) {
	if size > ringMaxRecordSz {
		return 0, false
	}
	n := (size + ringHdrSize + 7) &^ 7
	mask := uint64(r.spec.MaxEntries) - 1
	if n > mask+1 || r.prod+n-r.cons > mask {
		return 0, false
	}
	return n, true
}

// Reserve returns a zeroed sample of size bytes, or nil when the ring
// has no room (or flags are not 0).
func (r *RingBufMap) Reserve(size, flags uint64) *RingSample {
	if flags != 0 {
		return nil
	}
	n, ok := r.space(size)
	if !ok {
		return nil
	}
	r.prod += n
	r.pending++
	return &RingSample{Data: make([]byte, size), ring: r}
}

// Commit submits or discards a sample. It reports false when the sample
// was already committed.
func (s *RingSample) Commit(discard bool, flags uint64) bool {
	if s.done {
		return false
	}
	s.done = true
	s.ring.pending--
	s.ring.Records = append(s.ring.Records, RingRecord{Data: append([]byte(nil), s.Data...), Discarded: discard})
	return true
}

// Output copies data into the ring as one record: -EAGAIN (11) when
// there is no room.
func (r *RingBufMap) Output(data []byte, flags uint64) error {
	if flags&^(RBNoWakeup|RBForceWakeup) != 0 {
		return EINVAL
	}
	n, ok := r.space(uint64(len(data)))
	if !ok {
		return Errno(11)
	}
	r.prod += n
	r.Records = append(r.Records, RingRecord{Data: append([]byte(nil), data...)})
	return nil
}

// Query answers bpf_ringbuf_query.
func (r *RingBufMap) Query(flags uint64) uint64 {
	switch flags {
	case RBAvailData:
		return r.prod - r.cons
	case RBRingSize:
		return uint64(r.spec.MaxEntries)
	case RBConsPos:
		return r.cons
	case RBProdPos:
		return r.prod
	}
	return 0
}
