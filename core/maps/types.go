package maps

import (
	"strconv"
	"strings"
)

// Type is enum bpf_map_type of Linux 6.1.
type Type uint32

// Map types.
const (
	Unspec Type = iota
	Hash
	Array
	ProgArray
	PerfEventArray
	PercpuHash
	PercpuArray
	StackTrace
	CgroupArray
	LRUHash
	LRUPercpuHash
	LPMTrie
	ArrayOfMaps
	HashOfMaps
	DevMap
	SockMap
	CPUMap
	XSKMap
	SockHash
	CgroupStorage
	ReuseportSockarray
	PercpuCgroupStorage
	Queue
	Stack
	SkStorage
	DevMapHash
	StructOps
	RingBuf
	InodeStorage
	TaskStorage
	BloomFilter
	UserRingBuf
)

var typeNames = []string{
	"unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash", "percpu_array",
	"stack_trace", "cgroup_array", "lru_hash", "lru_percpu_hash", "lpm_trie", "array_of_maps",
	"hash_of_maps", "devmap", "sockmap", "cpumap", "xskmap", "sockhash", "cgroup_storage",
	"reuseport_sockarray", "percpu_cgroup_storage", "queue", "stack", "sk_storage", "devmap_hash",
	"struct_ops", "ringbuf", "inode_storage", "task_storage", "bloom_filter", "user_ringbuf",
}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "map_type(" + strconv.Itoa(int(t)) + ")"
}

// KernelName returns the enum constant, e.g. BPF_MAP_TYPE_HASH.
func (t Type) KernelName() string { return "BPF_MAP_TYPE_" + strings.ToUpper(t.String()) }

// TypeByName accepts a name (with or without BPF_MAP_TYPE_, any case) or
// a decimal number.
func TypeByName(s string) (Type, bool) {
	n := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "bpf_map_type_")
	for i, name := range typeNames {
		if name == n {
			return Type(i), true
		}
	}
	if v, err := strconv.ParseUint(n, 10, 32); err == nil && v < uint64(len(typeNames)) {
		return Type(v), true
	}
	return 0, false
}

// IsPercpu reports the per-CPU kinds, whose userspace values are one
// 8-byte-rounded slot per CPU.
func (t Type) IsPercpu() bool {
	switch t {
	case PercpuHash, PercpuArray, LRUPercpuHash, PercpuCgroupStorage:
		return true
	}
	return false
}
