package load

import (
	"github.com/bpfplay/bpfplay/core/helpers"
	"github.com/bpfplay/bpfplay/core/maps"
)

// runState is the helper state a run starts from: the request's seed for
// bpf_get_prandom_u32 and start of the virtual clock (defaults when 0).
func runState(o *RunOptions) *helpers.State {
	st := helpers.NewState(o.Seed)
	if o.Clock != 0 {
		st.Clock = o.Clock
	}
	return st
}

// outputRecords collects what a run sent to user space through ring
// buffers (submitted or output, not discarded) and perf event arrays,
// in each map's order.
func outputRecords(ms []maps.Map, names []string) []OutputRecord {
	var out []OutputRecord
	for i, m := range ms {
		switch m := m.(type) {
		case *maps.RingBufMap:
			for _, r := range m.Records {
				if !r.Discarded {
					out = append(out, OutputRecord{Map: nameAt(names, i), Kind: "ringbuf", Data: r.Data})
				}
			}
		case *maps.PerfEventArrayMap:
			for _, r := range m.Records {
				out = append(out, OutputRecord{Map: nameAt(names, i), Kind: "perf", Data: r.Data})
			}
		}
	}
	return out
}
