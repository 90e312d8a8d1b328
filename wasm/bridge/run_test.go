package bridge

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/conformance"
)

func TestRunInterp(t *testing.T) {
	tests := []struct {
		name, text, progType string
		retval               string
		steps                int
		ok                   bool
		errHas               string
	}{
		{name: "r0 and a trace", text: "mov %r0, 42\nexit", progType: "socket_filter", retval: "42", steps: 2, ok: true},
		{name: "64-bit r0 keeps its bits", text: "lddw %r0, 0x8000000000000001\nexit", progType: "xdp", retval: "-9223372036854775807", steps: 2, ok: true},
		{name: "fault has a message", text: "ldxdw %r0, [%r0]\nexit", progType: "socket_filter", ok: false, errHas: "pc 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := map[string]any{"source": map[string]any{"text": tt.text, "dialect": "conformance"}, "prog_type": tt.progType,
				"run": map[string]any{"data": strings.Repeat("00", 64), "trace": true}}
			p, _ := json.Marshal(req)
			r := call(t, "run", string(p))
			if !r.OK {
				t.Fatalf("error: %s", r.Error)
			}
			var ans RunAnswer
			if err := json.Unmarshal(r.Result.(json.RawMessage), &ans); err != nil {
				t.Fatal(err)
			}
			if ans.Verified || ans.Run == nil {
				t.Fatalf("answer = %+v", ans)
			}
			if ans.Run.OK != tt.ok || !strings.Contains(ans.Run.Error, tt.errHas) {
				t.Fatalf("ok=%v error=%q, want ok=%v error containing %q", ans.Run.OK, ans.Run.Error, tt.ok, tt.errHas)
			}
			if !tt.ok {
				return
			}
			if ans.Run.Retval != tt.retval || len(ans.Run.Trace) != tt.steps {
				t.Errorf("retval=%s steps=%d, want %s, %d", ans.Run.Retval, len(ans.Run.Trace), tt.retval, tt.steps)
			}
			if _, ok := ans.Run.Trace[0].Regs["r0"]; !ok {
				t.Errorf("first step does not show r0 changing: %+v", ans.Run.Trace[0])
			}
		})
	}
}

// The bench programs' results and executed-instruction counts are the
// ones their files state (computed by a model, checked with uBPF).
func TestBenchPrograms(t *testing.T) {
	files, _ := filepath.Glob("../../e2e/testdata/bench/*.data")
	if len(files) == 0 {
		t.Fatal("no bench programs in e2e/testdata/bench")
	}
	for _, f := range files {
		if testing.Short() && !strings.Contains(f, "collatz") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := conformance.ParseData(string(b))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Bench(string(b), 1)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.R0; got != fmt.Sprintf("%#x", want.Result) {
				t.Errorf("r0 = %s, want %#x", got, want.Result)
			}
			if n := headerInsns(string(b)); n != res.Insns {
				t.Errorf("executed %d insns, the file says %d", res.Insns, n)
			}
		})
	}
}

// headerInsns reads "# expected executed instructions (...): N".
func headerInsns(s string) int64 {
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "# expected executed instructions") {
			var n int64
			f := strings.Fields(line)
			for _, c := range f[len(f)-1] {
				n = n*10 + int64(c-'0')
			}
			return n
		}
	}
	return -1
}

// BenchmarkInterp is the native figure the browser's is compared with:
//
//	go test ./wasm/bridge -run XXX -bench Interp
func BenchmarkInterp(b *testing.B) {
	files, _ := filepath.Glob("../../e2e/testdata/bench/*.data")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		b.Run(strings.TrimSuffix(filepath.Base(f), ".data"), func(b *testing.B) {
			var ns float64
			for b.Loop() {
				res, err := Bench(string(data), 1)
				if err != nil {
					b.Fatal(err)
				}
				ns = res.NsPerInsn
			}
			b.ReportMetric(ns, "ns/insn")
		})
	}
}
