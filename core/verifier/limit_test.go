package verifier

import (
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/isa"
)

// TestInsnLimit checks that a lowered complexity limit rejects, with
// the kernel's E2BIG and message, a bounded loop the kernel's own limit
// accepts.
func TestInsnLimit(t *testing.T) {
	l, err := kernel.Assemble("r0 = 0\nr1 = 0\nloop:\nr0 += 2\nr1 += 1\nif r1 < 1000 goto loop\nexit\n")
	if err != nil {
		t.Fatal(err)
	}
	slots, err := isa.UnmarshalSlots(l.Program.Encode())
	if err != nil {
		t.Fatal(err)
	}
	full := VerifySlots(slots, &Options{ProgType: "socket_filter", LogLevel: 1})
	if !full.Accepted {
		t.Fatalf("the kernel's limit rejects the loop: %s", full.Log)
	}
	low := VerifySlots(slots, &Options{ProgType: "socket_filter", LogLevel: 1, InsnLimit: 500})
	if low.Accepted || low.Errno != 7 {
		t.Fatalf("limit 500: accepted=%v errno=%d, want E2BIG (7)", low.Accepted, low.Errno)
	}
	if !strings.Contains(low.Log, "BPF program is too large. Processed 501 insn") {
		t.Errorf("log lacks the kernel's message:\n%s", low.Log)
	}
}
