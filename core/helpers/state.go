package helpers

import (
	"strings"

	"github.com/bpfplay/bpfplay/core/maps"
)

// State is the world helpers observe and change during a run. The zero
// value is usable; NewState gives the playground's defaults.
type State struct {
	// Clock is the virtual time in ns returned by bpf_ktime_get_ns; it
	// advances by ClockStep on every read so that successive reads
	// differ, as on a real machine.
	Clock     uint64
	ClockStep uint64
	// BootOffset is added for bpf_ktime_get_boot_ns (time spent
	// suspended); Jiffies64 derives from Clock at HZ=250.
	BootOffset uint64
	// Rand is the state of bpf_get_prandom_u32's generator.
	Rand uint64
	CPU  uint32

	Task Task
	// Kernel is fake kernel (and user) memory for bpf_probe_read*.
	Kernel []MemArea
	User   []MemArea

	// Output: trace_pipe lines written by bpf_trace_printk, and the
	// messages alone.
	TracePipe strings.Builder
	Messages  []Message
	// Redirect records the last bpf_redirect / bpf_redirect_map.
	Redirect struct {
		Ifindex uint32
		Flags   uint64
		Map     maps.Map
		Key     uint32
		Set     bool
	}
	// SocketCookie is what bpf_get_socket_cookie returns.
	SocketCookie uint64
	// NumaNode for bpf_get_numa_node_id.
	NumaNode uint32
}

// Task is the fake current task.
type Task struct {
	PID, TGID uint32
	UID, GID  uint32
	Comm      string
	// Addr is the value bpf_get_current_task returns (a kernel pointer
	// that only probe_read can use).
	Addr uint64
	// CgroupID for bpf_get_current_cgroup_id.
	CgroupID uint64
}

// MemArea is a piece of fake memory at an address.
type MemArea struct {
	Addr uint64
	Data []byte
}

// NewState returns the defaults: clock at 1 s, PRNG seed 1, task
// "bpfplay" pid 1000.
func NewState(seed uint64) *State {
	if seed == 0 {
		seed = 1
	}
	return &State{
		Clock:     1_000_000_000,
		ClockStep: 1000,
		Rand:      seed,
		Task: Task{PID: 1000, TGID: 1000, UID: 1000, GID: 1000, Comm: "bpfplay",
			Addr: 0xffff888004a80000, CgroupID: 1},
		SocketCookie: 4097,
	}
}

// next32 is a xorshift64* step: deterministic for a seed.
func (s *State) next32() uint32 {
	x := s.Rand
	if x == 0 {
		x = 0x9e3779b97f4a7c15
	}
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	s.Rand = x
	return uint32((x * 0x2545f4914f6cdd1d) >> 32)
}

// now reads the clock and advances it.
func (s *State) now() uint64 {
	t := s.Clock
	step := s.ClockStep
	s.Clock += step
	return t
}
