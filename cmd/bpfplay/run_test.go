package main

import (
	"encoding/json"
	"testing"
)

// TestRunJSON checks that bpfplay run --json always answers with JSON:
// the run, or why there is none (the verifier's error and log, an
// assembler diagnostic), with exit 1 when the program did not run.
func TestRunJSON(t *testing.T) {
	tests := []struct {
		name      string
		stdin     string
		code      int
		wantR0    *uint64
		wantError string // verifier.error
		wantStage string // first diagnostic's stage
	}{
		{name: "runs", stdin: "r0 = 3\nexit\n", code: 0, wantR0: new(uint64(3))},
		{name: "rejected", stdin: "r0 = r5\nexit\n", code: 1, wantError: "R5 !read_ok", wantStage: "verify"},
		{name: "does not assemble", stdin: "r0 = \nexit\n", code: 1, wantStage: "assemble"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCmd(tc.stdin, "run", "--json", "-")
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			var resp struct {
				Run *struct {
					R0 uint64 `json:"r0"`
				} `json:"run"`
				Verifier *struct {
					Error string `json:"error"`
					Log   string `json:"log"`
				} `json:"verifier"`
				Diagnostics []struct {
					Stage string `json:"stage"`
				} `json:"diagnostics"`
			}
			if err := json.Unmarshal([]byte(out), &resp); err != nil {
				t.Fatalf("stdout is not JSON (%v):\n%s", err, out)
			}
			if tc.wantR0 != nil && (resp.Run == nil || resp.Run.R0 != *tc.wantR0) {
				t.Errorf("run = %+v, want r0 %d", resp.Run, *tc.wantR0)
			}
			if tc.wantError != "" && (resp.Verifier == nil || resp.Verifier.Error != tc.wantError || resp.Verifier.Log == "") {
				t.Errorf("verifier = %+v, want error %q with its log", resp.Verifier, tc.wantError)
			}
			if tc.wantStage != "" && (len(resp.Diagnostics) == 0 || resp.Diagnostics[0].Stage != tc.wantStage) {
				t.Errorf("diagnostics = %+v, want stage %q first", resp.Diagnostics, tc.wantStage)
			}
		})
	}
}
