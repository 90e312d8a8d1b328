// Package compare measures how closely bpfplay's answers match the
// kernel's: it pairs each output record of `bpfplay batch` with the
// corpus record it answers and counts agreement on the verdict, the
// error line, the errno, insns_processed, the xlated program, the
// unprivileged verdict and the test run, listing each disagreement by
// category so the distance to Linux is always visible.
package compare

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/bpfplay/bpfplay/core/record"
)

// Count is agreement over the records where a comparison applies.
type Count struct {
	Agree, Total int
}

func (c *Count) add(ok bool) {
	c.Total++
	if ok {
		c.Agree++
	}
}

// Percent returns the agreement in percent (100 when nothing applied).
func (c Count) Percent() float64 {
	if c.Total == 0 {
		return 100
	}
	return 100 * float64(c.Agree) / float64(c.Total)
}

func (c Count) String() string {
	return fmt.Sprintf("%d/%d (%.1f%%)", c.Agree, c.Total, c.Percent())
}

// Figures are the agreement counts of a whole comparison.
type Figures struct {
	// RunsOnly compares test runs only: for output of `batch
	// --no-verify`, where there is no verdict to compare.
	RunsOnly bool

	Records   int
	Verdict   Count // ok == kernel.ok
	ErrorLine Count // both reject: the kernel's error line appears in our log
	Errno     Count // both reject: same errno
	Insns     Count // both accept: same insns_processed
	Xlated    Count // both accept and the kernel recorded xlated: equal, addresses aside
	// Jited: both accept and the kernel recorded jited: our JIT's image of
	// our xlated program equals the kernel's, per-load values aside
	// (PerLoad). The end-to-end figure: source -> verifier -> xlated ->
	// JIT.
	Jited Count
	// JitedRehi32 counts the jited comparisons made with the kernel's
	// random BPF_F_TEST_RND_HI32 constants put into our xlated program
	// (poisonDiff).
	JitedRehi32 int
	Unpriv      Count // the record has an unprivileged answer: same verdict
	UnprivErr   Count // both reject unprivileged: error line found
	Run         Count // the kernel ran it and so did we: same retval (and data_out)
	// RunExpect covers records the kernel was not asked about (classic
	// programs): our retval against the test's own expect.retval.
	RunExpect Count
	// NativeInterp: we ran the program both natively (jit_run, batch
	// --jit) and in the interpreter: same retval and data_out.
	// NativeKernel: the kernel ran it and so did our native run.
	NativeInterp, NativeKernel Count

	// Disagree lists record names by category.
	Disagree map[string][]string
}

func (f *Figures) note(category, name string) {
	if f.Disagree == nil {
		f.Disagree = map[string][]string{}
	}
	f.Disagree[category] = append(f.Disagree[category], name)
}

// Add compares one output record with the corpus record it answers.
func (f *Figures) Add(ours *record.Out, in *record.In) {
	f.Records++
	k := in.Kernel
	if k == nil {
		if in.Expect != nil && in.Expect.Retval != nil && ours.Run != nil {
			f.addExpect(ours, in)
		}
		f.addNative(ours, in)
		return
	}
	if f.RunsOnly {
		f.addRun(ours, in)
		return
	}
	f.Verdict.add(ours.OK == k.OK)
	switch {
	case ours.OK != k.OK && k.OK:
		f.note("verdict: kernel accepts, we reject", in.Name)
	case ours.OK != k.OK:
		f.note("verdict: kernel rejects, we accept", in.Name)
	case !k.OK:
		line := ErrorLine(k.Log)
		found := line != "" && strings.Contains(ours.Log, line)
		f.ErrorLine.add(found)
		if !found {
			f.note("error line missing", in.Name)
		}
		f.Errno.add(ours.Errno == k.Errno)
		if ours.Errno != k.Errno {
			f.note("errno differs", in.Name)
		}
	default:
		f.Insns.add(ours.InsnsProcessed == k.InsnsProcessed)
		if ours.InsnsProcessed != k.InsnsProcessed {
			f.note("insns_processed differs", in.Name)
		}
		xlatedSame := true
		if len(k.Xlated) > 0 {
			xlatedSame = SameXlated(ours.Xlated, k.Xlated)
			f.Xlated.add(xlatedSame)
			if !xlatedSame {
				f.note("xlated differs", in.Name)
			}
		}
		if len(k.Jited) > 0 {
			f.addJited(ours, k, xlatedSame, in.Name)
		}
	}
	if in.Unpriv && k.Unpriv != nil && ours.Unpriv != nil {
		f.Unpriv.add(ours.Unpriv.OK == k.Unpriv.OK)
		if ours.Unpriv.OK != k.Unpriv.OK {
			f.note("unpriv verdict differs", in.Name)
		} else if !k.Unpriv.OK {
			line := ErrorLine(k.Unpriv.Log)
			found := line != "" && strings.Contains(ours.Unpriv.Log, line)
			f.UnprivErr.add(found)
			if !found {
				f.note("unpriv error line missing", in.Name)
			}
		}
	}
	f.addRun(ours, in)
}

// addJited compares our JIT image with the kernel's (JitedDiff; with the
// kernel's random constants for BPF_F_TEST_RND_HI32: poisonDiff), filing a
// difference under the first cause that explains it: no image, a
// different xlated program (the JIT cannot then agree), a different
// length (usually a different instruction form or jump size), or
// different bytes.
func (f *Figures) addJited(ours, k *record.Out, xlatedSame bool, name string) {
	diff := "no image"
	if len(ours.Jited) > 0 {
		diff = JitedDiff(ours.Jited, k.Jited, ours.JitedFuncLens, k.JitedFuncLens)
	}
	if diff != "" && len(ours.Jited) > 0 {
		if d, ok := poisonDiff(ours, k); ok {
			diff = d
			f.JitedRehi32++
		}
	}
	f.Jited.add(diff == "")
	switch {
	case diff == "":
	case len(ours.Jited) == 0:
		f.note("jited: no image of ours", name)
	case !xlatedSame:
		f.note("jited differs (xlated differs too)", name)
	case len(ours.Jited) != len(k.Jited) || fmt.Sprint(ours.JitedFuncLens) != fmt.Sprint(k.JitedFuncLens):
		f.note("jited differs: length", name)
	default:
		f.note("jited differs: bytes", name)
	}
}

// sameRun compares two runs' retval, and their data_out when both have
// one (test_bpf-style native runs have no packet).
func sameRun(a, b *record.Run) bool {
	return a.Retval == b.Retval && (len(a.DataOut) == 0 || len(b.DataOut) == 0 || bytes.Equal(a.DataOut, b.DataOut))
}

// addNative compares a native run (jit_run) with the interpreter's run
// of the same record and with the kernel's.
func (f *Figures) addNative(ours *record.Out, in *record.In) {
	j := ours.JitRun
	if j == nil || !ours.OK {
		return
	}
	k := in.Kernel
	if i := ours.Run; i != nil {
		same := j.OK == i.OK && j.Errno == i.Errno && (!j.OK || sameRun(j, i))
		f.NativeInterp.add(same)
		if !same {
			f.note("native run differs from the interpreter", in.Name)
		}
	}
	if k != nil && k.OK && k.Run != nil {
		same := j.OK && sameRun(j, k.Run)
		f.NativeKernel.add(same)
		if !same {
			f.note("native run differs from the kernel's", in.Name)
		}
	}
}

func (f *Figures) addRun(ours *record.Out, in *record.In) {
	f.addNative(ours, in)
	k := in.Kernel
	switch {
	case ours.Run == nil || !ours.OK:
	case k.OK && k.Run != nil:
		same := ours.Run.Retval == k.Run.Retval && (len(k.Run.DataOut) == 0 || bytes.Equal(ours.Run.DataOut, k.Run.DataOut))
		f.Run.add(same)
		if !same {
			f.note("run result differs", in.Name)
		}
	case f.RunsOnly && in.Expect != nil && in.Expect.Retval != nil:
		// The kernel's verifier refused it, so the kernel never ran
		// it; the test's own expectation is the answer.
		f.addExpect(ours, in)
	}
}

func (f *Figures) addExpect(ours *record.Out, in *record.In) {
	same := ours.Run.OK && ours.Run.Retval == uint32(*in.Expect.Retval)
	f.RunExpect.add(same)
	if !same {
		f.note("run differs from the test's expectation", in.Name)
	}
}

// ErrorLine is the kernel log's error line: the last line before the
// statistics (verification time, stack depth, processed ...).
func ErrorLine(log string) string {
	lines := strings.Split(strings.TrimRight(log, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		if strings.HasPrefix(l, "verification time") || strings.HasPrefix(l, "stack depth") || strings.HasPrefix(l, "processed ") {
			continue
		}
		return l
	}
	return ""
}

// SameXlated compares two xlated programs with the kernel's per-load
// values aside: the 64-bit immediates of ld_imm64 instructions that
// carry a map (src 1 or 2 in a dump: the map's id or address, which
// change from one load to the next), and the random constants of the
// upper-half poisoning that BPF_F_TEST_RND_HI32 asks for (r11 = rand;
// r11 <<= 32; rX |= r11: the kernel draws a new one per load).
func SameXlated(a, b []byte) bool {
	if len(a) != len(b) || len(a)%8 != 0 {
		return false
	}
	for i := 0; i < len(a); i += 8 {
		if isHi32Poison(a[i:]) && isHi32Poison(b[i:]) {
			// Compare opcode and registers; skip the random immediate.
			if !bytes.Equal(a[i:i+4], b[i:i+4]) || !bytes.Equal(a[i+8:i+24], b[i+8:i+24]) {
				return false
			}
			i += 16
			continue
		}
		if a[i] == 0x18 && i+16 <= len(a) && (b[i+1]>>4 == 1 || b[i+1]>>4 == 2) {
			// Compare opcode, registers and offset; skip both immediates.
			if !bytes.Equal(a[i:i+4], b[i:i+4]) || !bytes.Equal(a[i+8:i+12], b[i+8:i+12]) {
				return false
			}
			i += 8
			continue
		}
		if !bytes.Equal(a[i:i+8], b[i:i+8]) {
			return false
		}
	}
	return true
}

// isHi32Poison reports whether p starts with the three instructions of
// a random upper-half poisoning: mov r11, imm; lsh r11, 32; or rX, r11.
func isHi32Poison(p []byte) bool {
	return len(p) >= 24 &&
		p[0] == 0xb7 && p[1] == 0x0b &&
		p[8] == 0x67 && p[9] == 0x0b && p[12] == 32 &&
		p[16] == 0x4f && p[17]>>4 == 0x0b
}

// Report prints the figures and the disagreements, at most limit names
// per category (0: all).
func (f *Figures) Report(w io.Writer, limit int) {
	fmt.Fprintf(w, "records:          %d\n", f.Records)
	if f.RunsOnly {
		fmt.Fprintf(w, "run:              %s  (kernel ran it)\n", f.Run)
		fmt.Fprintf(w, "run vs expect:    %s  (no kernel answer: the test's own retval)\n", f.RunExpect)
		f.reportNative(w)
		f.reportDisagreements(w, limit)
		return
	}
	fmt.Fprintf(w, "verdict:          %s\n", f.Verdict)
	fmt.Fprintf(w, "error line:       %s  (both reject)\n", f.ErrorLine)
	fmt.Fprintf(w, "errno:            %s  (both reject)\n", f.Errno)
	fmt.Fprintf(w, "insns_processed:  %s  (both accept)\n", f.Insns)
	fmt.Fprintf(w, "xlated:           %s  (both accept, addresses aside)\n", f.Xlated)
	fmt.Fprintf(w, "jited:            %s  (both accept: our JIT of our xlated, per-load values aside; %d with the kernel's random hi32 constants)\n", f.Jited, f.JitedRehi32)
	fmt.Fprintf(w, "unpriv verdict:   %s\n", f.Unpriv)
	fmt.Fprintf(w, "unpriv error:     %s  (both reject)\n", f.UnprivErr)
	fmt.Fprintf(w, "run:              %s  (kernel ran it)\n", f.Run)
	fmt.Fprintf(w, "run vs expect:    %s  (no kernel answer: the test's own retval)\n", f.RunExpect)
	f.reportNative(w)
	f.reportDisagreements(w, limit)
}

// reportNative prints the native-run figures when there were native
// runs (batch --jit).
func (f *Figures) reportNative(w io.Writer) {
	if f.NativeInterp.Total == 0 && f.NativeKernel.Total == 0 {
		return
	}
	fmt.Fprintf(w, "native vs interp: %s  (jit_run and run: same retval, data_out)\n", f.NativeInterp)
	fmt.Fprintf(w, "native vs kernel: %s  (kernel ran it)\n", f.NativeKernel)
}

func (f *Figures) reportDisagreements(w io.Writer, limit int) {
	cats := make([]string, 0, len(f.Disagree))
	for c := range f.Disagree {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	for _, c := range cats {
		names := f.Disagree[c]
		fmt.Fprintf(w, "\n%s: %d\n", c, len(names))
		for i, n := range names {
			if limit > 0 && i == limit {
				fmt.Fprintf(w, "  ... %d more\n", len(names)-limit)
				break
			}
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
}
