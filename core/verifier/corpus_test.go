package verifier

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/isa"

	"github.com/bpfplay/bpfplay/core/record"
)

// corpusPath is Linux 6.1's test_verifier cases with the kernel's answers.
// corpusPath is the dev corpus; BPFPLAY_CORPUS names another file of
// records with kernel answers to measure against.
var corpusPath = func() string {
	if p := os.Getenv("BPFPLAY_CORPUS"); p != "" {
		return p
	}
	return "../../testdata/corpus/verifier-dev.jsonl.gz"
}()

// Floors the corpus figures must not fall below (percent, rounded down,
// so 100 means every record agrees: any regression fails). The issue's
// targets, lower than these, are in docs/verifier.md.
const (
	floorVerdict   = 100
	floorErrorLine = 100
	floorInsns     = 100
	floorUnpriv    = 100
	floorLog       = 100
	floorXlated    = 100
)

var (
	reAddr = regexp.MustCompile(`0x[0-9a-f]{16}`)
	reTime = regexp.MustCompile(`verification time \d+ usec`)
)

// normLog hides what differs between two loads of one program: kernel
// addresses and the verification time.
func normLog(s string) string {
	s = reAddr.ReplaceAllString(s, "0xADDR")
	return reTime.ReplaceAllString(s, "verification time N usec")
}

// kernelErrorLine is the last log line before the statistics.
func kernelErrorLine(log string) string { return errorLine(log) }

// firstDiff returns the first line where two logs differ.
func firstDiff(want, got string) (int, string, string) {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return i + 1, a, b
		}
	}
	return 0, "", ""
}

type corpusFigures struct {
	records, verdict      int
	bothReject, errLine   int
	bothAccept, insns     int
	logs, logEqual        int
	unprivRecords, unpriv int
	ulogs, ulogEqual      int
	xlRecords, xlEqual    int
	disagree              map[string][]string
}

func (f *corpusFigures) add(cat, name string) {
	if f.disagree == nil {
		f.disagree = map[string][]string{}
	}
	f.disagree[cat] = append(f.disagree[cat], name)
}

func pct(a, b int) int {
	if b == 0 {
		return 100
	}
	return a * 100 / b
}

// runCorpus verifies every record of the corpus and compares with the
// kernel's answers.
func runCorpus(t testing.TB, path string, verbose bool) *corpusFigures {
	r, err := record.Open(path)
	if err != nil {
		t.Fatalf("open corpus: %v (the corpus is part of the repository: testdata/corpus)", err)
	}
	defer r.Close()
	f := &corpusFigures{}
	for {
		in, err := r.Next()
		if err != nil {
			break
		}
		if in.Kernel == nil {
			continue
		}
		k := in.Kernel
		slots, opts, err := FromRecord(in, false)
		if err != nil {
			t.Errorf("%s: %v", in.Name, err)
			continue
		}
		res := VerifySlots(slots, opts)
		f.records++
		if res.Accepted == k.OK {
			f.verdict++
		} else if k.OK {
			f.add("kernel accepts, bpfplay rejects: "+normCat(res.ErrorLine), in.Name)
		} else {
			f.add("kernel rejects, bpfplay accepts: "+normCat(kernelErrorLine(k.Log)), in.Name)
		}
		switch {
		case !k.OK && !res.Accepted:
			f.bothReject++
			want := kernelErrorLine(k.Log)
			if strings.Contains(res.Log, want) {
				f.errLine++
			} else {
				f.add("error line: want "+normCat(want)+" got "+normCat(res.ErrorLine), in.Name)
			}
		case k.OK && res.Accepted:
			f.bothAccept++
			if len(k.Xlated) > 0 {
				f.xlRecords++
				if want, err := isa.UnmarshalSlots(k.Xlated); err == nil && sameXlated(res.Xlated, want) {
					f.xlEqual++
				} else {
					f.add("xlated differs", in.Name)
				}
			}
			if res.Stats.InsnsProcessed == k.InsnsProcessed {
				f.insns++
			} else {
				f.add("insns_processed differs", fmt.Sprintf("%s (kernel %d, bpfplay %d)", in.Name, k.InsnsProcessed, res.Stats.InsnsProcessed))
			}
		}
		if k.Log != "" && len(k.Log) < 64<<10 && !strings.HasPrefix(k.Log, "...\n") {
			f.logs++
			want, got := normLog(k.Log), normLog(res.Log)
			if want == got {
				f.logEqual++
			} else if verbose {
				line, w, g := firstDiff(want, got)
				t.Logf("LOG %s: line %d\n  kernel:  %q\n  bpfplay: %q", in.Name, line, w, g)
			}
		}
		if in.Unpriv && k.Unpriv != nil {
			slots, opts, _ := FromRecord(in, true)
			ures := VerifySlots(slots, opts)
			f.unprivRecords++
			if k.Unpriv.Log != "" && len(k.Unpriv.Log) < 64<<10 && !strings.HasPrefix(k.Unpriv.Log, "...\n") {
				f.ulogs++
				want, got := normLog(k.Unpriv.Log), normLog(ures.Log)
				if want == got {
					f.ulogEqual++
				} else if verbose {
					line, w, g := firstDiff(want, got)
					t.Logf("ULOG %s: line %d\n  kernel:  %q\n  bpfplay: %q", in.Name, line, w, g)
				}
			}
			if ures.Accepted == k.Unpriv.OK {
				f.unpriv++
			} else {
				f.add(fmt.Sprintf("unpriv verdict (kernel ok=%v)", k.Unpriv.OK), in.Name)
			}
		}
	}
	return f
}

// sameXlated compares xlated programs with what differs from one load to
// the next aside: map ids and value offsets in ld_imm64, and the random
// upper halves BPF_F_TEST_RND_HI32 writes (r11 = random; r11 <<= 32).
func sameXlated(got, want []isa.Slot) bool {
	if len(got) != len(want) {
		return false
	}
	for i := 0; i < len(want); i++ {
		g, w := got[i], want[i]
		if w.Op == isa.OpLdImm64 && (w.Src == 1 || w.Src == 2) && i+1 < len(want) {
			if g.Op != w.Op || g.Dst != w.Dst || g.Src != w.Src || g.Off != w.Off {
				return false
			}
			i++
			continue
		}
		if w.Op == 0xb7 && w.Dst == 11 && i+1 < len(want) && want[i+1] == (isa.Slot{Op: 0x67, Dst: 11, Imm: 32}) {
			if g.Op != w.Op || g.Dst != w.Dst || g.Src != w.Src || g.Off != w.Off {
				return false
			}
			continue
		}
		if g != w {
			return false
		}
	}
	return true
}

var reNum = regexp.MustCompile(`-?\d+`)

// normCat turns a message into a category (numbers hidden).
func normCat(s string) string { return reNum.ReplaceAllString(s, "N") }

// TestCorpus runs Linux 6.1's test_verifier corpus and reports the
// agreement figures; they must stay above the floors. Set
// BPFPLAY_CORPUS_VERBOSE=1 to see every disagreement and the first
// differing log line of each record.
func TestCorpus(t *testing.T) { testCorpus(t, corpusPath) }

// TestSelftestsExtra is the same on the other 52 files of Linux 6.1's
// test_verifier (those the dev corpus does not have), with the kernel
// oracle's answers (testdata/selftests-extra.jsonl.gz, logs over 16 KiB
// cut to their tail).
func TestSelftestsExtra(t *testing.T) { testCorpus(t, "testdata/selftests-extra.jsonl.gz") }

// TestRealWorld: programs in the style of real projects, compiled by
// Debian's clang (testdata/realworld: the C sources, build.py, and the
// records with Linux 6.1's answers).
func TestRealWorld(t *testing.T) { testCorpus(t, "testdata/realworld/realworld.jsonl.gz") }

func testCorpus(t *testing.T, path string) {
	verbose := os.Getenv("BPFPLAY_CORPUS_VERBOSE") != ""
	f := runCorpus(t, path, verbose)
	t.Logf("verdict %d/%d (%d%%), error line %d/%d (%d%%), insns_processed %d/%d (%d%%), whole log %d/%d, unpriv verdict %d/%d (%d%%), unpriv whole log %d/%d, xlated %d/%d (%d%%)",
		f.verdict, f.records, pct(f.verdict, f.records), f.errLine, f.bothReject, pct(f.errLine, f.bothReject),
		f.insns, f.bothAccept, pct(f.insns, f.bothAccept), f.logEqual, f.logs, f.unpriv, f.unprivRecords, pct(f.unpriv, f.unprivRecords), f.ulogEqual, f.ulogs, f.xlEqual, f.xlRecords, pct(f.xlEqual, f.xlRecords))
	cats := make([]string, 0, len(f.disagree))
	for c := range f.disagree {
		cats = append(cats, c)
	}
	sort.Slice(cats, func(i, j int) bool { return len(f.disagree[cats[i]]) > len(f.disagree[cats[j]]) })
	for i, c := range cats {
		if i >= 25 && !verbose {
			t.Logf("... %d more categories", len(cats)-i)
			break
		}
		names := f.disagree[c]
		ex := names[0]
		if verbose {
			ex = strings.Join(names, "; ")
		}
		t.Logf("%4d  %s  [%s]", len(names), c, ex)
	}
	check := func(what string, got, floor int) {
		if got < floor {
			t.Errorf("%s agreement %d%% fell below the floor %d%%", what, got, floor)
		}
	}
	check("verdict", pct(f.verdict, f.records), floorVerdict)
	check("error line", pct(f.errLine, f.bothReject), floorErrorLine)
	check("insns_processed", pct(f.insns, f.bothAccept), floorInsns)
	check("unpriv verdict", pct(f.unpriv, f.unprivRecords), floorUnpriv)
	check("whole log", pct(f.logEqual, f.logs), floorLog)
	check("unpriv whole log", pct(f.ulogEqual, f.ulogs), floorLog)
	check("xlated", pct(f.xlEqual, f.xlRecords), floorXlated)
}

// TestNetPrograms: programs calling the network-stack helpers (route and
// socket lookups, the test run's socket through bpf_sk_fullsock, cpumap
// redirects, the flow dissector's loads), with Linux 6.1's answers; made
// by core/helpers from its oracle cases (see netprograms_test.go there).
func TestNetPrograms(t *testing.T) { testCorpus(t, "../helpers/testdata/net-programs.jsonl.gz") }
