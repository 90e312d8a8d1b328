package compare

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

func TestErrorLine(t *testing.T) {
	log := "0: (b7) r0 = 0\nR0 !read_ok\nverification time 5 usec\nstack depth 0\nprocessed 1 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n"
	if got := ErrorLine(log); got != "R0 !read_ok" {
		t.Errorf("ErrorLine = %q", got)
	}
}

func TestSameXlatedIgnoresMapAddresses(t *testing.T) {
	ours, _ := record.ParseHex("1811000001000000 0000000000000000 9500000000000000")
	kern, _ := record.ParseHex("18110000006c1f05 0000000080888fff 9500000000000000")
	if !SameXlated(ours, kern) {
		t.Error("map pointer difference should be ignored")
	}
	other, _ := record.ParseHex("1812000001000000 0000000000000000 9500000000000000")
	if SameXlated(other, kern) {
		t.Error("a different dst register must count")
	}
	plain, _ := record.ParseHex("1801000001000000 0000000000000000 9500000000000000")
	plainK, _ := record.ParseHex("1801000002000000 0000000000000000 9500000000000000")
	if SameXlated(plain, plainK) {
		t.Error("a plain constant's value must count")
	}
}

func TestSameXlatedIgnoresRandomHi32(t *testing.T) {
	ours, _ := record.ParseHex("b401000000000000 b70b0000bfbd020a 670b000020000000 4fb1000000000000 9500000000000000")
	kern, _ := record.ParseHex("b401000000000000 b70b00005b2b5f62 670b000020000000 4fb1000000000000 9500000000000000")
	if !SameXlated(ours, kern) {
		t.Error("the random poisoning constant should be ignored")
	}
	otherReg, _ := record.ParseHex("b401000000000000 b70b00005b2b5f62 670b000020000000 4fb2000000000000 9500000000000000")
	if SameXlated(ours, otherReg) {
		t.Error("the poisoned register must count")
	}
	// A constant into r11 without the shift-or is not a poisoning.
	movOnly, _ := record.ParseHex("b70b000001000000 9500000000000000")
	movOnlyK, _ := record.ParseHex("b70b000002000000 9500000000000000")
	if SameXlated(movOnly, movOnlyK) {
		t.Error("a plain mov's immediate must count")
	}
}

func TestFigures(t *testing.T) {
	var f Figures
	rej := &record.Out{OK: false, Errno: 13, Log: "R0 !read_ok\nprocessed 1 insns\n"}
	f.Add(&record.Out{OK: false, Errno: 13, Log: "0: ...\nR0 !read_ok\n"}, &record.In{Name: "a", Kernel: rej})
	f.Add(&record.Out{OK: true}, &record.In{Name: "b", Kernel: rej})
	f.Add(&record.Out{OK: true, InsnsProcessed: 3}, &record.In{Name: "c", Kernel: &record.Out{OK: true, InsnsProcessed: 4}})
	if f.Verdict != (Count{2, 3}) || f.ErrorLine != (Count{1, 1}) || f.Insns != (Count{0, 1}) {
		t.Errorf("figures %+v", f)
	}
	var buf bytes.Buffer
	f.Report(&buf, 0)
	for _, want := range []string{"verdict:          2/3 (66.7%)", "verdict: kernel rejects, we accept: 1\n  b", "insns_processed differs: 1\n  c"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, buf.String())
		}
	}
}
