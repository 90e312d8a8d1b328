package helpers

import (
	"github.com/bpfplay/bpfplay/core/maps"
)

// Outputs to userspace: perf event arrays and ring buffers (captured in
// the maps), and bpf_loop.

func init() {
	reg("perf_event_output", perfEventOutput)
	reg("ringbuf_output", ringbufOutput)
	reg("ringbuf_reserve", ringbufReserve)
	reg("ringbuf_submit", ringbufCommit(false))
	reg("ringbuf_discard", ringbufCommit(true))
	reg("ringbuf_query", ringbufQuery)
	reg("loop", loop)
}

const fCtxLenMask = 0xfffff << 32

func perfEventOutput(m Machine, a *[5]uint64) (uint64, error) {
	mp, err := m.Map(a[1])
	if err != nil {
		return 0, err
	}
	pe, ok := mp.(*maps.PerfEventArrayMap)
	if !ok {
		return 0, errNotKind(mp, "perf_event_array")
	}
	data, err := m.Bytes(a[3], a[4], false)
	if err != nil {
		return 0, err
	}
	flags := a[2]
	if n := (flags & fCtxLenMask) >> 32; n > 0 {
		// skb programs may append the packet's first n bytes.
		s := skbOf(m)
		if s == nil || n > uint64(s.Len()) {
			return efault.Neg(), nil
		}
		data = append(append([]byte(nil), data...), s.Bytes()[:n]...)
	}
	return errRet(pe.Output(flags, m.State().CPU, data)), nil
}

func ringbuf(m Machine, addr uint64) (*maps.RingBufMap, error) {
	mp, err := m.Map(addr)
	if err != nil {
		return nil, err
	}
	rb, ok := mp.(*maps.RingBufMap)
	if !ok {
		return nil, errNotKind(mp, "ringbuf")
	}
	return rb, nil
}

func ringbufOutput(m Machine, a *[5]uint64) (uint64, error) {
	rb, err := ringbuf(m, a[0])
	if err != nil {
		return 0, err
	}
	data, err := m.Bytes(a[1], a[2], false)
	if err != nil {
		return 0, err
	}
	return errRet(rb.Output(data, a[3])), nil
}

func ringbufReserve(m Machine, a *[5]uint64) (uint64, error) {
	rb, err := ringbuf(m, a[0])
	if err != nil {
		return 0, err
	}
	s := rb.Reserve(a[1], a[2])
	if s == nil {
		return 0, nil
	}
	return m.RingSample(s), nil
}

func ringbufCommit(discard bool) Func {
	return func(m Machine, a *[5]uint64) (uint64, error) {
		s, err := m.Sample(a[0])
		if err != nil {
			return 0, err
		}
		if !s.Commit(discard, a[1]) {
			return 0, errDoubleCommit{}
		}
		return 0, nil
	}
}

type errDoubleCommit struct{}

func (errDoubleCommit) Error() string {
	return "the ring buffer sample was already submitted or discarded"
}

func ringbufQuery(m Machine, a *[5]uint64) (uint64, error) {
	rb, err := ringbuf(m, a[0])
	if err != nil {
		return 0, err
	}
	return rb.Query(a[1]), nil
}

// maxLoops is BPF_MAX_LOOPS.
const maxLoops = 1 << 23

// loop is bpf_loop(nr_loops, callback, ctx, flags): calls callback(i,
// ctx) until it returns non-zero; returns the number of calls made.
func loop(m Machine, a *[5]uint64) (uint64, error) {
	if a[3] != 0 {
		return neg(maps.EINVAL), nil
	}
	n := uint32(a[0])
	if n > maxLoops {
		return neg(maps.E2BIG), nil
	}
	for i := uint32(0); i < n; i++ {
		r, err := m.Call(a[1], [5]uint64{uint64(i), a[2], 0, 0, 0})
		if err != nil {
			return 0, err
		}
		if r != 0 {
			return uint64(i) + 1, nil
		}
	}
	return uint64(n), nil
}
