package native

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestSandbox shows that a program that faults, hangs or breaks a limit
// comes back as an error, and that the parent goes on serving (the next
// request in the same batch, and a new run afterwards).
func TestSandbox(t *testing.T) {
	if err := Available(); err != nil {
		t.Skip(err)
	}
	ok := &Request{Insns: prog(t, "r0 = 7\nexit")}
	tests := []struct {
		name string
		req  *Request
		kind string
		pc   int
	}{
		{"null dereference", &Request{Insns: prog(t, "r0 = 0\nr1 = 8\nr0 = *(u64 *)(r1 +0)\nexit")}, "signal", 2},
		{"wild store", &Request{Insns: prog(t, "r1 = 0x1234 ll\n*(u32 *)(r1 +0) = 1\nr0 = 0\nexit")}, "signal", 2},
		{"endless loop", &Request{Insns: prog(t, "l: goto l"), Limits: Limits{WallTime: 1500 * time.Millisecond}}, "timeout", -1},
		// The wall-clock limits are generous: on a loaded machine a child
		// gets its second of CPU (or faults in its 512 MiB) slowly.
		{"cpu limit", &Request{Insns: prog(t, "l: goto l"), Limits: Limits{CPUTime: time.Second, WallTime: 2 * time.Minute}}, "cpu-limit", -1},
		{"helper fault", &Request{Insns: prog(t, "r1 = 0\nr2 = 8\ncall bpf_trace_printk\nexit")}, "helper", 2},
		{"forbidden system call", &Request{Insns: prog(t, "r0 = 0\nexit"), TestHook: "syscall"}, "seccomp", -1},
		{"memory limit", &Request{Insns: prog(t, "r0 = 0\nexit"), TestHook: "alloc", Limits: Limits{Memory: 512 << 20, WallTime: 2 * time.Minute}}, "memory", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, errs := RunBatch(context.Background(), []*Request{ok, tc.req, ok})
			var f *Fault
			if !errors.As(errs[1], &f) {
				t.Fatalf("got %v, %v; want a %s fault", res[1], errs[1], tc.kind)
			}
			t.Logf("%v", f)
			if f.Kind != tc.kind || (tc.pc >= 0 && f.PC != tc.pc) {
				t.Errorf("fault %+v, want kind %s at pc %d", f, tc.kind, tc.pc)
			}
			for _, i := range []int{0, 2} {
				if errs[i] != nil || res[i] == nil || res[i].R0 != 7 {
					t.Errorf("request %d beside the faulting one: %v, %v", i, res[i], errs[i])
				}
			}
		})
	}
	// And the parent still runs programs afterwards.
	if res, err := Run(context.Background(), ok); err != nil || res.R0 != 7 {
		t.Fatalf("after the faults: %v, %v", res, err)
	}
}
