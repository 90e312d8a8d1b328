package native

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/interp"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/jit/internal/progen"
)

// programsPerInput is how many programs one fuzz input makes: a child
// process runs them all, which amortizes its start.
const programsPerInput = 16

// FuzzJITvsInterp generates random programs (package progen: memory
// accesses inside the buffer and the stack, forward jumps only, no
// pointer arithmetic), runs each in the interpreter and natively under
// the JIT, and fails when r0 or the buffer differ.
//
//	go test ./jit/native -run '^$' -fuzz FuzzJITvsInterp -fuzztime 60s -parallel 1
func FuzzJITvsInterp(f *testing.F) {
	if err := Available(); err != nil {
		f.Skip(err)
	}
	f.Add([]byte("bpfplay"))
	f.Add(bytes.Repeat([]byte{0x3c, 0x91, 0x07, 0xe5}, 64))
	f.Add(bytes.Repeat([]byte{0xff}, 300))
	f.Add(bytes.Repeat([]byte{0x00, 0x0d, 0x80, 0x2b, 0x51}, 80))
	f.Fuzz(func(t *testing.T, data []byte) {
		var progs []isa.Program
		var mems [][]byte
		for k := 0; k < programsPerInput; k++ {
			seed := append([]byte{byte(k)}, data...)
			if k > 0 && len(data) > k {
				seed = data[k:] // different programs from one input
			}
			p := progen.Program(seed)
			mem := make([]byte, progen.MemSize)
			for i := range mem {
				mem[i] = byte(k*31 + i*7)
			}
			progs, mems = append(progs, p), append(mems, mem)
		}
		compare(t, progs, mems)
	})
}

// TestDifferential is the fuzz target's check over 2000 programs from a
// fixed seed, for every test run.
func TestDifferential(t *testing.T) {
	if err := Available(); err != nil {
		t.Skip(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var progs []isa.Program
	var mems [][]byte
	for i := 0; i < 2000; i++ {
		b := make([]byte, 16+rng.IntN(400))
		for k := range b {
			b[k] = byte(rng.Uint32())
		}
		mem := make([]byte, progen.MemSize)
		for k := range mem {
			mem[k] = byte(rng.Uint32())
		}
		progs, mems = append(progs, progen.Program(b)), append(mems, mem)
	}
	compare(t, progs, mems)
}

// compare runs programs in the interpreter and natively, and fails on the
// first difference.
func compare(t *testing.T, progs []isa.Program, mems [][]byte) {
	t.Helper()
	var reqs []*Request
	for k, p := range progs {
		reqs = append(reqs, &Request{Insns: p.Encode(), Mem: mems[k]})
	}
	{
		res, errs := RunBatch(context.Background(), reqs)
		for k, p := range progs {
			ip, err := interp.Compile(p, nil)
			if err != nil {
				t.Fatalf("program %d: interpreter refuses it: %v\n%s", k, err, kernel.Text(p))
			}
			mem := append([]byte(nil), mems[k]...)
			want := ip.Run(&interp.Env{Mem: mem})
			if want.Fault != nil {
				t.Fatalf("program %d: the generator made a program that faults: %v\n%s", k, want.Fault, kernel.Text(p))
			}
			if errs[k] != nil {
				t.Fatalf("program %d: native run failed: %v\n%s", k, errs[k], kernel.Text(p))
			}
			got := res[k]
			if got.R0 != want.R0 || !bytes.Equal(got.Mem, mem) {
				t.Fatalf("program %d: JIT and interpreter differ:\n  interpreter r0=%#x mem=%x\n  JIT         r0=%#x mem=%x\n%s",
					k, want.R0, mem, got.R0, got.Mem, listing(p))
			}
		}
	}
}

func listing(p isa.Program) string {
	return fmt.Sprintf("program:\n%s", kernel.Text(p))
}
