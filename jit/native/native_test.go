package native

import (
	"context"
	"errors"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
)

func prog(t *testing.T, src string) []byte {
	t.Helper()
	l, err := kernel.Assemble(src)
	if err != nil {
		t.Fatal(err)
	}
	return l.Program.Encode()
}

func TestRunSimple(t *testing.T) {
	if err := Available(); err != nil {
		t.Skip(err)
	}
	res, err := Run(context.Background(), &Request{Insns: prog(t, "r0 = 42\nr0 += r2\nexit"), Mem: make([]byte, 8)})
	if err != nil {
		t.Fatal(err)
	}
	if res.R0 != 50 {
		t.Errorf("r0 = %d, want 50", res.R0)
	}
}

func TestRunFault(t *testing.T) {
	if err := Available(); err != nil {
		t.Skip(err)
	}
	_, err := Run(context.Background(), &Request{Insns: prog(t, "r1 = 0\nr0 = *(u64 *)(r1 +16)\nexit")})
	var f *Fault
	if !errors.As(err, &f) {
		t.Fatalf("got %v, want a fault", err)
	}
	t.Logf("%v", f)
	if f.Kind != "signal" || f.PC != 1 {
		t.Errorf("fault %+v, want a signal at insn 1", f)
	}
}
