package interp

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/conformance"
)

// TestWasmLayout: r1 and r10 at entry are where WasmLayout says.
func TestWasmLayout(t *testing.T) {
	l := WasmLayout()
	p := compileAsm(t, "r0 = r1\nexit", nil)
	if r := p.Run(&Env{Mem: make([]byte, 8)}); r.R0 != l.MemBase {
		t.Errorf("r1 = %#x, layout says %#x", r.R0, l.MemBase)
	}
	p = compileAsm(t, "r0 = r10\nexit", nil)
	if r := p.Run(nil); r.R0 != l.StackBase+uint64(l.StackSize) {
		t.Errorf("r10 = %#x, layout says %#x", r.R0, l.StackBase+uint64(l.StackSize))
	}
}

// TestAccelMatchesInterpreter: under js/wasm, runs go to WebAssembly
// compiled by wasmgen; they must give the interpreter's r0, count and
// memory. (Natively both runs are the interpreter's.)
func TestAccelMatchesInterpreter(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(conformanceDir, "tests", "*.data"))
	benches, _ := filepath.Glob("testdata/bench/*.data")
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
		p, _ := Compile(prog, nil)
		var res [2]*Result
		var mems [2][]byte
		for i, off := range []bool{false, true} {
			accelDisabled = off
			if tc.Mem != nil {
				mems[i] = append([]byte{}, tc.Mem...)
			}
			res[i] = p.Run(&Env{Mem: mems[i], Budget: 100_000_000})
		}
		accelDisabled = false
		a, b := res[0], res[1]
		if a.R0 != b.R0 || a.Insns != b.Insns || (a.Fault == nil) != (b.Fault == nil) || string(mems[0]) != string(mems[1]) {
			t.Errorf("%s: accelerated r0 %#x insns %d fault %v; interpreter r0 %#x insns %d fault %v",
				filepath.Base(f), a.R0, a.Insns, a.Fault, b.R0, b.Insns, b.Fault)
		}
	}
}

func TestAccelCounts(t *testing.T) {
	for _, b := range loadBench(t) {
		r0, x0 := accelRuns, accelRedo
		res := b.prog.Run(&Env{Mem: append([]byte(nil), b.mem...), Budget: -1})
		t.Logf("%s: r0 %#x insns %d compiled runs +%d redo +%d", b.name, res.R0, res.Insns, accelRuns-r0, accelRedo-x0)
	}
}
