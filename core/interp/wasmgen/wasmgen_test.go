package wasmgen_test

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/interp"
	"github.com/bpfplay/bpfplay/core/interp/wasmgen"
	"github.com/bpfplay/bpfplay/core/isa"
)

// The generated modules run here in wazero (a WebAssembly runtime in
// pure Go), so they are tested natively against the interpreter: same
// r0, same instruction count, same memory afterwards; or StatusRedo
// whenever the interpreter faults.

type wasmResult struct {
	status uint32
	r0     uint64
	insns  int64
	mem    []byte
}

func runWasm(t testing.TB, rt wazero.Runtime, prog isa.Program, mem []byte, budget int64, fuel uint64) (*wasmResult, error) {
	ctx := context.Background()
	lay := interp.WasmLayout()
	bin, err := wasmgen.Generate(prog, lay)
	if err != nil {
		return nil, err
	}
	mod, err := rt.Instantiate(ctx, bin)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	defer mod.Close(ctx)
	m := mod.Memory()
	need := uint32(lay.MemLin() + len(mem))
	if need > m.Size() {
		if _, ok := m.Grow((need - m.Size() + 65535) / 65536); !ok {
			t.Fatal("grow")
		}
	}
	hdr := make([]byte, wasmgen.StackLin)
	binary.LittleEndian.PutUint64(hdr[wasmgen.OffBudget:], uint64(budget))
	binary.LittleEndian.PutUint64(hdr[wasmgen.OffFuel:], fuel)
	binary.LittleEndian.PutUint64(hdr[wasmgen.OffMemLen:], uint64(len(mem)))
	if mem != nil {
		binary.LittleEndian.PutUint64(hdr[wasmgen.OffHasMem:], 1)
	}
	m.Write(0, hdr)
	m.Write(uint32(wasmgen.StackLin), make([]byte, 512))
	m.Write(uint32(lay.MemLin()), mem)
	var res *wasmResult
	for {
		out, err := mod.ExportedFunction("run").Call(ctx)
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		res = &wasmResult{status: api.DecodeU32(out[0])}
		if res.status != wasmgen.StatusYield {
			break
		}
		m.WriteUint64Le(wasmgen.OffResume, 1)
	}
	r0, _ := m.ReadUint64Le(wasmgen.OffR0)
	n, _ := m.ReadUint64Le(wasmgen.OffCount)
	res.r0, res.insns = r0, int64(n)
	b, _ := m.Read(uint32(lay.MemLin()), uint32(len(mem)))
	res.mem = append([]byte(nil), b...)
	return res, nil
}

func compare(t *testing.T, rt wazero.Runtime, name string, prog isa.Program, mem []byte, budget int64, fuel uint64, strict bool) {
	t.Helper()
	p, err := interp.Compile(prog, nil)
	if err != nil {
		if strict {
			t.Fatalf("%s: %v", name, err)
		}
		return // map references without maps: not runnable anywhere
	}
	im := append([]byte(nil), mem...)
	if mem == nil {
		im = nil
	}
	want := p.Run(&interp.Env{Mem: im, Budget: budget})
	wm := append([]byte(nil), mem...)
	if mem == nil {
		wm = nil
	}
	got, err := runWasm(t, rt, prog, wm, budget, fuel)
	if err == wasmgen.ErrUnsupported {
		return
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if want.Fault != nil {
		if got.status != wasmgen.StatusRedo {
			t.Errorf("%s: interpreter faulted (%v), wasm exited with r0 %#x", name, want.Fault, got.r0)
		}
		return
	}
	if got.status != wasmgen.StatusExit {
		// Handing a run back is always correct; the well-formed
		// programs of the suites must not need it.
		if strict {
			t.Errorf("%s: wasm asked for the interpreter, which exited with r0 %#x", name, want.R0)
		}
		return
	}
	if got.r0 != want.R0 || got.insns != want.Insns || string(got.mem) != string(im) {
		t.Errorf("%s: wasm r0 %#x insns %d, interpreter r0 %#x insns %d (memory equal: %v)", name, got.r0, got.insns, want.R0, want.Insns, string(got.mem) == string(im))
	}
}

func TestConformance(t *testing.T) {
	rt := wazero.NewRuntime(context.Background())
	defer rt.Close(context.Background())
	files, _ := filepath.Glob("../../../testdata/conformance/tests/*.data")
	benches, _ := filepath.Glob("../testdata/bench/*.data")
	if len(files) != 313 || len(benches) != 7 {
		t.Fatalf("found %d conformance tests and %d benchmarks", len(files), len(benches))
	}
	compiled := 0
	for _, f := range append(files, benches...) {
		src, _ := os.ReadFile(f)
		tc, err := conformance.ParseData(string(src))
		if err != nil {
			t.Fatal(err)
		}
		prog, err := tc.Program()
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".data")
		if _, err := wasmgen.Generate(prog, interp.WasmLayout()); err == nil {
			compiled++
		}
		// Conformance programs yield every few backward jumps, so
		// resuming is tested too; the long benchmarks rarely.
		fuel := uint64(3)
		if strings.Contains(f, "bench") {
			fuel = 100_000
		}
		compare(t, rt, name, prog, tc.Mem, 100_000_000, fuel, true)
	}
	t.Logf("%d of %d programs compiled to wasm", compiled, len(files)+len(benches))
	if compiled < 300 {
		t.Errorf("only %d programs compiled", compiled)
	}
}
