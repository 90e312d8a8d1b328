package helpers

// Clock and randomness: deterministic by default so runs reproduce.

func init() {
	reg("ktime_get_ns", ktimeGetNs)
	reg("ktime_get_boot_ns", ktimeGetBootNs)
	reg("jiffies64", jiffies64)
	reg("get_prandom_u32", getPrandomU32)
	reg("get_smp_processor_id", getSmpProcessorID)
	reg("ktime_get_coarse_ns", ktimeGetCoarseNs)
	reg("ktime_get_tai_ns", ktimeGetTaiNs)
	reg("get_numa_node_id", getNumaNodeID)
}

func ktimeGetNs(m Machine, a *[5]uint64) (uint64, error) { return m.State().now(), nil }

func ktimeGetCoarseNs(m Machine, a *[5]uint64) (uint64, error) {
	// The coarse clock ticks at HZ (250): round down to 4 ms.
	t := m.State().now()
	return t - t%4_000_000, nil
}

func ktimeGetTaiNs(m Machine, a *[5]uint64) (uint64, error) {
	// TAI = monotonic + the boot's wall-clock offset; keep a fixed
	// plausible epoch (2024-01-01T00:00:37Z in TAI).
	return m.State().now() + 1_704_067_237_000_000_000, nil
}

func getPrandomU32(m Machine, a *[5]uint64) (uint64, error) { return uint64(m.State().next32()), nil }

func getSmpProcessorID(m Machine, a *[5]uint64) (uint64, error) { return uint64(m.State().CPU), nil }

func getNumaNodeID(m Machine, a *[5]uint64) (uint64, error) { return uint64(m.State().NumaNode), nil }

func ktimeGetBootNs(m Machine, a *[5]uint64) (uint64, error) {
	s := m.State()
	return s.now() + s.BootOffset, nil
}

// jiffies64 counts ticks of HZ=250 (Debian's kernel) since boot, starting
// at INITIAL_JIFFIES' wrap point as Linux does (-300 s in jiffies).
func jiffies64(m Machine, a *[5]uint64) (uint64, error) {
	const hz = 250
	initial := uint64(1<<32 - 300*hz)
	return initial + m.State().now()/(1_000_000_000/hz), nil
}
