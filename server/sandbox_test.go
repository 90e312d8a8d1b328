//go:build linux && amd64 && cgo

package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/load"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/jit/native"
	"github.com/bpfplay/bpfplay/server"
	"github.com/bpfplay/bpfplay/server/api"
	"github.com/bpfplay/bpfplay/server/store"
)

// rawNativeRunner runs source.text through the JIT's sandboxed runner
// (jit/native) without the verifier, with r1 = the packet (run.data) and
// r2 = its length: the most hostile input the runner can get, since
// nothing checked the program. Until core/load runs natively, it stands
// in for the native half of server.Pipeline in these sandbox tests.
type rawNativeRunner struct{ limits native.Limits }

func (n rawNativeRunner) Run(ctx context.Context, raw json.RawMessage) (*server.RunResult, error) {
	var req struct {
		Source   struct{ Text string }
		Run      struct{ Data record.Hex }
		TestHook string `json:"test_hook"` // jit/native's deliberate misbehaviour, for these tests only
		MemoryMB int64  `json:"memory_mb"` // RLIMIT_AS of the child, when set
		CPUSecs  int64  `json:"cpu_s"`     // RLIMIT_CPU of the child, when set
	}
	if err := api.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	l, err := kernel.Assemble(req.Source.Text)
	if err != nil {
		return nil, api.Errorf(422, "bad_request", "%v", err)
	}
	t0 := time.Now()
	limits := n.limits
	if req.MemoryMB > 0 {
		limits.Memory = req.MemoryMB << 20
	}
	if req.CPUSecs > 0 {
		limits.CPUTime = time.Duration(req.CPUSecs) * time.Second
	}
	res, err := native.Run(ctx, &native.Request{Insns: l.Program.Encode(), Mem: req.Run.Data, Limits: limits, TestHook: req.TestHook})
	out := map[string]any{}
	var f *native.Fault
	switch {
	case errors.As(err, &f):
		out["ok"], out["fault"] = false, map[string]any{"kind": f.Kind, "pc": f.PC, "message": f.Msg}
	case err != nil:
		return nil, err
	default:
		out["ok"], out["r0"] = true, res.R0
	}
	return &server.RunResult{Native: out, NativeNS: time.Since(t0).Nanoseconds()}, nil
}

// TestSandbox: programs that fault, loop forever or reach outside their
// memory come back from /api/run as answers with a fault, and the server
// keeps serving everything else meanwhile and afterwards.
func TestSandbox(t *testing.T) {
	if err := native.Available(); err != nil {
		t.Fatalf("native runs unavailable: %v", err)
	}
	srv, err := server.New(server.Config{
		Store: store.NewMemory(),
		// A generous wall-clock limit: on a loaded machine the child of
		// the memory case faults its 512 MiB in slowly (CPU limit 1 s
		// still ends the endless loop quickly).
		Runner: rawNativeRunner{native.Limits{CPUTime: time.Second, WallTime: 2 * time.Minute}},
		Limits: server.Limits{NoRateLimit: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	post := func(body string) (int, map[string]any) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("POST", "/api/run", strings.NewReader(body)))
		var res struct{ Native map[string]any }
		json.Unmarshal(rec.Body.Bytes(), &res)
		return rec.Code, res.Native
	}
	mem := `"run":{"data":"0102030405060708"}`
	tests := []struct {
		name  string
		text  string
		hook  string   // jit/native TestHook: the child misbehaves after its sandbox is in place
		memMB int      // the child's memory limit, MiB (0: the runner's default)
		cpuS  int      // the child's CPU limit, s (0: the runner's default)
		kinds []string // acceptable fault kinds; empty: must succeed
		r0    float64
	}{
		{name: "a good program", text: `r0 = 40\nr0 += r2\nexit`, r0: 48},
		{name: "null dereference", text: `r1 = 0\nr0 = *(u64 *)(r1 +16)\nexit`, kinds: []string{"signal"}},
		{name: "read far outside its memory", text: `r1 = 0x414141414140 ll\nr0 = *(u64 *)(r1 +0)\nexit`, kinds: []string{"signal"}},
		{name: "write 1 GiB below the stack", text: `r1 = r10\nr1 += -1073741824\n*(u64 *)(r1 +0) = 1\nr0 = 0\nexit`, kinds: []string{"signal"}},
		{name: "write to a non-canonical address", text: `r1 = 0x8000000000000000 ll\n*(u64 *)(r1 +0) = 1\nr0 = 0\nexit`, kinds: []string{"signal"}},
		{name: "write into its own code", text: `r1 = 0x1000 ll\n*(u64 *)(r1 +0) = 1\nr0 = 0\nexit`, kinds: []string{"signal"}},
		{name: "an endless loop", text: `l:\nr0 += 1\ngoto l\nexit`, kinds: []string{"cpu-limit", "timeout"}},
		// No file system, no network: any system call outside the
		// runner's seccomp allow list (open, socket, execve...) kills it.
		{name: "a forbidden system call", text: `r0 = 0\nexit`, hook: "syscall", kinds: []string{"seccomp"}},
		{name: "allocating past the memory limit", text: `r0 = 0\nexit`, hook: "alloc", memMB: 512, cpuS: 10, kinds: []string{"memory"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// While the run happens, the server answers other requests.
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, httptest.NewRequest("GET", "/api/capabilities", nil))
				if rec.Code != 200 {
					t.Errorf("capabilities during the run: %d", rec.Code)
				}
			}()
			code, nat := post(fmt.Sprintf(`{"source":{"text":"%s"},%s,"test_hook":%q,"memory_mb":%d,"cpu_s":%d}`, tc.text, mem, tc.hook, tc.memMB, tc.cpuS))
			wg.Wait()
			if code != 200 {
				t.Fatalf("status %d, want 200 with the outcome (%v)", code, nat)
			}
			if len(tc.kinds) == 0 {
				if nat["ok"] != true || nat["r0"] != tc.r0 {
					t.Fatalf("native = %v, want ok with r0 %v", nat, tc.r0)
				}
				return
			}
			fault, _ := nat["fault"].(map[string]any)
			if nat["ok"] != false || fault == nil {
				t.Fatalf("native = %v, want a fault", nat)
			}
			kind, _ := fault["kind"].(string)
			found := false
			for _, k := range tc.kinds {
				found = found || k == kind
			}
			if !found {
				t.Fatalf("fault %v, want kind in %v", fault, tc.kinds)
			}
			t.Logf("fault: %v", fault)
			// And afterwards a good program still runs.
			if code, nat := post(`{"source":{"text":"r0 = 7\nexit"}}`); code != 200 || nat["r0"] != float64(7) {
				t.Fatalf("after the fault: %d %v", code, nat)
			}
		})
	}
}

// TestPipelineNative: /api/run through the real pipeline runs a program
// natively and in the interpreter with the same r0, and says so when a
// program cannot run natively (it reads a context the native runner
// does not model for its type) instead of pretending.
func TestPipelineNative(t *testing.T) {
	pipe := &server.Pipeline{Load: load.Load}
	if err := pipe.Probe(context.Background()); err != nil {
		t.Fatalf("native runs unavailable: %v", err)
	}
	srv, err := server.New(server.Config{Store: store.NewMemory(), Runner: pipe, Limits: server.Limits{NoRateLimit: true}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		body       string
		r0         uint64
		engine     string // of the "native" half
		diagnostic string
	}{
		{name: "arithmetic", body: `{"source":{"text":"r0 = 2\nr0 += 3\nexit"},"run":{"data":"` + strings.Repeat("00", 20) + `"}}`,
			r0: 5, engine: "native"},
		{name: "a bounded loop", body: `{"source":{"text":"r0 = 0\nr1 = 10\nl:\nr0 += r1\nr1 -= 1\nif r1 != 0 goto l\nexit"},"run":{"data":"` + strings.Repeat("00", 20) + `"}}`,
			r0: 55, engine: "native"},
		// core/load runs a verified program's xlated form natively, on
		// a kernel-layout sk_buff: context readers no longer fall back.
		{name: "reads skb->len", body: `{"source":{"text":"r0 = *(u32 *)(r1 +0)\nexit"},"run":{"data":"` + strings.Repeat("00", 42) + `"}}`,
			r0: 28, engine: "native"},
		{name: "reads skb->len unverified", body: `{"source":{"text":"r0 = *(u32 *)(r1 +0)\nexit"},"no_verify":true,"run":{"data":"` + strings.Repeat("00", 42) + `"}}`,
			r0: 28, engine: "interpreter", diagnostic: "so the interpreter ran it"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest("POST", "/api/run", strings.NewReader(tc.body)))
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var res struct {
				Native, Interp *load.Response
				NativeNS       int64 `json:"native_ns"`
				InterpNS       int64 `json:"interp_ns"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			if res.Native.Run == nil || res.Interp.Run == nil {
				t.Fatalf("no runs: %s", rec.Body)
			}
			if res.Native.Run.Engine != tc.engine || res.Native.Run.R0 != tc.r0 || res.Interp.Run.R0 != tc.r0 {
				t.Fatalf("native %s r0 %d, interp r0 %d; want %s and r0 %d", res.Native.Run.Engine, res.Native.Run.R0, res.Interp.Run.R0, tc.engine, tc.r0)
			}
			if res.NativeNS <= 0 || res.InterpNS <= 0 {
				t.Errorf("timings %d, %d", res.NativeNS, res.InterpNS)
			}
			if tc.diagnostic != "" {
				found := false
				for _, d := range res.Native.Diagnostics {
					found = found || strings.Contains(d.Message, tc.diagnostic)
				}
				if !found {
					t.Errorf("native diagnostics %+v lack %q", res.Native.Diagnostics, tc.diagnostic)
				}
			}
		})
	}
}
