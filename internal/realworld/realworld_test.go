package realworld_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/interp/testrun"
	"github.com/bpfplay/bpfplay/core/load"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/internal/realworld"
)

const dir = "../../testdata/realworld"

// floors are the agreement counts this test asserts: raise them as
// bpfplay gets closer to Linux, never above what passes. Measured on
// the 177 records of corpus.jsonl.gz (see docs/realworld.md).
var floors = map[realworld.Aspect]int{
	realworld.Verdict:   177,
	realworld.Errno:     31,
	realworld.ErrorLine: 31,
	realworld.Insns:     146,
	realworld.Log:       177,
	realworld.Xlated:    146,
	realworld.JIT:       146,
	realworld.Run:       54,
	realworld.Maps:      53,

	realworld.UnprivVerdict:   20,
	realworld.UnprivErrorLine: 12,
	realworld.UnprivInsns:     8,
	realworld.UnprivLog:       20,
}

func readCorpus(t *testing.T) []*realworld.Entry {
	t.Helper()
	recs, err := realworld.ReadCorpus(filepath.Join(dir, realworld.CorpusFile))
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestCorpusUpToDate checks that the committed records are what the
// committed objects and realworld.Programs give today: otherwise the
// kernel's answers belong to other programs and must be asked again.
func TestCorpusUpToDate(t *testing.T) {
	recs := readCorpus(t)
	if len(recs) != len(realworld.Programs) {
		t.Fatalf("%d records for %d programs: regenerate the corpus (docs/realworld.md)", len(recs), len(realworld.Programs))
	}
	for i := range realworld.Programs {
		p := &realworld.Programs[i]
		fresh, err := p.Record(dir)
		if err != nil {
			t.Fatal(err)
		}
		fresh.Kernel = recs[i].Kernel
		got, want := mustJSON(t, recs[i].In), mustJSON(t, fresh)
		if got != want {
			t.Errorf("%s: the committed record differs from what %s.o gives now: regenerate the corpus and ask the oracle again (docs/realworld.md)", p.Name(), p.Object)
		}
		if recs[i].Kernel == nil {
			t.Errorf("%s: no kernel answer", p.Name())
		}
	}
}

func mustJSON(t *testing.T, in *record.In) string {
	t.Helper()
	var b strings.Builder
	if err := record.NewWriter(&b).Write(in); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestAgainstKernel runs every record through bpfplay's load pipeline
// (core/load.Record: verifier, xlated, test run) and compares with the
// kernel's answers; it reports every disagreement and fails when the
// agreement falls below the floors.
func TestAgainstKernel(t *testing.T) {
	recs := readCorpus(t)
	volatile := map[string][]string{}
	for _, p := range realworld.Programs {
		volatile[p.Name()] = p.Volatile
	}
	agree := map[realworld.Aspect]int{}
	applied := map[realworld.Aspect]int{}
	var report strings.Builder
	for _, e := range recs {
		in := e.In
		ours := load.Record(context.Background(), in, load.RecordOptions{})
		var after [][]record.Entry
		if ours.OK && in.TestRun != nil {
			// A run that cannot start (a map kind the runtime lacks)
			// shows as a run disagreement; its maps are not compared.
			if res, err := testrun.Run(in, &testrun.Options{}); err == nil {
				after = res.MapsAfter()
			}
		}
		r := realworld.Compare(e, ours, after, volatile[in.Name])
		var marks []string
		for _, a := range realworld.Aspects {
			if !r.Applied[a] {
				continue
			}
			applied[a]++
			if r.Agrees(a) {
				agree[a]++
			} else {
				marks = append(marks, "!"+string(a))
			}
		}
		fmt.Fprintf(&report, "%-45s %s\n", in.Name, strings.Join(marks, " "))
		for _, d := range r.Diffs {
			fmt.Fprintf(&report, "    %s: %s\n", d.Aspect, d.Msg)
		}
	}
	t.Logf("per record (! = disagrees):\n%s", report.String())
	for _, a := range realworld.Aspects {
		t.Logf("%-16s %d/%d (floor %d)", a, agree[a], applied[a], floors[a])
		if agree[a] < floors[a] {
			t.Errorf("%s: %d/%d agree, below the floor of %d", a, agree[a], applied[a], floors[a])
		}
	}
}

// TestObjectsSmall keeps the committed objects small (the corpus is
// meant to stay well under a megabyte).
func TestObjectsSmall(t *testing.T) {
	objs, err := filepath.Glob(filepath.Join(dir, "*.o"))
	if err != nil || len(objs) == 0 {
		t.Fatalf("no objects in %s (%v): run testdata/realworld/build.sh", dir, err)
	}
	total := int64(0)
	for _, o := range objs {
		st, err := os.Stat(o)
		if err != nil {
			t.Fatal(err)
		}
		total += st.Size()
	}
	if total > 512<<10 {
		t.Errorf("objects total %d bytes, budget 512 KiB", total)
	}
}
