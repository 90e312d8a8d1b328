package verifier

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
)

// ctxConvPath holds one program per context field, access size and
// register pattern of the program types whose ctx rewrites are checked
// field by field, with Linux 6.1's answers (verdict and xlated program).
// testdata/ctxconv/gen.py writes the questions and trims the oracle's
// answers.
const ctxConvPath = "testdata/ctxconv/ctxconv.jsonl.gz"

// TestCtxConv: each field access is rewritten into the kernel's sequence
// (xlated equal, map addresses aside), and accepted or rejected as the
// kernel does.
func TestCtxConv(t *testing.T) {
	r, err := record.Open(ctxConvPath)
	if err != nil {
		t.Fatalf("open %s: %v (regenerate with testdata/ctxconv/gen.py)", ctxConvPath, err)
	}
	defer r.Close()
	perType := map[string][2]int{}
	n := 0
	for {
		in, err := r.Next()
		if err != nil {
			break
		}
		n++
		k := in.Kernel
		if k == nil {
			t.Fatalf("%s: no kernel answer", in.Name)
		}
		typ := in.Name[:strings.IndexByte(in.Name, ':')]
		c := perType[typ]
		c[1]++
		slots, opts, err := FromRecord(in, false)
		if err != nil {
			t.Errorf("%s: %v", in.Name, err)
			continue
		}
		res := VerifySlots(slots, opts)
		if res.Accepted != k.OK {
			t.Errorf("%s: accepted=%v, kernel %v (%s)", in.Name, res.Accepted, k.OK, res.ErrorLine)
			perType[typ] = c
			continue
		}
		if k.OK {
			want, err := isa.UnmarshalSlots(k.Xlated)
			if err != nil {
				t.Fatalf("%s: kernel xlated: %v", in.Name, err)
			}
			if !sameXlated(res.Xlated, want) {
				t.Errorf("%s: xlated differs\n%s", in.Name, slotDiff(want, res.Xlated))
				perType[typ] = c
				continue
			}
		}
		c[0]++
		perType[typ] = c
	}
	if n == 0 {
		t.Fatalf("%s: no records", ctxConvPath)
	}
	for typ, c := range perType {
		t.Logf("%-45s %d/%d agree", typ, c[0], c[1])
	}
}

// slotDiff shows two programs side by side, the kernel's first.
func slotDiff(want, got []isa.Slot) string {
	var b strings.Builder
	for i := 0; i < len(want) || i < len(got); i++ {
		var w, g string
		if i < len(want) {
			w = fmt.Sprintf("%+v", want[i])
		}
		if i < len(got) {
			g = fmt.Sprintf("%+v", got[i])
		}
		mark := " "
		if w != g {
			mark = "!"
		}
		fmt.Fprintf(&b, "  %s %3d kernel %-48s bpfplay %s\n", mark, i, w, g)
	}
	return b.String()
}
