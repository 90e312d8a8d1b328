package maps

import (
	"fmt"

	"github.com/bpfplay/bpfplay/core/record"
)

// Spec is what BPF_MAP_CREATE receives.
type Spec struct {
	Type       Type
	KeySize    uint32
	ValueSize  uint32
	MaxEntries uint32
	Flags      uint32
	MapExtra   uint64
	Inner      *Spec // template of the inner map (array_of_maps, hash_of_maps)
	Name       string
}

// Map is the interface every kind implements. Lookup and Update take
// the program's view of values (value_size bytes; CPU 0 for per-CPU
// kinds); userspace's view is in user.go.
type Map interface {
	Spec() *Spec
	// Lookup returns the value for key, aliased to the map's storage,
	// or nil when there is none (bpf_map_lookup_elem returns NULL).
	Lookup(key []byte) []byte
	// Update stores value under key with BPF_ANY/NOEXIST/EXIST flags.
	Update(key, value []byte, flags uint64) error
	// Delete removes key.
	Delete(key []byte) error
	// NextKey returns the key after key in the map's iteration order,
	// the first key when key is nil, ENOENT after the last.
	NextKey(key []byte) ([]byte, error)
}

// CreateError is a map creation failure with the errno the kernel's
// BPF_MAP_CREATE returns.
type CreateError struct {
	Errno Errno
	Msg   string
	// Unmodelled says the kernel may well create the map: the runtime
	// has no model of its type.
	Unmodelled bool
}

func (e *CreateError) Error() string { return fmt.Sprintf("map_create: %s: %s", e.Errno, e.Msg) }

func createErr(e Errno, format string, a ...any) error {
	return &CreateError{Errno: e, Msg: fmt.Sprintf(format, a...)}
}

// SpecFromRecord converts a program record's map description.
func SpecFromRecord(m *record.Map) (*Spec, error) {
	t, ok := TypeByName(m.Type)
	if !ok {
		return nil, createErr(EINVAL, "unknown map type %q", m.Type)
	}
	s := &Spec{Type: t, KeySize: m.KeySize, ValueSize: m.ValueSize, MaxEntries: m.MaxEntries,
		Flags: m.Flags, MapExtra: m.MapExtra, Name: m.Name}
	if m.InnerMap != nil {
		in, err := SpecFromRecord(m.InnerMap)
		if err != nil {
			return nil, err
		}
		s.Inner = in
	}
	return s, nil
}

// FromRecord creates a map from a record and fills it with the record's
// initial entries (userspace values, as BPF_MAP_UPDATE_ELEM takes them).
// For maps of maps, the inner map template is created too and each init
// value is ignored: every slot named by an init key gets a fresh inner
// map made from the template.
func FromRecord(m *record.Map) (Map, error) {
	s, err := SpecFromRecord(m)
	if err != nil {
		return nil, err
	}
	mp, err := New(s)
	if err != nil {
		return nil, err
	}
	for i, e := range m.Init {
		if mm, ok := mp.(*MapOfMaps); ok {
			inner, err := New(s.Inner)
			if err != nil {
				return nil, err
			}
			if err := mm.SetInner(e.Key, inner); err != nil {
				return nil, fmt.Errorf("map init entry %d: %w", i, err)
			}
			continue
		}
		if err := UserUpdate(mp, e.Key, e.Value, Any); err != nil {
			return nil, fmt.Errorf("map init entry %d: %w", i, err)
		}
	}
	return mp, nil
}

// Limits from the kernel.
const (
	maxStack        = 512     // MAX_BPF_STACK: hash keys cannot be larger
	kmallocMax      = 1 << 22 // KMALLOC_MAX_SIZE on x86-64 (4 MiB)
	pageSize        = 4096
	lpmDataSizeMax  = 256
	lpmKeySizeMin   = 4 + 1
	lpmKeySizeMax   = 4 + lpmDataSizeMax
	lpmValSizeMax   = kmallocMax - maxStack - 64 // generous: the kernel's bound depends on the node size
	accessFlagsMask = FRdonly | FWronly | FRdonlyProg | FWronlyProg
)

// allowedFlags is, per kind, the map_flags bits BPF_MAP_CREATE accepts
// in Linux 6.1 (measured with the kernel oracle, one bit at a time: see
// maps/more/create/* in testdata/oracle.jsonl). Per-CPU kinds refuse
// BPF_F_NUMA_NODE; only array takes BPF_F_MMAPABLE; only
// perf_event_array takes BPF_F_PRESERVE_ELEMS.
var allowedFlags = map[Type]uint32{
	Array:               FNumaNode | accessFlagsMask | FMmapable | FInnerMap,
	PercpuArray:         accessFlagsMask,
	Hash:                FNoPrealloc | FNumaNode | accessFlagsMask | FZeroSeed,
	PercpuHash:          FNoPrealloc | accessFlagsMask | FZeroSeed,
	LRUHash:             FNoPrealloc | FNoCommonLRU | FNumaNode | accessFlagsMask | FZeroSeed,
	LRUPercpuHash:       FNoPrealloc | FNoCommonLRU | accessFlagsMask | FZeroSeed,
	Queue:               FNumaNode | accessFlagsMask,
	Stack:               FNumaNode | accessFlagsMask,
	LPMTrie:             FNoPrealloc | FNumaNode | accessFlagsMask,
	RingBuf:             FNumaNode,
	ProgArray:           FNumaNode | FRdonly | FWronly,
	PerfEventArray:      FNumaNode | FRdonly | FWronly | FPreserveElem,
	DevMap:              FNumaNode | FRdonly | FWronly,
	DevMapHash:          FNumaNode | FRdonly | FWronly,
	CPUMap:              FNumaNode,
	CgroupStorage:       FNumaNode | accessFlagsMask,
	PercpuCgroupStorage: FNumaNode | accessFlagsMask,
	ArrayOfMaps:         FNumaNode | FRdonly | FWronly,
	HashOfMaps:          FNoPrealloc | FNumaNode | accessFlagsMask | FZeroSeed,
}

// New creates a map, checking the spec as BPF_MAP_CREATE does.
func New(s *Spec) (Map, error) {
	if s.Flags&(FRdonly|FWronly) == FRdonly|FWronly || s.Flags&(FRdonlyProg|FWronlyProg) == FRdonlyProg|FWronlyProg {
		return nil, createErr(EINVAL, "read-only and write-only flags together")
	}
	if (s.Type == LRUHash || s.Type == LRUPercpuHash) && s.Flags&FNoPrealloc != 0 {
		return nil, createErr(ENOTSUPP, "LRU maps are always preallocated")
	}
	if allowed, ok := allowedFlags[s.Type]; ok && s.Flags&^allowed != 0 {
		return nil, createErr(EINVAL, "map_flags %#x: %s takes only %#x", s.Flags, s.Type, allowed)
	}
	switch s.Type {
	case Array, PercpuArray:
		return newArray(s)
	case Hash, PercpuHash, LRUHash, LRUPercpuHash:
		return newHash(s)
	case Queue, Stack:
		return newQueue(s)
	case LPMTrie:
		return newLPM(s)
	case ProgArray:
		return newProgArray(s)
	case PerfEventArray:
		return newPerfEventArray(s)
	case RingBuf:
		return newRingBuf(s)
	case ArrayOfMaps, HashOfMaps:
		return newMapOfMaps(s)
	case CgroupStorage, PercpuCgroupStorage:
		return newCgroupStorage(s)
	case DevMap, DevMapHash:
		return newDevMap(s)
	case CPUMap:
		return newCPUMap(s)
	}
	return nil, &CreateError{Errno: EINVAL, Msg: fmt.Sprintf("map type %s is not supported by the runtime", s.Type), Unmodelled: true}
}

func checkArrayLike(s *Spec, extraFlags uint32) error {
	if s.KeySize != 4 || s.ValueSize == 0 || s.MaxEntries == 0 {
		return createErr(EINVAL, "%s needs key_size 4, value_size > 0 and max_entries > 0", s.Type)
	}
	if s.Flags&^(FNumaNode|accessFlagsMask|FInnerMap|extraFlags) != 0 {
		return createErr(EINVAL, "flags %#x not allowed for %s", s.Flags, s.Type)
	}
	return nil
}

func keyIndex(key []byte) uint32 {
	return uint32(key[0]) | uint32(key[1])<<8 | uint32(key[2])<<16 | uint32(key[3])<<24
}

func putIndex(i uint32) []byte { return []byte{byte(i), byte(i >> 8), byte(i >> 16), byte(i >> 24)} }

// indexNextKey is BPF_MAP_GET_NEXT_KEY of the maps whose keys are the
// indexes 0 .. max-1 (arrays, program and perf event arrays, devmap,
// cpumap): the first index after key, the first one for no key or one
// out of range, ENOENT after the last.
func indexNextKey(key []byte, max uint32) ([]byte, error) {
	if key == nil || keyIndex(key) >= max {
		return putIndex(0), nil
	}
	if keyIndex(key) == max-1 {
		return nil, ENOENT
	}
	return putIndex(keyIndex(key) + 1), nil
}

// slotUpdate checks an update of an index-keyed map of slots (program
// array, devmap, cpumap) in the kernel's order: flags above BPF_EXIST,
// an index out of range (E2BIG), BPF_NOEXIST (the slots always exist).
// It returns the slot's index.
func slotUpdate(key []byte, flags uint64, max uint32) (uint32, error) {
	if flags > Exist {
		return 0, EINVAL
	}
	i := keyIndex(key)
	if i >= max {
		return 0, E2BIG
	}
	if flags == NoExist {
		return 0, EEXIST
	}
	return i, nil
}

func roundUp8(n uint32) uint32 { return (n + 7) &^ 7 }
