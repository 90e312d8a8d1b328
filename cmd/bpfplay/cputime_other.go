//go:build !linux

package main

import "time"

const clockName = "wall time (no thread clock on this platform)"

var start = time.Now()

// cpuNow falls back to wall time.
func cpuNow() int64 { return int64(time.Since(start)) }
