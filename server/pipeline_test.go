package server_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/load"
	"github.com/bpfplay/bpfplay/server"
	"github.com/bpfplay/bpfplay/server/store"
)

// nativeByInterp stands in for the native engine (until core/load runs
// JIT code) by running the interpreter and labelling the answer, so the
// test sees which request went where.
func nativeByInterp(ctx context.Context, req *load.Request) *load.Response {
	if req.Run != nil && req.Run.Engine == "native" {
		r := *req
		ro := *req.Run
		ro.Engine = "interp"
		r.Run = &ro
		resp := load.Load(ctx, &r)
		if resp.Run != nil {
			resp.Run.Engine = "native (stand-in)"
		}
		return resp
	}
	return load.Load(ctx, req)
}

// TestPipelineRun puts real programs through /api/run with core/load.
func TestPipelineRun(t *testing.T) {
	srv, err := server.New(server.Config{Store: store.NewMemory(), Runner: &server.Pipeline{Load: nativeByInterp},
		Limits: server.Limits{NoRateLimit: true}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		body   string
		status int
		check  func(t *testing.T, r *struct{ Native, Interp *load.Response })
		errMsg string
	}{
		{name: "r0 from both engines", status: 200,
			body: `{"source":{"text":"r0 = 2\nr0 += 3\nexit"},"prog_type":"xdp","run":{"data":"` + strings.Repeat("00", 64) + `"}}`,
			check: func(t *testing.T, r *struct{ Native, Interp *load.Response }) {
				for name, resp := range map[string]*load.Response{"native": r.Native, "interp": r.Interp} {
					if resp == nil || resp.Run == nil || resp.Run.R0 != 5 {
						t.Errorf("%s: run = %+v, want r0 5", name, resp)
					}
				}
				if r.Native.Run.Engine != "native (stand-in)" || r.Interp.Run.Engine != "interpreter" {
					t.Errorf("engines: native %q, interp %q", r.Native.Run.Engine, r.Interp.Run.Engine)
				}
			}},
		{name: "run options default", status: 200, body: `{"source":{"text":"r0 = 1\nexit"}}`,
			check: func(t *testing.T, r *struct{ Native, Interp *load.Response }) {
				if r.Interp.Run == nil || r.Interp.Run.R0 != 1 {
					t.Errorf("interp run = %+v", r.Interp.Run)
				}
			}},
		{name: "a program that does not assemble is an answer, not an error", status: 200,
			body: `{"source":{"text":"r0 = = 1\nexit"}}`,
			check: func(t *testing.T, r *struct{ Native, Interp *load.Response }) {
				if r.Interp.OK || len(r.Interp.Diagnostics) == 0 || r.Interp.Diagnostics[0].Line != 1 {
					t.Errorf("interp = %+v, want a diagnostic at line 1", r.Interp)
				}
			}},
		{name: "a program that faults", status: 200,
			body: `{"source":{"text":"r1 = 0\nr0 = *(u64 *)(r1 +0)\nexit"},"no_verify":true}`,
			check: func(t *testing.T, r *struct{ Native, Interp *load.Response }) {
				if r.Interp.Run == nil || r.Interp.Run.OK || r.Interp.Run.Fault == nil {
					t.Errorf("interp run = %+v, want a fault", r.Interp.Run)
				}
			}},
		{name: "a loop past its budget", status: 200,
			body: `{"source":{"text":"l: goto l\nexit"},"no_verify":true,"run":{"budget":1000}}`,
			check: func(t *testing.T, r *struct{ Native, Interp *load.Response }) {
				if r.Interp.Run == nil || r.Interp.Run.OK {
					t.Errorf("interp run = %+v, want the budget exhausted", r.Interp.Run)
				}
			}},
		{name: "no program", status: 422, body: `{"prog_type":"xdp"}`, errMsg: "has no program"},
		{name: "wrong field type", status: 400, body: `{"source":{"text":1}}`, errMsg: "field source.text"},
		{name: "bad hex", status: 400, body: `{"source":{"insns":"zz"}}`, errMsg: "hex"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest("POST", "/api/run", strings.NewReader(tc.body)))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.errMsg != "" {
				if !strings.Contains(rec.Body.String(), tc.errMsg) {
					t.Fatalf("body %s lacks %q", rec.Body, tc.errMsg)
				}
				return
			}
			var r struct{ Native, Interp *load.Response }
			if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
				t.Fatalf("answer: %v: %s", err, rec.Body)
			}
			tc.check(t, &r)
		})
	}
}

func TestPipelineProbe(t *testing.T) {
	tests := []struct {
		name string
		load func(context.Context, *load.Request) *load.Response
		want string // error substring; "" = available
	}{
		{name: "the interpreter answers instead", load: func(ctx context.Context, req *load.Request) *load.Response {
			r := *req
			ro := *req.Run
			ro.Engine = "interp"
			r.Run = &ro
			return load.Load(ctx, &r)
		}, want: "ran the self-test with the interpreter, not natively"},
		{name: "a native engine", load: func(ctx context.Context, req *load.Request) *load.Response {
			r := load.Load(ctx, req)
			r.Run.Engine = "native"
			return r
		}},
		{name: "a native engine that is wrong", load: func(ctx context.Context, req *load.Request) *load.Response {
			return &load.Response{Run: &load.RunResult{Engine: "native", OK: true, R0: 7}}
		}, want: "returned r0 7"},
		{name: "no run at all", load: func(ctx context.Context, req *load.Request) *load.Response {
			return &load.Response{}
		}, want: "did not run"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := (&server.Pipeline{Load: tc.load}).Probe(context.Background())
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Probe: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Probe = %v, want an error with %q", err, tc.want)
			}
		})
	}
}
