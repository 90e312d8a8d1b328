package maps

import (
	"encoding/binary"
	"sort"
)

// LPMTrieMap is lpm_trie: keys are struct bpf_lpm_trie_key (a u32 prefix
// length followed by the data, most significant bit first); a lookup
// finds the entry with the longest prefix matching the key's data.
// Iteration is the kernel's post-order: for prefixes that nest, the
// longer comes first; otherwise ascending by the data's bits.
type LPMTrieMap struct {
	spec    Spec
	dataLen int
	entries []*lpmEntry // kept in iteration order
}

type lpmEntry struct {
	plen  uint32
	data  []byte // masked to plen
	value []byte
}

func newLPM(s *Spec) (Map, error) {
	if s.MaxEntries == 0 || s.Flags&FNoPrealloc == 0 || s.Flags&^(FNoPrealloc|FNumaNode|accessFlagsMask) != 0 ||
		s.KeySize < lpmKeySizeMin || s.KeySize > lpmKeySizeMax || s.ValueSize < 1 || s.ValueSize > lpmValSizeMax {
		return nil, createErr(EINVAL, "lpm_trie needs BPF_F_NO_PREALLOC, key_size 5..260, value_size > 0, max_entries > 0")
	}
	return &LPMTrieMap{spec: *s, dataLen: int(s.KeySize) - 4}, nil
}

// Spec returns the map's spec.
func (t *LPMTrieMap) Spec() *Spec { return &t.spec }

func (t *LPMTrieMap) split(key []byte) (uint32, []byte) {
	return binary.LittleEndian.Uint32(key), key[4 : 4+t.dataLen]
}

func bit(b []byte, i int) byte { return b[i/8] >> (7 - uint(i%8)) & 1 }

// matches reports whether the first n bits of a and b are equal.
func matches(a, b []byte, n int) bool {
	for i := 0; i < n; i++ {
		if bit(a, i) != bit(b, i) {
			return false
		}
	}
	return true
}

func mask(data []byte, plen uint32) []byte {
	out := make([]byte, len(data))
	for i := 0; i < int(plen); i++ {
		out[i/8] |= bit(data, i) << (7 - uint(i%8))
	}
	return out
}

// Lookup returns the value of the longest prefix matching the key (only
// its first prefixlen bits are considered).
func (t *LPMTrieMap) Lookup(key []byte) []byte {
	plen, data := t.split(key)
	var best *lpmEntry
	for _, e := range t.entries {
		if e.plen <= plen && matches(e.data, data, int(e.plen)) && (best == nil || e.plen > best.plen) {
			best = e
		}
	}
	if best == nil {
		return nil
	}
	return best.value
}

func (t *LPMTrieMap) find(plen uint32, data []byte) int {
	for i, e := range t.entries {
		if e.plen == plen && matches(e.data, data, int(plen)) {
			return i
		}
	}
	return -1
}

// Update inserts or replaces an exact prefix. A full trie answers ENOSPC.
func (t *LPMTrieMap) Update(key, value []byte, flags uint64) error {
	if flags > Exist {
		return EINVAL
	}
	plen, data := t.split(key)
	if plen > uint32(t.dataLen*8) {
		return EINVAL
	}
	i := t.find(plen, data)
	switch {
	case i >= 0 && flags == NoExist:
		return EEXIST
	case i < 0 && flags == Exist:
		return ENOENT
	case i >= 0:
		copy(t.entries[i].value, value)
		return nil
	}
	if uint32(len(t.entries)) >= t.spec.MaxEntries {
		return ENOSPC
	}
	e := &lpmEntry{plen: plen, data: mask(data, plen), value: make([]byte, t.spec.ValueSize)}
	copy(e.value, value)
	t.entries = append(t.entries, e)
	sort.SliceStable(t.entries, func(a, b int) bool { return lpmLess(t.entries[a], t.entries[b]) })
	return nil
}

// lpmLess is post-order: compare the common prefix bit by bit; when one
// prefix contains the other, the longer (deeper) one comes first.
func lpmLess(a, b *lpmEntry) bool {
	n := int(min(a.plen, b.plen))
	for i := 0; i < n; i++ {
		if x, y := bit(a.data, i), bit(b.data, i); x != y {
			return x < y
		}
	}
	return a.plen > b.plen
}

// Delete removes an exact prefix; ENOENT when absent.
func (t *LPMTrieMap) Delete(key []byte) error {
	plen, data := t.split(key)
	if plen > uint32(t.dataLen*8) {
		return EINVAL
	}
	i := t.find(plen, data)
	if i < 0 {
		return ENOENT
	}
	t.entries = append(t.entries[:i], t.entries[i+1:]...)
	return nil
}

// NextKey walks the post-order; an unknown key restarts at the first.
func (t *LPMTrieMap) NextKey(key []byte) ([]byte, error) {
	idx := 0
	if key != nil {
		plen, data := t.split(key)
		if i := t.find(plen, data); i >= 0 {
			idx = i + 1
		}
	}
	if idx >= len(t.entries) {
		return nil, ENOENT
	}
	e := t.entries[idx]
	k := make([]byte, 4+t.dataLen)
	binary.LittleEndian.PutUint32(k, e.plen)
	copy(k[4:], e.data)
	return k, nil
}
