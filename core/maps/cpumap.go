package maps

import "encoding/binary"

// CPUMapMap is cpumap: XDP redirects packets to the CPU a slot names,
// whose value is struct bpf_cpumap_val (qsize, and with value_size 8 a
// program fd). The runtime has one CPU. Programs reach a cpumap only
// through bpf_redirect_map; userspace sets and reads slots.
type CPUMapMap struct {
	spec  Spec
	slots [][]byte
}

// CPUs is the number of CPUs the runtime models (as the kernel oracle's
// one-CPU VM).
const CPUs = 1

// Errnos only cpumap updates return.
const (
	ENODEV    Errno = 19
	EOVERFLOW Errno = 75
)

// maxCPUs is NR_CPUS of Debian's x86-64 build: the largest cpumap.
const maxCPUs = 8192

// cpumapMaxQsize is the kernel's sanity limit on a slot's queue size.
const cpumapMaxQsize = 16384

func newCPUMap(s *Spec) (Map, error) {
	if s.KeySize != 4 || (s.ValueSize != 4 && s.ValueSize != 8) || s.MaxEntries == 0 {
		return nil, createErr(EINVAL, "cpumap needs key_size 4, value_size 4 or 8 and max_entries > 0")
	}
	if s.MaxEntries > maxCPUs {
		return nil, createErr(E2BIG, "cpumap max_entries %d is above NR_CPUS (%d)", s.MaxEntries, maxCPUs)
	}
	return &CPUMapMap{spec: *s, slots: make([][]byte, s.MaxEntries)}, nil
}

// Spec returns the map's spec.
func (c *CPUMapMap) Spec() *Spec { return &c.spec }

// Lookup returns a slot's value, nil when empty.
func (c *CPUMapMap) Lookup(key []byte) []byte {
	i := keyIndex(key)
	if i >= c.spec.MaxEntries {
		return nil
	}
	return c.slots[i]
}

// Update sets a slot, checked in the kernel's order: slotUpdate's
// checks, then the queue size and the CPU; a queue size of 0
// empties the slot. A program fd (value_size 8) is refused: the runtime
// has no programs to attach to a CPU.
func (c *CPUMapMap) Update(key, value []byte, flags uint64) error {
	i, err := slotUpdate(key, flags, c.spec.MaxEntries)
	if err != nil {
		return err
	}
	qsize := binary.LittleEndian.Uint32(value)
	if qsize > cpumapMaxQsize {
		return EOVERFLOW
	}
	if i >= CPUs {
		return ENODEV
	}
	if qsize == 0 {
		c.slots[i] = nil
		return nil
	}
	if c.spec.ValueSize == 8 && int32(binary.LittleEndian.Uint32(value[4:])) > 0 {
		return EBADF
	}
	c.slots[i] = append([]byte(nil), value[:c.spec.ValueSize]...)
	return nil
}

// Delete empties a slot.
func (c *CPUMapMap) Delete(key []byte) error {
	i := keyIndex(key)
	if i >= c.spec.MaxEntries {
		return EINVAL
	}
	c.slots[i] = nil
	return nil
}

// NextKey walks the indexes.
func (c *CPUMapMap) NextKey(key []byte) ([]byte, error) { return indexNextKey(key, c.spec.MaxEntries) }
