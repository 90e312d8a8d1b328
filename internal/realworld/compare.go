package realworld

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/internal/compare"
	"github.com/bpfplay/bpfplay/jit/vectors"
)

// Aspect is one thing compared between bpfplay's answer and the
// kernel's.
type Aspect string

// The aspects, in report order.
const (
	Verdict   Aspect = "verdict"
	Errno     Aspect = "errno"
	ErrorLine Aspect = "error line"
	Insns     Aspect = "insns_processed"
	Log       Aspect = "whole log"
	Xlated    Aspect = "xlated"
	Run       Aspect = "run"
	Maps      Aspect = "maps after"
	JIT       Aspect = "jited"

	// The unprivileged load of a record that asks for one.
	UnprivVerdict   Aspect = "unpriv verdict"
	UnprivErrorLine Aspect = "unpriv error line"
	UnprivInsns     Aspect = "unpriv insns"
	UnprivLog       Aspect = "unpriv log"
)

// Aspects lists every aspect in report order.
var Aspects = []Aspect{Verdict, Errno, ErrorLine, Insns, Log, Xlated, JIT, Run, Maps,
	UnprivVerdict, UnprivErrorLine, UnprivInsns, UnprivLog}

// Diff is one disagreement: the aspect and what differs, with the
// kernel's side and ours.
type Diff struct {
	Aspect Aspect
	Msg    string
}

// Result is the comparison of one record: which aspects applied and
// which of them differ.
type Result struct {
	Name    string
	Applied map[Aspect]bool
	Diffs   []Diff
}

// Agrees reports whether aspect a applied and agreed.
func (r *Result) Agrees(a Aspect) bool {
	if !r.Applied[a] {
		return false
	}
	for _, d := range r.Diffs {
		if d.Aspect == a {
			return false
		}
	}
	return true
}

func (r *Result) check(a Aspect, ok bool, format string, args ...any) {
	r.Applied[a] = true
	if !ok {
		r.Diffs = append(r.Diffs, Diff{a, fmt.Sprintf(format, args...)})
	}
}

// Compare compares bpfplay's answer to a record (ours: what
// core/load.Record returned; after: our maps after the test run, nil
// when there was none) with the kernel's answer in the record.
// volatile names maps whose values are not compared. The JIT is judged
// on the kernel's xlated program (JITVector), so a verifier difference
// does not count twice.
func Compare(e *Entry, ours *record.Out, after [][]record.Entry, volatile []string) *Result {
	in := e.In
	k := in.Kernel
	r := &Result{Name: in.Name, Applied: map[Aspect]bool{}}
	r.check(Verdict, ours.OK == k.OK, "ok=%v (errno %d %s), kernel ok=%v (errno %d)", ours.OK, ours.Errno, ours.Error, k.OK, k.Errno)
	if ours.OK != k.OK {
		return r
	}
	if !k.OK {
		r.check(Errno, ours.Errno == k.Errno, "errno %d, kernel %d", ours.Errno, k.Errno)
		line := compare.ErrorLine(k.Log)
		r.check(ErrorLine, line != "" && strings.Contains(ours.Log, line), "kernel's error line %q not in our log (our last line %q)", line, compare.ErrorLine(ours.Log))
	} else {
		r.check(Insns, ours.InsnsProcessed == k.InsnsProcessed, "insns_processed %d, kernel %d", ours.InsnsProcessed, k.InsnsProcessed)
		if len(k.Xlated) > 0 {
			r.check(Xlated, compare.SameXlated(ours.Xlated, k.Xlated), "%s", xlatedDiff(ours.Xlated, k.Xlated))
		}
		if v := e.JITVector(); v != nil {
			res := vectors.Check(v, nil)
			r.check(JIT, res.OK, "%s", res.Msg)
		}
	}
	if k.Log != "" {
		line, kl, ol := FirstLogDiff(k.Log, ours.Log)
		r.check(Log, line == 0, "line %d: kernel %q, ours %q", line, kl, ol)
	}
	if in.Unpriv && k.Unpriv != nil {
		r.compareUnpriv(k.Unpriv, ours.Unpriv)
	}
	if k.OK && k.Run != nil {
		o := ours.Run
		if o == nil {
			r.check(Run, false, "no run; kernel: ok=%v errno %d retval %d", k.Run.OK, k.Run.Errno, k.Run.Retval)
		} else {
			same := o.OK == k.Run.OK && o.Errno == k.Run.Errno && o.Retval == k.Run.Retval && bytes.Equal(o.DataOut, k.Run.DataOut)
			r.check(Run, same, "%s", runDiff(o, k.Run))
		}
		if len(k.MapsAfter) > 0 && after != nil {
			r.Applied[Maps] = true
			for i, km := range k.MapsAfter {
				if i >= len(in.Maps) || i >= len(after) || contains(volatile, in.Maps[i].Name) {
					continue
				}
				if d := entriesDiff(after[i], km.Entries); d != "" {
					r.Diffs = append(r.Diffs, Diff{Maps, fmt.Sprintf("map %s: %s", in.Maps[i].Name, d)})
				}
			}
		}
	}
	return r
}

// compareUnpriv compares the unprivileged loads: verdict and errno,
// the error line of a rejection, insns_processed of an acceptance, and
// the whole log.
func (r *Result) compareUnpriv(k, ours *record.Out) {
	if ours == nil {
		r.check(UnprivVerdict, false, "no unprivileged load; kernel ok=%v errno %d", k.OK, k.Errno)
		return
	}
	r.check(UnprivVerdict, ours.OK == k.OK && ours.Errno == k.Errno, "ok=%v errno %d, kernel ok=%v errno %d", ours.OK, ours.Errno, k.OK, k.Errno)
	if ours.OK != k.OK {
		return
	}
	if !k.OK {
		line := compare.ErrorLine(k.Log)
		r.check(UnprivErrorLine, line != "" && strings.Contains(ours.Log, line), "kernel's error line %q not in our log (our last line %q)", line, compare.ErrorLine(ours.Log))
	} else {
		r.check(UnprivInsns, ours.InsnsProcessed == k.InsnsProcessed, "insns_processed %d, kernel %d", ours.InsnsProcessed, k.InsnsProcessed)
	}
	if k.Log != "" {
		line, kl, ol := FirstLogDiff(k.Log, ours.Log)
		r.check(UnprivLog, line == 0, "line %d: kernel %q, ours %q", line, kl, ol)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// kernelAddr matches the kernel addresses a log prints (map pointers):
// they change from one load to the next.
var kernelAddr = regexp.MustCompile(`0xffff[0-9a-f]{12}`)

// logLines normalises a verifier log for comparison: kernel addresses
// masked, the "verification time" line (a measurement) dropped.
func logLines(log string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(log, "\n"), "\n") {
		if strings.HasPrefix(l, "verification time ") {
			continue
		}
		out = append(out, kernelAddr.ReplaceAllString(l, "0xffff…"))
	}
	return out
}

// FirstLogDiff returns the first line (1-based, after normalising) where
// the two logs differ and both sides of it ("" past the end); 0 when
// they are the same.
func FirstLogDiff(kernel, ours string) (int, string, string) {
	k, o := logLines(kernel), logLines(ours)
	for i := 0; i < max(len(k), len(o)); i++ {
		var kl, ol string
		if i < len(k) {
			kl = k[i]
		}
		if i < len(o) {
			ol = o[i]
		}
		if kl != ol || i >= len(k) || i >= len(o) {
			return i + 1, kl, ol
		}
	}
	return 0, "", ""
}

func xlatedDiff(ours, kernel []byte) string {
	if len(ours) != len(kernel) {
		return fmt.Sprintf("%d slots, kernel %d", len(ours)/8, len(kernel)/8)
	}
	for i := 0; i+8 <= len(ours); {
		w := 8
		if ours[i] == 0x18 && i+16 <= len(ours) {
			w = 16 // ld_imm64: SameXlated masks a map's address
		}
		if !compare.SameXlated(ours[i:i+w], kernel[i:i+w]) {
			return fmt.Sprintf("slot %d: ours %x, kernel %x", i/8, ours[i:i+w], kernel[i:i+w])
		}
		i += w
	}
	return "differs"
}

func runDiff(o, k *record.Run) string {
	s := fmt.Sprintf("ok=%v errno %d retval %d, kernel ok=%v errno %d retval %d", o.OK, o.Errno, o.Retval, k.OK, k.Errno, k.Retval)
	if !bytes.Equal(o.DataOut, k.DataOut) {
		n := min(len(o.DataOut), len(k.DataOut))
		at := n
		for i := 0; i < n; i++ {
			if o.DataOut[i] != k.DataOut[i] {
				at = i
				break
			}
		}
		s += fmt.Sprintf("; data_out (%d bytes, kernel %d) differs at byte %d", len(o.DataOut), len(k.DataOut), at)
	}
	if o.Error != "" {
		s += "; ours: " + o.Error
	}
	return s
}

// entriesDiff compares map contents as sets (iteration orders differ).
func entriesDiff(ours, kernel []record.Entry) string {
	key := func(e record.Entry) string { return fmt.Sprintf("%x=%x", []byte(e.Key), []byte(e.Value)) }
	o, k := map[string]bool{}, map[string]bool{}
	for _, e := range ours {
		o[key(e)] = true
	}
	for _, e := range kernel {
		k[key(e)] = true
	}
	var onlyOurs, onlyKernel []string
	for s := range o {
		if !k[s] {
			onlyOurs = append(onlyOurs, s)
		}
	}
	for s := range k {
		if !o[s] {
			onlyKernel = append(onlyKernel, s)
		}
	}
	if len(onlyOurs) == 0 && len(onlyKernel) == 0 {
		return ""
	}
	sort.Strings(onlyOurs)
	sort.Strings(onlyKernel)
	return fmt.Sprintf("only ours {%s}, only the kernel's {%s}", strings.Join(onlyOurs, " "), strings.Join(onlyKernel, " "))
}
