package helpers

import "github.com/bpfplay/bpfplay/core/maps"

// The current task and memory probes: a configurable fake task and fake
// kernel/user memory (State.Task, State.Kernel, State.User).

func init() {
	reg("get_current_pid_tgid", func(m Machine, a *[5]uint64) (uint64, error) {
		t := &m.State().Task
		return uint64(t.TGID)<<32 | uint64(t.PID), nil
	})
	reg("get_current_uid_gid", func(m Machine, a *[5]uint64) (uint64, error) {
		t := &m.State().Task
		return uint64(t.GID)<<32 | uint64(t.UID), nil
	})
	reg("get_current_comm", getCurrentComm)
	reg("get_current_task", func(m Machine, a *[5]uint64) (uint64, error) { return m.State().Task.Addr, nil })
	reg("get_current_task_btf", func(m Machine, a *[5]uint64) (uint64, error) { return m.State().Task.Addr, nil })
	reg("get_current_cgroup_id", func(m Machine, a *[5]uint64) (uint64, error) { return m.State().Task.CgroupID, nil })
	reg("probe_read", probeRead(kernelOrUser))
	reg("probe_read_kernel", probeRead(kernelOnly))
	reg("probe_read_user", probeRead(userOnly))
	reg("probe_read_str", probeReadStr(kernelOrUser))
	reg("probe_read_kernel_str", probeReadStr(kernelOnly))
	reg("probe_read_user_str", probeReadStr(userOnly))
}

// getCurrentComm copies the task's name, NUL-padded, into buf.
func getCurrentComm(m Machine, a *[5]uint64) (uint64, error) {
	if a[1] == 0 {
		return neg(maps.EINVAL), nil
	}
	dst, err := m.Bytes(a[0], a[1], true)
	if err != nil {
		return 0, err
	}
	comm := m.State().Task.Comm
	if len(comm) > 15 {
		comm = comm[:15] // TASK_COMM_LEN is 16
	}
	for i := range dst {
		dst[i] = 0
	}
	copy(dst[:len(dst)-1], comm)
	return 0, nil
}

type space uint8

const (
	kernelOrUser space = iota
	kernelOnly
	userOnly
)

// taskSizeMax is the top of user space on x86-64: probe_read_kernel
// refuses addresses below it, probe_read_user above it.
const taskSizeMax = 1<<47 - 4096

// source finds n bytes at addr in program memory or fake memory.
func source(m Machine, addr, n uint64, sp space) ([]byte, bool) {
	if sp != userOnly {
		if b, err := m.Bytes(addr, n, false); err == nil {
			return b, true
		}
	}
	st := m.State()
	if sp != userOnly && addr >= taskSizeMax {
		if b, ok := readFake(st.Kernel, addr, n); ok {
			return b, true
		}
	}
	if sp != kernelOnly && addr < taskSizeMax {
		if b, ok := readFake(st.User, addr, n); ok {
			return b, true
		}
	}
	return nil, false
}

func readFake(areas []MemArea, addr, n uint64) ([]byte, bool) {
	for _, ar := range areas {
		if addr >= ar.Addr && addr-ar.Addr <= uint64(len(ar.Data)) && n <= uint64(len(ar.Data))-(addr-ar.Addr) {
			o := addr - ar.Addr
			return ar.Data[o : o+n], true
		}
	}
	return nil, false
}

// erange is what copy_from_kernel_nofault returns for an address the
// kernel refuses to read as kernel memory (user space, non-canonical).
const erange = maps.Errno(34)

// kernelAllowed is x86's copy_from_kernel_nofault_allowed: not below the
// top of user space (+ a guard page), and canonical with 48-bit
// addresses.
func kernelAllowed(addr uint64) bool {
	return addr >= taskSizeMax+4096 && addr>>47 == 1<<17-1
}

// probeRead copies size bytes; on a fault the buffer is zeroed and the
// helper returns -EFAULT (-ERANGE for probe_read_kernel of an address
// that is not kernel memory).
func probeRead(sp space) Func {
	return func(m Machine, a *[5]uint64) (uint64, error) {
		if a[1] == 0 {
			return 0, nil
		}
		dst, err := m.Bytes(a[0], a[1], true)
		if err != nil {
			return 0, err
		}
		src, ok := source(m, a[2], a[1], sp)
		if !ok {
			clear(dst)
			if sp == kernelOnly && !kernelAllowed(a[2]) {
				return erange.Neg(), nil
			}
			return efault.Neg(), nil
		}
		copy(dst, src)
		return 0, nil
	}
}

// probeReadStr copies a NUL-terminated string of at most size-1 bytes
// and returns its length including the NUL; -EFAULT (buffer zeroed) when
// the first byte cannot be read.
func probeReadStr(sp space) Func {
	return func(m Machine, a *[5]uint64) (uint64, error) {
		if a[1] == 0 {
			return 0, nil
		}
		dst, err := m.Bytes(a[0], a[1], true)
		if err != nil {
			return 0, err
		}
		n := uint64(0)
		for ; n < a[1]-1; n++ {
			b, ok := source(m, a[2]+n, 1, sp)
			if !ok {
				clear(dst)
				if sp == kernelOnly && !kernelAllowed(a[2]) {
					return erange.Neg(), nil
				}
				return efault.Neg(), nil
			}
			dst[n] = b[0]
			if b[0] == 0 {
				return n + 1, nil
			}
		}
		dst[n] = 0
		return n + 1, nil
	}
}
