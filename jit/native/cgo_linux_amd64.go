//go:build linux && amd64 && cgo

package native

/*
#include <stdint.h>
uint64_t bpfplay_helper_addr(void);
uint64_t bpfplay_run(uint64_t entry, uint64_t r1, uint64_t r2, uint8_t *mem, uint8_t *orig, uint64_t len, int64_t n, uint64_t *times);
uint64_t bpfplay_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
int bpfplay_catch_faults(void);
*/
import "C"

import (
	"unsafe"
)

// helperDispatcher is the address of the C function helper trampolines
// jump to.
func helperDispatcher() uint64 { return uint64(C.bpfplay_helper_addr()) }

// runCode calls the program at entry n times with r1 and r2, restoring
// mem from orig before each run (see bpfplay_run).
func runCode(entry, r1, r2 uint64, mem, orig []byte, n int, times []uint64) uint64 {
	var mp, op *C.uint8_t
	if len(mem) > 0 {
		mp = (*C.uint8_t)(unsafe.Pointer(&mem[0]))
		op = (*C.uint8_t)(unsafe.Pointer(&orig[0]))
	}
	return uint64(C.bpfplay_run(C.uint64_t(entry), C.uint64_t(r1), C.uint64_t(r2), mp, op, C.uint64_t(len(mem)), C.int64_t(n),
		(*C.uint64_t)(unsafe.Pointer(&times[0]))))
}

// callCode calls a bpf function (a callback) with five arguments.
func callCode(fn uint64, a [5]uint64) uint64 {
	return uint64(C.bpfplay_call(C.uint64_t(fn), C.uint64_t(a[0]), C.uint64_t(a[1]), C.uint64_t(a[2]), C.uint64_t(a[3]), C.uint64_t(a[4])))
}

// catchFaults installs the C fault handler.
func catchFaults() bool { return C.bpfplay_catch_faults() == 0 }

// bpfplayHelper is called (through bpfplay_helper) by the machine code
// for every helper call.
//
//export bpfplayHelper
func bpfplayHelper(id, a1, a2, a3, a4, a5, ret C.uint64_t) C.uint64_t {
	return C.uint64_t(child.helper(uint64(id), [5]uint64{uint64(a1), uint64(a2), uint64(a3), uint64(a4), uint64(a5)}, uint64(ret)))
}
