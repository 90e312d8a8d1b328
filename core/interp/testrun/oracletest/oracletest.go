// Package oracletest is the shared harness of the oracle-checked tests
// in core/maps and core/helpers: assembly builders for test programs,
// and the driver that writes oracle input, trims oracle output, and
// compares runs with the kernel's answers.
package oracletest

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/interp/testrun"
	"github.com/bpfplay/bpfplay/core/record"
)

// Run is the driver. With in != "" it writes the cases as oracle input
// and skips; with trim != "" it trims oracle output into answers and
// skips; otherwise it checks every case against answers.
func Run(t *testing.T, cases []testrun.Case, answers, in, trim string) {
	if in != "" {
		f, err := os.Create(in)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := testrun.WriteOracleInput(f, cases); err != nil {
			t.Fatal(err)
		}
		t.Skipf("wrote %d cases to %s", len(cases), in)
	}
	if trim != "" {
		f, err := os.Open(trim)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		out, err := os.Create(answers)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		var w io.Writer = out
		if strings.HasSuffix(answers, ".gz") {
			z := gzip.NewWriter(out)
			defer z.Close()
			w = z
		}
		if err := testrun.TrimOracleOutput(f, w); err != nil {
			t.Fatal(err)
		}
		t.Skipf("trimmed %s into %s", trim, answers)
	}
	ans, err := testrun.ReadAnswers(answers)
	if err != nil {
		t.Fatalf("%v (see the comment above TestOracle for how to get the kernel's answers)", err)
	}
	seen := 0
	for i := range cases {
		c := &cases[i]
		a, ok := ans[c.Name]
		if !ok {
			t.Errorf("%s: no kernel answer in %s (refresh it)", c.Name, answers)
			continue
		}
		seen++
		for _, d := range testrun.Check(c, a, &testrun.Options{PerfClosed: true, MaxRepeat: 1000}) {
			t.Errorf("%s: %s", c.Name, d)
		}
	}
	t.Logf("%d cases checked against Linux 6.1's answers", seen)
}

// Assembly builders. Results go to res[i]; keys at fp-4, values at
// fp-16 (u64) or fp-48.. for larger ones; r6-r9 keep state.

// ResMap is the array every case records its results in.
func ResMap() testrun.NamedMap {
	return testrun.NamedMap{Name: "res", Map: record.Map{Type: "array", KeySize: 4, ValueSize: 8, MaxEntries: 32}}
}

// Rec stores r0 in res[i].
func Rec(i int) string {
	return fmt.Sprintf(`*(u64 *)(r10 -24) = r0
*(u32 *)(r10 -28) = %d
r1 = map[res] ll
r2 = r10
r2 += -28
r3 = r10
r3 += -24
r4 = 0
call bpf_map_update_elem
`, i)
}

// Upd updates m[key] = val (u32 key, u64 value) with flags; r0 = result.
func Upd(m string, key, val, flags int64) string {
	return fmt.Sprintf(`*(u32 *)(r10 -4) = %d
*(u64 *)(r10 -16) = %d
r1 = map[%s] ll
r2 = r10
r2 += -4
r3 = r10
r3 += -16
r4 = %d
call bpf_map_update_elem
`, key, val, m, flags)
}

// Look looks m[key] up: r0 = the u64 value, or -1 when absent.
func Look(m string, key int64) string {
	return fmt.Sprintf(`*(u32 *)(r10 -4) = %d
r1 = map[%s] ll
r2 = r10
r2 += -4
call bpf_map_lookup_elem
if r0 == 0 goto pc+2
r0 = *(u64 *)(r0 +0)
goto pc+1
r0 = -1
`, key, m)
}

// Del deletes m[key]; r0 = result.
func Del(m string, key int64) string {
	return fmt.Sprintf(`*(u32 *)(r10 -4) = %d
r1 = map[%s] ll
r2 = r10
r2 += -4
call bpf_map_delete_elem
`, key, m)
}

// Steps joins operations, recording each result in res[0..].
func Steps(ops ...string) string {
	var sb strings.Builder
	for i, op := range ops {
		sb.WriteString(op)
		sb.WriteString(Rec(i))
	}
	sb.WriteString("r0 = 0\nexit\n")
	return sb.String()
}

// M describes a map.
func M(name, typ string, key, val, max, flags uint32) testrun.NamedMap {
	return testrun.NamedMap{Name: name, Map: record.Map{Type: typ, KeySize: key, ValueSize: val, MaxEntries: max, Flags: flags}}
}

// WithInit adds initial entries (hex key, hex value pairs).
func WithInit(nm testrun.NamedMap, kv ...string) testrun.NamedMap {
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := record.ParseHex(kv[i])
		v, _ := record.ParseHex(kv[i+1])
		nm.Map.Init = append(nm.Map.Init, record.Entry{Key: k, Value: v})
	}
	return nm
}
