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
	type test struct {
		name string
		tc   *conformance.Test
		msg  string // set when decided before running
	}
	var tests []*test
	var reqs []*Request
	var run []*test
	for _, f := range files {
		tt := &test{name: filepath.Base(f)}
		tests = append(tests, tt)
		src, err := os.ReadFile(f)
		if err != nil {
			tt.msg = err.Error()
			continue
		}
		tc, err := conformance.ParseData(string(src))
		if err != nil {
			if !strings.Contains(string(src), "-- error") {
				tt.msg = err.Error()
			}
			continue
		}
		prog, err := tc.Program()
		if err != nil {
			if !tc.HasError {
				tt.msg = err.Error()
			}
			continue
		}
		tt.tc = tc
		reqs = append(reqs, &Request{Insns: prog.Encode(), Mem: tc.Mem})
		run = append(run, tt)
	}
	res, errs := RunBatch(context.Background(), reqs)
	for i, tt := range run {
		tt.msg = check(tt.tc, res[i], errs[i])
	}
	passed := 0
	for _, tt := range tests {
		if tt.msg != "" {
			t.Errorf("%s: %s", tt.name, tt.msg)
			continue
		}
		passed++
	}
	t.Logf("%d passed, %d failed", passed, len(tests)-passed)
}

func check(tc *conformance.Test, res *Result, err error) string {
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
