package maps_test

import (
	"fmt"

	"github.com/bpfplay/bpfplay/core/interp/testrun"
	ot "github.com/bpfplay/bpfplay/core/interp/testrun/oracletest"
)

const (
	bpfAny     = 0
	bpfNoExist = 1
	bpfExist   = 2
	bpfFLock   = 4
)

func mapCases() []testrun.Case {
	var cs []testrun.Case
	add := func(name string, asm string, maps ...testrun.NamedMap) {
		cs = append(cs, testrun.Case{Name: "maps/" + name, Asm: asm, Maps: append([]testrun.NamedMap{ot.ResMap()}, maps...)})
	}
	create := func(name string, maps ...testrun.NamedMap) {
		cs = append(cs, testrun.Case{Name: "maps/create/" + name, MapCreate: true, Maps: maps})
	}

	// array and percpu_array.
	for _, typ := range []string{"array", "percpu_array"} {
		a := ot.M("a", typ, 4, 8, 4, 0)
		add(typ+"/update-flags", ot.Steps(
			ot.Upd("a", 0, 11, bpfAny), ot.Upd("a", 1, 12, bpfExist), ot.Upd("a", 2, 13, bpfNoExist),
			ot.Upd("a", 4, 14, bpfAny), ot.Upd("a", 3, 15, 3), ot.Upd("a", 3, 16, bpfFLock), ot.Upd("a", -1, 17, bpfAny),
			ot.Look("a", 0), ot.Look("a", 1), ot.Look("a", 2), ot.Look("a", 4), ot.Look("a", 3)), a)
		add(typ+"/delete", ot.Steps(ot.Upd("a", 1, 5, bpfAny), ot.Del("a", 1), ot.Look("a", 1), ot.Del("a", 9)), a)
		add(typ+"/write-through-pointer", `*(u32 *)(r10 -4) = 2
r1 = map[a] ll
r2 = r10
r2 += -4
call bpf_map_lookup_elem
if r0 == 0 goto pc+3
r1 = 77
*(u64 *)(r0 +0) = r1
r0 = 1
exit
`, a)
		add(typ+"/odd-value-size", ot.Steps(
			`*(u32 *)(r10 -4) = 1
*(u32 *)(r10 -16) = 0x030201
r1 = map[o] ll
r2 = r10
r2 += -4
r3 = r10
r3 += -16
r4 = 0
call bpf_map_update_elem
`), ot.M("o", typ, 4, 3, 2, 0))
		add(typ+"/init", ot.Steps(ot.Look("a", 0), ot.Look("a", 3)),
			ot.WithInit(a, "00000000", "0102030405060708", "03000000", "ffffffffffffffff"))
	}
	create("array/key-size-8", ot.M("x", "array", 8, 8, 4, 0))
	create("array/value-size-0", ot.M("x", "array", 4, 0, 4, 0))
	create("array/max-entries-0", ot.M("x", "array", 4, 8, 0, 0))
	create("array/no-prealloc", ot.M("x", "array", 4, 8, 4, 1))
	create("array/mmapable", ot.M("x", "array", 4, 8, 4, 1<<10))
	create("array/rdonly-wronly", ot.M("x", "array", 4, 8, 4, 1<<3|1<<4))
	create("percpu_array/mmapable", ot.M("x", "percpu_array", 4, 8, 4, 1<<10))

	// hash kinds.
	for _, typ := range []string{"hash", "percpu_hash", "lru_hash", "lru_percpu_hash"} {
		h := ot.M("h", typ, 4, 8, 3, 0)
		add(typ+"/update-flags", ot.Steps(
			ot.Upd("h", 1, 11, bpfAny), ot.Upd("h", 1, 12, bpfNoExist), ot.Upd("h", 2, 13, bpfExist),
			ot.Upd("h", 1, 14, bpfExist), ot.Upd("h", 2, 15, bpfNoExist), ot.Upd("h", 3, 16, 3), ot.Upd("h", 3, 17, bpfFLock),
			ot.Look("h", 1), ot.Look("h", 2), ot.Look("h", 3)), h)
		add(typ+"/delete", ot.Steps(ot.Upd("h", 1, 5, bpfAny), ot.Del("h", 1), ot.Del("h", 1), ot.Look("h", 1), ot.Upd("h", 1, 6, bpfNoExist), ot.Look("h", 1)), h)
		add(typ+"/init", ot.Steps(ot.Look("h", 7), ot.Look("h", 8)), ot.WithInit(h, "07000000", "0100000000000000"))
	}
	add("hash/full", ot.Steps(ot.Upd("h", 1, 1, bpfAny), ot.Upd("h", 2, 2, bpfAny), ot.Upd("h", 3, 3, bpfAny),
		ot.Upd("h", 4, 4, bpfAny), ot.Upd("h", 3, 33, bpfAny), ot.Del("h", 1), ot.Upd("h", 4, 4, bpfNoExist)), ot.M("h", "hash", 4, 8, 3, 0))
	add("hash/full-no-prealloc", ot.Steps(ot.Upd("h", 1, 1, bpfAny), ot.Upd("h", 2, 2, bpfAny),
		ot.Upd("h", 3, 3, bpfAny), ot.Upd("h", 2, 22, bpfAny)), ot.M("h", "hash", 4, 8, 2, 1))
	// LRU eviction: fill, touch one, insert more.
	for _, typ := range []string{"lru_hash", "lru_percpu_hash"} {
		add(typ+"/evict", ot.Steps(ot.Upd("l", 1, 1, bpfAny), ot.Upd("l", 2, 2, bpfAny), ot.Upd("l", 3, 3, bpfAny),
			ot.Upd("l", 4, 4, bpfAny), ot.Look("l", 1), ot.Upd("l", 5, 5, bpfAny), ot.Upd("l", 6, 6, bpfAny),
			ot.Upd("l", 7, 7, bpfAny), ot.Upd("l", 8, 8, bpfAny), ot.Upd("l", 9, 9, bpfAny)), ot.M("l", typ, 4, 8, 4, 0))
		add(typ+"/evict-big", ot.Steps(ot.Upd("l", 1, 1, bpfAny), ot.Upd("l", 2, 2, bpfAny), ot.Upd("l", 3, 3, bpfAny),
			ot.Upd("l", 4, 4, bpfAny), ot.Upd("l", 5, 5, bpfAny), ot.Upd("l", 6, 6, bpfAny), ot.Upd("l", 7, 7, bpfAny),
			ot.Upd("l", 8, 8, bpfAny), ot.Upd("l", 9, 9, bpfAny), ot.Upd("l", 10, 10, bpfAny), ot.Upd("l", 11, 11, bpfAny),
			ot.Upd("l", 12, 12, bpfAny), ot.Upd("l", 13, 13, bpfAny), ot.Upd("l", 14, 14, bpfAny), ot.Upd("l", 15, 15, bpfAny),
			ot.Upd("l", 16, 16, bpfAny), ot.Upd("l", 17, 17, bpfAny), ot.Upd("l", 18, 18, bpfAny)), ot.M("l", typ, 4, 8, 16, 0))
	}
	create("hash/key-0", ot.M("x", "hash", 0, 8, 4, 0))
	create("hash/value-0", ot.M("x", "hash", 4, 0, 4, 0))
	create("hash/max-0", ot.M("x", "hash", 4, 8, 0, 0))
	create("hash/key-513", ot.M("x", "hash", 513, 8, 4, 0))
	create("hash/key-512", ot.M("x", "hash", 512, 8, 4, 0))
	create("hash/bad-flag", ot.M("x", "hash", 4, 8, 4, 1<<1))
	create("lru_hash/no-prealloc", ot.M("x", "lru_hash", 4, 8, 4, 1))
	create("lru_hash/no-common-lru", ot.M("x", "lru_hash", 4, 8, 4, 1<<1))
	create("percpu_hash/zero-seed", ot.M("x", "percpu_hash", 4, 8, 4, 1<<6))

	// queue and stack.
	for _, typ := range []string{"queue", "stack"} {
		q := ot.M("q", typ, 0, 8, 3, 0)
		push := func(v, flags int64) string {
			return fmt.Sprintf(`*(u64 *)(r10 -16) = %d
r1 = map[q] ll
r2 = r10
r2 += -16
r3 = %d
call bpf_map_push_elem
`, v, flags)
		}
		popPeek := func(helper string) string {
			return fmt.Sprintf(`r1 = map[q] ll
r2 = r10
r2 += -16
call bpf_map_%s_elem
if r0 != 0 goto pc+1
r0 = *(u64 *)(r10 -16)
`, helper)
		}
		add(typ+"/push-pop", ot.Steps(popPeek("pop"), popPeek("peek"), push(1, 0), push(2, 0), push(3, 0), push(4, 0),
			push(5, bpfExist), push(6, 1), popPeek("peek"), popPeek("pop"), popPeek("pop"), push(7, 0)), q)
		add(typ+"/init", ot.Steps(popPeek("pop"), popPeek("pop")), ot.WithInit(q, "", "0900000000000000", "", "0800000000000000"))
		create(typ+"/key-4", ot.M("x", typ, 4, 8, 4, 0))
		create(typ+"/value-0", ot.M("x", typ, 0, 0, 4, 0))
		create(typ+"/max-0", ot.M("x", typ, 0, 8, 0, 0))
		create(typ+"/no-prealloc", ot.M("x", typ, 0, 8, 4, 1))
	}

	// lpm_trie: keys {u32 prefixlen; u8 data[4]}, u64 values.
	lpm := ot.M("t", "lpm_trie", 8, 8, 8, 1)
	lpmUpd := func(plen int, ip uint32, val int64, flags int) string {
		return fmt.Sprintf(`*(u32 *)(r10 -8) = %d
*(u32 *)(r10 -4) = %d
*(u64 *)(r10 -16) = %d
r1 = map[t] ll
r2 = r10
r2 += -8
r3 = r10
r3 += -16
r4 = %d
call bpf_map_update_elem
`, plen, int32(bswap32(ip)), val, flags)
	}
	lpmLook := func(plen int, ip uint32) string {
		return fmt.Sprintf(`*(u32 *)(r10 -8) = %d
*(u32 *)(r10 -4) = %d
r1 = map[t] ll
r2 = r10
r2 += -8
call bpf_map_lookup_elem
if r0 == 0 goto pc+2
r0 = *(u64 *)(r0 +0)
goto pc+1
r0 = -1
`, plen, int32(bswap32(ip)))
	}
	lpmDel := func(plen int, ip uint32) string {
		return fmt.Sprintf(`*(u32 *)(r10 -8) = %d
*(u32 *)(r10 -4) = %d
r1 = map[t] ll
r2 = r10
r2 += -8
call bpf_map_delete_elem
`, plen, int32(bswap32(ip)))
	}
	add("lpm_trie/match", ot.Steps(
		lpmUpd(8, 0x0a000000, 8, 0), lpmUpd(16, 0x0a010000, 16, 0), lpmUpd(24, 0x0a010200, 24, 0), lpmUpd(0, 0, 1, 0),
		lpmUpd(16, 0x0a01ffff, 160, bpfNoExist), lpmUpd(16, 0x0a02ffff, 161, bpfExist), lpmUpd(33, 0, 2, 0),
		lpmLook(32, 0x0a010203), lpmLook(32, 0x0a01ff01), lpmLook(32, 0x0aff0000), lpmLook(32, 0x0b000000),
		lpmLook(12, 0x0a010203), lpmDel(16, 0x0a010000), lpmLook(32, 0x0a01ff01), lpmDel(16, 0x0a010000),
		lpmDel(17, 0x0a000000), lpmUpd(32, 0x01020304, 32, 3)), lpm)
	add("lpm_trie/full", ot.Steps(lpmUpd(8, 0x01000000, 1, 0), lpmUpd(8, 0x02000000, 2, 0), lpmUpd(8, 0x03000000, 3, 0),
		lpmUpd(8, 0x02000000, 22, 0)), ot.M("t", "lpm_trie", 8, 8, 2, 1))
	create("lpm_trie/prealloc", ot.M("x", "lpm_trie", 8, 8, 4, 0))
	create("lpm_trie/key-4", ot.M("x", "lpm_trie", 4, 8, 4, 1))
	create("lpm_trie/key-261", ot.M("x", "lpm_trie", 261, 8, 4, 1))
	create("lpm_trie/key-260", ot.M("x", "lpm_trie", 260, 8, 4, 1))
	create("lpm_trie/value-0", ot.M("x", "lpm_trie", 8, 0, 4, 1))
	create("lpm_trie/max-0", ot.M("x", "lpm_trie", 8, 8, 0, 1))

	// ringbuf.
	create("ringbuf/ok", ot.M("x", "ringbuf", 0, 0, 4096, 0))
	create("ringbuf/not-pow2", ot.M("x", "ringbuf", 0, 0, 12288, 0))
	create("ringbuf/not-page", ot.M("x", "ringbuf", 0, 0, 1024, 0))
	create("ringbuf/key-4", ot.M("x", "ringbuf", 4, 0, 4096, 0))
	create("ringbuf/value-8", ot.M("x", "ringbuf", 0, 8, 4096, 0))

	// prog_array, perf_event_array, devmap, cgroup_storage, maps of maps.
	create("prog_array/ok", ot.M("x", "prog_array", 4, 4, 4, 0))
	create("prog_array/value-8", ot.M("x", "prog_array", 4, 8, 4, 0))
	create("perf_event_array/ok", ot.M("x", "perf_event_array", 4, 4, 4, 0))
	create("perf_event_array/value-8", ot.M("x", "perf_event_array", 4, 8, 4, 0))
	create("devmap/ok", ot.M("x", "devmap", 4, 4, 4, 0))
	create("devmap/value-8", ot.M("x", "devmap", 4, 8, 4, 0))
	create("devmap/value-12", ot.M("x", "devmap", 4, 12, 4, 0))
	create("devmap_hash/ok", ot.M("x", "devmap_hash", 4, 4, 4, 0))
	create("cgroup_storage/ok", ot.M("x", "cgroup_storage", 16, 8, 0, 0))
	create("cgroup_storage/key-8", ot.M("x", "cgroup_storage", 8, 8, 0, 0))
	create("cgroup_storage/max-1", ot.M("x", "cgroup_storage", 16, 8, 1, 0))
	create("cgroup_storage/key-4", ot.M("x", "cgroup_storage", 4, 8, 0, 0))
	inner := ot.M("x", "array_of_maps", 4, 4, 4, 0)
	in := ot.M("", "array", 4, 8, 2, 0).Map
	inner.Map.InnerMap = &in
	create("array_of_maps/ok", inner)
	outer := ot.M("x", "hash_of_maps", 4, 4, 4, 0)
	outer.Map.InnerMap = &in
	create("hash_of_maps/ok", outer)
	aom := inner
	aom.Name = "o"
	add("array_of_maps/lookup-empty", ot.Steps(look2("o", 0), look2("o", 9)), aom)
	noInner := ot.M("x", "array_of_maps", 4, 4, 4, 0)
	create("array_of_maps/no-inner", noInner)
	return cs
}

// look2 is a lookup that reports only whether the element exists.
func look2(mp string, key int64) string {
	return fmt.Sprintf(`*(u32 *)(r10 -4) = %d
r1 = map[%s] ll
r2 = r10
r2 += -4
call bpf_map_lookup_elem
if r0 == 0 goto pc+1
r0 = 1
`, key, mp)
}

func bswap32(v uint32) uint32 { return v>>24 | v>>8&0xff00 | v<<8&0xff0000 | v<<24 }
