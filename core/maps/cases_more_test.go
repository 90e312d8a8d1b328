package maps_test

import (
	"fmt"
	"strings"

	"github.com/bpfplay/bpfplay/core/interp/testrun"
	ot "github.com/bpfplay/bpfplay/core/interp/testrun/oracletest"
)

// moreMapCases sweeps parameters: every map_flags bit for every kind at
// creation, value and key sizes (the userspace view rounds per-CPU
// values), tiny capacities, and every update flag value.
func moreMapCases() []testrun.Case {
	var cs []testrun.Case
	add := func(name, asm string, maps ...testrun.NamedMap) {
		cs = append(cs, testrun.Case{Name: "maps/more/" + name, Asm: asm, Maps: append([]testrun.NamedMap{ot.ResMap()}, maps...)})
	}
	kinds := []struct {
		typ           string
		key, val, max uint32
		base          uint32
		inner         bool
	}{
		{"array", 4, 8, 4, 0, false}, {"percpu_array", 4, 8, 4, 0, false}, {"hash", 4, 8, 4, 0, false},
		{"percpu_hash", 4, 8, 4, 0, false}, {"lru_hash", 4, 8, 4, 0, false}, {"lru_percpu_hash", 4, 8, 4, 0, false},
		{"queue", 0, 8, 4, 0, false}, {"stack", 0, 8, 4, 0, false}, {"lpm_trie", 8, 8, 4, 1, false},
		{"ringbuf", 0, 0, 4096, 0, false}, {"prog_array", 4, 4, 4, 0, false}, {"perf_event_array", 4, 4, 4, 0, false},
		{"devmap", 4, 4, 4, 0, false}, {"devmap_hash", 4, 4, 4, 0, false}, {"cgroup_storage", 16, 8, 0, 0, false},
		{"array_of_maps", 4, 4, 4, 0, true}, {"hash_of_maps", 4, 4, 4, 0, true}, {"percpu_cgroup_storage", 16, 8, 0, 0, false},
	}
	for _, k := range kinds {
		for bit := 0; bit <= 12; bit++ {
			mp := ot.M("x", k.typ, k.key, k.val, k.max, k.base|1<<bit)
			if k.inner {
				in := ot.M("", "array", 4, 8, 2, 0).Map
				mp.Map.InnerMap = &in
			}
			cs = append(cs, testrun.Case{Name: fmt.Sprintf("maps/more/create/%s/flag-bit-%d", k.typ, bit), MapCreate: true,
				Maps: []testrun.NamedMap{mp}})
		}
	}
	// Value sizes: write a pattern through the lookup pointer, read it
	// back through the dump (per-CPU values are rounded up to 8).
	for _, typ := range []string{"array", "percpu_array", "hash", "percpu_hash", "lru_hash", "lru_percpu_hash"} {
		for _, vs := range []uint32{1, 3, 4, 12, 20} {
			var sb strings.Builder
			if !strings.Contains(typ, "array") {
				sb.WriteString(ot.Upd("m", 2, 0, 0)[:0])
				// create the element with a zero value of the right size
				fmt.Fprintf(&sb, "*(u32 *)(r10 -4) = 2\n")
				for i := uint32(0); i < vs; i += 1 {
					fmt.Fprintf(&sb, "*(u8 *)(r10 %d) = 0\n", -64+int(i))
				}
				sb.WriteString("r1 = map[m] ll\nr2 = r10\nr2 += -4\nr3 = r10\nr3 += -64\nr4 = 0\ncall bpf_map_update_elem\n")
			}
			sb.WriteString("*(u32 *)(r10 -4) = 2\nr1 = map[m] ll\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem\nif r0 == 0 goto out\n")
			for i := uint32(0); i < vs; i++ {
				fmt.Fprintf(&sb, "*(u8 *)(r0 +%d) = %d\n", i, 0xa0+i)
			}
			sb.WriteString("out:\nr0 = 0\nexit\n")
			add(fmt.Sprintf("value-size/%s/%d", typ, vs), sb.String(), ot.M("m", typ, 4, vs, 4, 0))
		}
	}
	// Key sizes of hashes: insert two keys that differ in the last byte.
	for _, typ := range []string{"hash", "percpu_hash", "lru_hash"} {
		for _, ks := range []uint32{1, 2, 3, 8, 16, 64} {
			var sb strings.Builder
			for n := 0; n < 2; n++ {
				for i := uint32(0); i < ks; i++ {
					v := 0x10 + i
					if i == ks-1 {
						v += uint32(n)
					}
					fmt.Fprintf(&sb, "*(u8 *)(r10 %d) = %d\n", -128+int(i), v)
				}
				fmt.Fprintf(&sb, "*(u64 *)(r10 -8) = %d\nr1 = map[m] ll\nr2 = r10\nr2 += -128\nr3 = r10\nr3 += -8\nr4 = 0\ncall bpf_map_update_elem\n", 100+n)
				sb.WriteString(ot.Rec(n))
			}
			sb.WriteString("r1 = map[m] ll\nr2 = r10\nr2 += -128\ncall bpf_map_delete_elem\n" + ot.Rec(2) + "r0 = 0\nexit\n")
			add(fmt.Sprintf("key-size/%s/%d", typ, ks), sb.String(), ot.M("m", typ, ks, 8, 4, 0))
		}
	}
	// Every update flag value on an existing and a missing key.
	for _, typ := range []string{"array", "percpu_array", "hash", "percpu_hash", "lru_hash", "lru_percpu_hash"} {
		var ops []string
		for f := int64(0); f < 8; f++ {
			ops = append(ops, ot.Upd("m", 1, 10+f, f), ot.Upd("m", 3, 20+f, f))
			if !strings.Contains(typ, "array") {
				ops = append(ops, ot.Del("m", 3))
			}
		}
		add("update-flag-values/"+typ, ot.Steps(ops...), ot.WithInit(ot.M("m", typ, 4, 8, 4, 0), "01000000", "0100000000000000"))
	}
	// Capacity one.
	for _, typ := range []string{"array", "hash", "lru_hash", "percpu_hash", "lru_percpu_hash"} {
		add("max-entries-1/"+typ, ot.Steps(ot.Upd("m", 0, 1, 0), ot.Upd("m", 1, 2, 0), ot.Look("m", 0), ot.Look("m", 1),
			ot.Upd("m", 1, 3, 0), ot.Look("m", 0), ot.Look("m", 1)), ot.M("m", typ, 4, 8, 1, 0))
	}
	// Queue and stack shapes.
	for _, typ := range []string{"queue", "stack"} {
		for _, max := range []uint32{1, 2, 5} {
			for _, vs := range []uint32{1, 4, 16} {
				var ops []string
				for i := 0; i < int(max)+1; i++ {
					ops = append(ops, fmt.Sprintf("*(u64 *)(r10 -16) = %d\n*(u64 *)(r10 -8) = %d\nr1 = map[q] ll\nr2 = r10\nr2 += -16\nr3 = 0\ncall bpf_map_push_elem\n", i+1, -(i+1)))
				}
				ops = append(ops, "*(u64 *)(r10 -16) = 99\nr1 = map[q] ll\nr2 = r10\nr2 += -16\nr3 = 2\ncall bpf_map_push_elem\n")
				for i := 0; i < int(max)+1; i++ {
					ops = append(ops, "*(u64 *)(r10 -16) = 0\n*(u64 *)(r10 -8) = 0\nr1 = map[q] ll\nr2 = r10\nr2 += -16\ncall bpf_map_pop_elem\nif r0 != 0 goto pc+3\nr0 = *(u64 *)(r10 -16)\nr1 = *(u64 *)(r10 -8)\nr0 ^= r1\n")
				}
				add(fmt.Sprintf("%s/max-%d-value-%d", typ, max, vs), ot.Steps(ops...), ot.M("q", typ, 0, vs, max, 0))
			}
		}
	}
	return cs
}
