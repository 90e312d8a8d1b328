//go:build linux

package main

import "golang.org/x/sys/unix"

const clockName = "thread CPU time"

// cpuNow is the calling thread's CPU time in ns.
func cpuNow() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return ts.Nano()
}
