package native

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/conformance"
)

// TestConformance runs the bpf_conformance suite natively: each
// program JIT-compiled and executed in a child process.
func TestConformance(t *testing.T) {
	if err := Available(); err != nil {
		t.Skip(err)
	}
	files, _ := filepath.Glob("../../testdata/conformance/tests/*.data")
	if len(files) == 0 {
		t.Fatal("no conformance tests in testdata/conformance/tests")
	}
	passed := 0
	for _, f := range files {
		msg := runConformance(f)
		if msg != "" {
			t.Errorf("%s: %s", filepath.Base(f), msg)
			continue
		}
		passed++
	}
	t.Logf("%d passed, %d failed", passed, len(files)-passed)
}

func runConformance(path string) string {
	src, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	tc, err := conformance.ParseData(string(src))
	if err != nil {
		if strings.Contains(string(src), "-- error") {
			return ""
		}
		return err.Error()
	}
	prog, err := tc.Program()
	if err != nil {
		if tc.HasError {
			return ""
		}
		return err.Error()
	}
	res, err := Run(context.Background(), &Request{Insns: prog.Encode(), Mem: tc.Mem})
	if err != nil {
		if tc.HasError {
			return ""
		}
		return err.Error()
	}
	if tc.HasError {
		return "ran but an error was expected: " + tc.Error
	}
	if res.R0 != tc.Result {
		return fmt.Sprintf("r0 = %#x, want %#x", res.R0, tc.Result)
	}
	return ""
}
