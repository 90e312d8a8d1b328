package load_test

import (
	"context"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/load"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/internal/compare"
	"github.com/bpfplay/bpfplay/jit/native"
)

// TestLoadRejectsMissingNullCheck is the classic mistake: dereferencing
// bpf_map_lookup_elem's result without checking it for NULL. The same
// program, asked of Linux 6.1 through the kernel oracle, is in
// testdata/oracle.jsonl ("nullcheck"): rejected with EACCES and
// "R0 invalid mem access 'map_value_or_null'".
func TestLoadRejectsMissingNullCheck(t *testing.T) {
	kern := oracleAnswer(t, "nullcheck")
	src := `; look up key 0 and read the value without a NULL check
r1 = 0
*(u32 *)(r10 -4) = r1
r2 = r10
r2 += -4
r1 = map[m] ll
call bpf_map_lookup_elem
r0 = *(u64 *)(r0 +0)
exit
`
	r := load.Load(context.Background(), &load.Request{
		Source: load.Source{Text: src},
		Maps:   []record.Map{{Name: "m", Type: "array", KeySize: 4, ValueSize: 8, MaxEntries: 1}},
		Run:    &load.RunOptions{},
	})
	if r.OK || r.Verifier == nil || r.Verifier.Accepted {
		t.Fatalf("accepted: %s", dump(r))
	}
	want := compare.ErrorLine(kern.Log)
	if r.Verifier.Error != want || r.Verifier.Errno != kern.Errno {
		t.Errorf("error %q errno %d, want %q %d", r.Verifier.Error, r.Verifier.Errno, want, kern.Errno)
	}
	d := r.Diagnostics[len(r.Diagnostics)-1]
	if d.Line != 8 || d.PC == nil || *d.PC != 7 || d.Message != want {
		t.Errorf("diagnostic %+v, want line 8 pc 7", d)
	}
	if r.Run != nil {
		t.Errorf("a rejected program ran: %+v", r.Run)
	}
	// The whole log is the kernel's, but for the map's address and the
	// verification time.
	if got, want := stripVolatile(r.Verifier.Log), stripVolatile(kern.Log); got != want {
		t.Errorf("log differs from the kernel's:\n--- got\n%s\n--- kernel\n%s", got, want)
	}
}

// oracleAnswer returns the kernel's answer recorded for a test program.
func oracleAnswer(t *testing.T, name string) *record.Out {
	t.Helper()
	all, err := record.ReadAll("testdata/oracle.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range all {
		if in.Name == name && in.Kernel != nil {
			return in.Kernel
		}
	}
	t.Fatalf("no oracle answer for %q", name)
	return nil
}

var (
	kernelPointer = regexp.MustCompile(`0xffff[0-9a-f]{12}`)
	verifTime     = regexp.MustCompile(`verification time \d+ usec`)
)

func stripVolatile(log string) string {
	log = kernelPointer.ReplaceAllString(log, "0xPTR")
	return verifTime.ReplaceAllString(log, "verification time N usec")
}

func TestLoadAcceptedHasLoadSteps(t *testing.T) {
	r := load.Load(context.Background(), &load.Request{Source: load.Source{Text: "*(u64 *)(r10 -40) = 1\nr0 = 0\nexit"}})
	if !r.OK || r.Verifier == nil || !r.Verifier.Accepted {
		t.Fatalf("not accepted: %s", dump(r))
	}
	if r.Verifier.Stats.InsnsProcessed != 3 {
		t.Errorf("insns_processed %d, want 3", r.Verifier.Stats.InsnsProcessed)
	}
	// A 40-byte stack rounds up to the 64-byte interpreter.
	if r.Load == nil || r.Load.StackDepth != 40 || r.Load.Interpreter != "__bpf_prog_run64" || r.Load.Runtime != "jit" {
		t.Errorf("load = %+v", r.Load)
	}
	if len(r.Xlated) != 3 {
		t.Errorf("xlated has %d insns", len(r.Xlated))
	}
}

func TestLoadJIT(t *testing.T) {
	r := load.Load(context.Background(), &load.Request{Source: load.Source{Text: "r0 = 0\nexit"}, JIT: true})
	if !r.OK || r.JIT == nil {
		t.Fatalf("no JIT: %s", dump(r))
	}
	// Linux 6.1's image for "r0 = 0; exit" on qemu64 (the kernel oracle's
	// smoke test sf_ret0): patch nop, xchg ax,ax, push rbp, mov rbp,rsp,
	// xor eax,eax, leave, ret, int3.
	if got := hex.EncodeToString(r.JIT.Code); got != "0f1f4400006690554889e531c0c9c3cc" {
		t.Errorf("code %s", got)
	}
	if len(r.JIT.FuncLens) != 1 || r.JIT.FuncLens[0] != 16 {
		t.Errorf("func lens %v", r.JIT.FuncLens)
	}
}

func TestLoadNative(t *testing.T) {
	if err := native.Available(); err != nil {
		t.Fatalf("native execution must work on the test machine (linux/amd64, cgo): %v", err)
	}
	tests := []struct {
		name, src, engine, warn string
		noVerify                bool
		r0                      uint64
	}{
		{"pure computation runs natively", "r0 = 6\nr0 *= 7\nexit", "native", "", false, 42},
		// skb->len of a 64-byte frame after eth_type_trans pulled the
		// Ethernet header: the xlated load reads struct sk_buff's len.
		{"a context reader runs its xlated form natively", "r0 = *(u32 *)(r1 +0)\nexit", "native", "", false, 50},
		{"an unverified context reader falls back", "r0 = *(u32 *)(r1 +0)\nexit", "interpreter", "reads its context", true, 50},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := load.Load(context.Background(), &load.Request{Source: load.Source{Text: tc.src}, NoVerify: tc.noVerify, Run: &load.RunOptions{Engine: "native", Data: make([]byte, 64)}})
			if r.Run == nil || !r.Run.OK || r.Run.Engine != tc.engine || r.Run.R0 != tc.r0 {
				t.Fatalf("run = %+v, want engine %s r0 %d", r.Run, tc.engine, tc.r0)
			}
			found := tc.warn == ""
			for _, d := range r.Diagnostics {
				if d.Severity == "warning" && strings.Contains(d.Message, tc.warn) {
					found = true
				}
			}
			if !found {
				t.Errorf("no warning containing %q: %+v", tc.warn, r.Diagnostics)
			}
		})
	}
}
