//go:build linux && amd64 && cgo

package native

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unsafe"

	"github.com/bpfplay/bpfplay/core/helpers"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/progtype"
	"github.com/bpfplay/bpfplay/jit/ksyms"
)

// Calls of an xlated program go to kernel addresses: helpers
// (bpf_ktime_get_ns, or sk_skb_pull_data for one program type's variant),
// and, where the verifier resolved a map helper to the map's own
// operation, map functions (htab_map_update_elem, array_map_lookup_elem,
// __htab_map_lookup_elem inlined by map_gen_lookup...). kernelTarget
// finds what to run for an address.

// htabElemKey is offsetof(struct htab_elem, key) on the reference
// kernel: __htab_map_lookup_elem returns the element, and the code the
// verifier inlines adds this plus the rounded key size to reach the value
// (the corpus's xlated code: "r0 += 0x38" for 8-byte keys).
const htabElemKey = 0x30

// kernelCall is a kernel function that is not a plain helper.
type kernelCall struct {
	name string
	run  func(m helpers.Machine, a *[5]uint64) (uint64, error)
}

// kernelTarget resolves a call's kernel address: a helper number, or a
// kernel call.
func kernelTarget(addr uint64) (isa.HelperID, *kernelCall, error) {
	name, ok := ksyms.Name(addr)
	if !ok {
		return 0, nil, fmt.Errorf("call to %#x: not a function the reference kernel's programs call", addr)
	}
	switch name {
	case "bpf_user_rnd_u32":
		return isa.HelperGetPrandomU32, nil, nil
	case "bpf_get_raw_cpu_id":
		return isa.HelperGetSmpProcessorID, nil, nil
	case "__htab_map_lookup_elem", "__htab_lru_map_lookup_elem":
		return 0, &kernelCall{name, htabLookupElem}, nil
	case "bpf_skb_event_output", "bpf_xdp_event_output":
		return 25, nil, nil // perf_event_output's skb and xdp variants
	case "cpu_map_redirect", "dev_map_redirect", "dev_hash_map_redirect", "xsk_map_redirect":
		// The verifier calls the map's own redirect for
		// bpf_redirect_map (the suffix rule below would take them for
		// bpf_redirect).
		return isa.HelperID(51), nil, nil
	case "bpf_flow_dissector_load_bytes":
		// The flow dissector's bpf_skb_load_bytes.
		return isa.HelperID(26), nil, nil
	case "bpf_skb_load_helper_8_no_cache":
		return 0, &kernelCall{name, loadHelper(1)}, nil
	case "bpf_skb_load_helper_16_no_cache":
		return 0, &kernelCall{name, loadHelper(2)}, nil
	case "bpf_skb_load_helper_32_no_cache":
		return 0, &kernelCall{name, loadHelper(4)}, nil
	}
	if id, ok := isa.HelperByName(name); ok {
		return id, nil, nil
	}
	for _, op := range []struct {
		suffix string
		id     isa.HelperID
	}{
		// Map operations, called directly (htab_map_update_elem,
		// trie_lookup_elem, cgroup_storage_lookup_elem...).
		{"_lookup_elem", isa.HelperMapLookupElem},
		{"_update_elem", isa.HelperMapUpdateElem},
		{"_delete_elem", isa.HelperMapDeleteElem},
		{"_push_elem", 87},
		{"_pop_elem", 88},
		{"_peek_elem", 89},
	} {
		if strings.HasSuffix(name, op.suffix) {
			return op.id, nil, nil
		}
	}
	if strings.HasPrefix(name, "bpf_for_each_") {
		return isa.HelperForEachMapElem, nil, nil
	}
	// A program-type variant of a helper: the longest helper name the
	// symbol ends with.
	best := isa.HelperID(0)
	for h := isa.HelperID(1); h <= isa.MaxHelper6_1; h++ {
		if n := h.Name(); n != "" && strings.HasSuffix(name, "_"+n) && len(n) > len(best.Name()) {
			best = h
		}
	}
	if best != 0 {
		return best, nil, nil
	}
	return 0, nil, fmt.Errorf("call to %s is not supported natively", name)
}

// htabLookupElem is __htab_map_lookup_elem: the element's address, which
// the inlined code turns into the value's. For an LRU map the inlined
// code also reads and sets the element's reference bit in its header,
// which the map's own storage does not have: such lookups get a shadow
// element (header, key, a copy of the value) that is written back to the
// map around every helper call and at the end of the run.
func htabLookupElem(m helpers.Machine, a *[5]uint64) (uint64, error) {
	r0, err := helpers.Lookup(isa.HelperMapLookupElem)(m, a)
	if err != nil || r0 == 0 {
		return r0, err
	}
	mp, err := m.Map(a[0])
	if err != nil {
		return 0, err
	}
	hdr := htabElemKey + int((mp.Spec().KeySize+7)&^7)
	if _, ok := mp.(*maps.MapOfMaps); ok {
		// hash_of_maps: the value is the inner map's pointer, which the
		// inlined code loads (the helper returned the pointer itself).
		cell := make([]byte, hdr+8)
		binary.LittleEndian.PutUint64(cell[hdr:], r0)
		if c, ok := m.(*childState); ok {
			c.keep = append(c.keep, cell)
		}
		return addrOf(cell), nil
	}
	if t := mp.Spec().Type; t == maps.LRUHash || t == maps.LRUPercpuHash {
		if c, ok := m.(*childState); ok {
			return c.shadow(mp, a[1], r0, hdr), nil
		}
	}
	return r0 - uint64(hdr), nil
}

// shadowElem is an LRU element's stand-in (see htabLookupElem).
type shadowElem struct {
	value []byte // the map's storage
	buf   []byte // header + key + value copy
	hdr   int
}

// shadow returns the shadow element of the value at addr (found under
// the key at keyAddr), making it when needed.
func (c *childState) shadow(mp maps.Map, keyAddr, valueAddr uint64, hdr int) uint64 {
	value := unsafe.Slice((*byte)(ptr(valueAddr)), mp.Spec().ValueSize)
	for _, s := range c.shadows {
		if unsafe.SliceData(s.value) == unsafe.SliceData(value) {
			return addrOf(s.buf)
		}
	}
	s := &shadowElem{value: value, buf: make([]byte, hdr+len(value)), hdr: hdr}
	copy(s.buf[hdr:], value)
	c.shadows = append(c.shadows, s)
	return addrOf(s.buf)
}

// flushShadows writes the shadow values back into their maps.
func (c *childState) flushShadows() {
	for _, s := range c.shadows {
		copy(s.value, s.buf[s.hdr:])
	}
}

// refreshShadows reloads them from the maps (after a helper changed
// values).
func (c *childState) refreshShadows() {
	for _, s := range c.shadows {
		copy(s.buf[s.hdr:], s.value)
	}
}

// Offsets of the legacy packet loads' negative windows (SKF_NET_OFF,
// SKF_LL_OFF).
const (
	skfNetOff = -0x100000
	skfLLOff  = -0x200000
)

// loadHelper is bpf_skb_load_helper_{8,16,32}_no_cache(skb, offset), what
// the verifier turns LD_ABS and LD_IND into: size bytes big endian at the
// offset from skb->data (or, for the negative windows, from the network
// or link-layer header), -EFAULT when they are not all in the linear
// data.
func loadHelper(size int) func(m helpers.Machine, a *[5]uint64) (uint64, error) {
	return func(m helpers.Machine, a *[5]uint64) (uint64, error) {
		run := m.Run()
		if run == nil {
			return 0, fmt.Errorf("legacy packet load without a packet")
		}
		s, ok := run.Ctx.(*progtype.SKB)
		if !ok {
			return 0, fmt.Errorf("legacy packet load without an skb")
		}
		off := int(int32(a[1]))
		var start int
		switch {
		case off >= 0:
			start = s.Data + off
		case off >= skfNetOff:
			start = s.NetHeader + off - skfNetOff
		case off >= skfLLOff:
			start = s.MacHeader + off - skfLLOff
		default:
			return efault, nil
		}
		if start < 0 || start < s.MacHeader && off >= 0 || start+size > s.End {
			return efault, nil
		}
		var v uint64
		for _, b := range s.Buf[start : start+size] {
			v = v<<8 | uint64(b)
		}
		return v, nil
	}
}

const efault = ^uint64(14 - 1) // -EFAULT
