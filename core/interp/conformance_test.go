package interp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/conformance"
)

const conformanceDir = "../../testdata/conformance"

// TestConformance runs the bpf_conformance suite: every test's r0 must
// equal its expected result (all 64 bits).
func TestConformance(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(conformanceDir, "tests", "*.data"))
	if err != nil || len(files) != 313 {
		t.Fatalf("want 313 conformance tests in %s, found %d (%v)", conformanceDir, len(files), err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".data")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			tc, err := conformance.ParseData(string(src))
			if err != nil {
				t.Fatal(err)
			}
			prog, err := tc.Program()
			if err != nil {
				t.Fatal(err)
			}
			p, err := Compile(prog, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, fused := range []bool{true, false} {
				var mem []byte
				if tc.Mem != nil {
					mem = append([]byte{}, tc.Mem...)
				}
				pp := p
				if !fused {
					pp, _ = Compile(prog, &Options{NoFuse: true})
				}
				res := pp.Run(&Env{Mem: mem})
				if res.Fault != nil {
					t.Fatalf("fault: %v", res.Fault)
				}
				if res.R0 != tc.Result {
					t.Fatalf("r0 = %#x, want %#x", res.R0, tc.Result)
				}
			}
		})
	}
}

// TestConformanceNegative: the unused-* programs must be refused.
func TestConformanceNegative(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(conformanceDir, "negative", "unused-*.data"))
	if len(files) != 45 {
		t.Fatalf("want 45 unused-* tests, found %d", len(files))
	}
	for _, f := range files {
		src, _ := os.ReadFile(f)
		tc, err := conformance.ParseData(string(src))
		if err != nil {
			continue // refused while reading
		}
		if _, err := tc.Program(); err == nil {
			t.Errorf("%s: accepted", filepath.Base(f))
		}
	}
}
