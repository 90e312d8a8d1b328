package helpers_test

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// testdata/net-programs.jsonl.gz holds the helpers/net cases as whole
// program records with the kernel's full answer (verdict, log, xlated
// program, test run, maps after it): core/verifier checks its verdicts,
// logs and xlated programs on them, jit/native runs the kernel's xlated
// programs natively. TestOracle writes it from the same oracle output
// as testdata/oracle.jsonl (-oracle-trim).

const netPrograms = "testdata/net-programs.jsonl.gz"

// writeNetPrograms writes testdata/net-programs.jsonl.gz from the
// oracle's output (path).
func writeNetPrograms(t *testing.T, path string) {
	answers := map[string]map[string]any{}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var a map[string]any
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		if name, _ := a["name"].(string); name != "" {
			answers[name] = a
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(netPrograms)
	if err != nil {
		t.Fatal(err)
	}
	gz, _ := gzip.NewWriterLevel(out, gzip.BestCompression)
	n := 0
	for _, c := range netCases() {
		a := answers[c.Name]
		if a == nil || a["run"] == nil {
			continue // map creation cases: nothing to verify
		}
		in, err := c.Record()
		if err != nil {
			t.Fatal(err)
		}
		in.Source = "oracle"
		b, _ := json.Marshal(in)
		var rec map[string]any
		json.Unmarshal(b, &rec)
		rec["kernel"] = kernelAnswer(a)
		line, _ := json.Marshal(rec)
		gz.Write(append(line, '\n'))
		n++
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d records to %s", n, netPrograms)
}

// kernelAnswer keeps what the record format's "kernel" holds; the maps'
// empty slots (userspace lookups that failed) are left out, as in the
// corpus.
func kernelAnswer(a map[string]any) map[string]any {
	k := map[string]any{}
	for _, key := range []string{"ok", "errno", "log", "insns_processed", "xlated", "maps_after"} {
		if v, ok := a[key]; ok {
			k[key] = v
		}
	}
	if run, ok := a["run"].(map[string]any); ok {
		delete(run, "duration_ns")
		k["run"] = run
	}
	if maps, ok := k["maps_after"].([]any); ok {
		for _, m := range maps {
			mm, _ := m.(map[string]any)
			ents, _ := mm["entries"].([]any)
			kept := []any{}
			for _, e := range ents {
				if v, _ := e.(map[string]any)["value"].(string); !strings.HasPrefix(v, "error:") {
					kept = append(kept, e)
				}
			}
			mm["entries"] = kept
		}
	}
	return k
}
