package verifier

import (
	"fmt"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

// The map/helper sweep: every map helper called on every kind of map
// (with well-formed arguments on the stack), from a socket filter, an
// XDP and a kprobe program: which helper may take which map
// (check_map_func_compatibility) and what the verifier says otherwise.
// The kernel's answers (testdata/mapfunc-sweep.answers.jsonl.gz):
//
//	BPFPLAY_ORACLE_INPUT=/tmp/mf.jsonl go test ./core/verifier -run TestMapFuncSweep
//	scripts/oracle.sh /tmp/mf.jsonl /tmp/mf.out.jsonl
//	BPFPLAY_ORACLE_OUTPUT=/tmp/mf.out.jsonl go test ./core/verifier -run TestMapFuncSweep

const mapFuncSweepAnswers = "testdata/mapfunc-sweep.answers.jsonl.gz"

var sweepMaps = []record.Map{
	{Type: "array", KeySize: 4, ValueSize: 8, MaxEntries: 4},
	{Type: "hash", KeySize: 4, ValueSize: 8, MaxEntries: 4},
	{Type: "percpu_array", KeySize: 4, ValueSize: 8, MaxEntries: 4},
	{Type: "percpu_hash", KeySize: 4, ValueSize: 8, MaxEntries: 4},
	{Type: "lru_hash", KeySize: 4, ValueSize: 8, MaxEntries: 4},
	{Type: "lpm_trie", KeySize: 8, ValueSize: 8, MaxEntries: 4, Flags: 1},
	{Type: "queue", ValueSize: 8, MaxEntries: 4},
	{Type: "stack", ValueSize: 8, MaxEntries: 4},
	{Type: "ringbuf", MaxEntries: 4096},
	{Type: "prog_array", KeySize: 4, ValueSize: 4, MaxEntries: 4},
	{Type: "perf_event_array", KeySize: 4, ValueSize: 4, MaxEntries: 4},
	{Type: "devmap", KeySize: 4, ValueSize: 4, MaxEntries: 4},
	{Type: "devmap_hash", KeySize: 4, ValueSize: 4, MaxEntries: 4},
	{Type: "cpumap", KeySize: 4, ValueSize: 4, MaxEntries: 4},
	{Type: "xskmap", KeySize: 4, ValueSize: 4, MaxEntries: 4},
	{Type: "sockmap", KeySize: 4, ValueSize: 4, MaxEntries: 4},
	{Type: "sockhash", KeySize: 4, ValueSize: 4, MaxEntries: 4},
	{Type: "stack_trace", KeySize: 4, ValueSize: 8, MaxEntries: 4},
	{Type: "cgroup_array", KeySize: 4, ValueSize: 4, MaxEntries: 4},
	{Type: "bloom_filter", ValueSize: 8, MaxEntries: 4},
}

// sweepMapCalls: a helper call with r1 = the map and the rest of its
// arguments pointing at zeroed stack (key at fp-16, value at fp-32).
var sweepMapCalls = []struct{ name, args string }{
	{"map_lookup_elem", "r2 = r10\nr2 += -16\n"},
	{"map_update_elem", "r2 = r10\nr2 += -16\nr3 = r10\nr3 += -32\nr4 = 0\n"},
	{"map_delete_elem", "r2 = r10\nr2 += -16\n"},
	{"map_push_elem", "r2 = r10\nr2 += -32\nr3 = 0\n"},
	{"map_pop_elem", "r2 = r10\nr2 += -32\n"},
	{"map_peek_elem", "r2 = r10\nr2 += -32\n"},
	{"redirect_map", "r2 = 0\nr3 = 0\n"},
	{"ringbuf_output", "r2 = r10\nr2 += -32\nr3 = 8\nr4 = 0\n"},
	{"ringbuf_query", "r2 = 0\n"},
	{"map_lookup_percpu_elem", "r2 = r10\nr2 += -16\nr3 = 0\n"},
	{"get_stackid", "r2 = 0\n"},
	{"perf_event_read", "r2 = 0\n"},
	{"skb_under_cgroup", "r2 = 0\n"},
}

func mapFuncSweepCases(t *testing.T) []messageCase {
	var cases []messageCase
	for _, pt := range []string{"socket_filter", "xdp", "kprobe", "sched_cls"} {
		for _, m := range sweepMaps {
			for _, c := range sweepMapCalls {
				// Calls whose first argument is the context take the map
				// second: r1 = ctx, r2 = map.
				src := "*(u64 *)(r10 -8) = 0\n*(u64 *)(r10 -16) = 0\n*(u64 *)(r10 -24) = 0\n*(u64 *)(r10 -32) = 0\n" +
					"r6 = r1\nr1 = map[m] ll\n" + c.args
				if c.name == "get_stackid" || c.name == "skb_under_cgroup" {
					src = "*(u64 *)(r10 -8) = 0\nr6 = r1\nr2 = map[m] ll\nr1 = r6\nr3 = 0\n"
				}
				src += "call bpf_" + c.name + "\nr0 = 0\nexit\n"
				mm := m
				mm.Name = "m"
				cases = append(cases, messageCase{in: sweepProgram(t, fmt.Sprintf("bpfplay/mapfunc sweep: %s %s(%s)", pt, c.name, m.Type), pt, src, &mm)})
			}
		}
	}
	return cases
}

// TestMapFuncSweep compares verdict, errno, error line and log with
// Linux's for every helper/map pair of the sweep.
func TestMapFuncSweep(t *testing.T) { runSweep(t, mapFuncSweepCases(t), mapFuncSweepAnswers, true) }
