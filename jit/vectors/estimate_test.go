package vectors

import (
	"testing"

	"github.com/bpfplay/bpfplay/jit"
)

// TestStackDepthEstimate measures jit.EstimateStackDepth against the
// stack the kernel allocated (rounded to 8, as the prologue shows it).
// The estimate may only err on the deep side for the kernel's programs
// except where the verifier knows better (it tracks pointers across
// branches): the test fails when the estimate is short for more than a
// few functions.
func TestStackDepthEstimate(t *testing.T) {
	vs, err := ReadFile(kernelVectors)
	if err != nil {
		t.Fatal(err)
	}
	funcs, exact, deep, short := 0, 0, 0, 0
	for i := range vs {
		v := &vs[i]
		p, err := Program(v)
		if err != nil {
			t.Fatal(err)
		}
		img, err := jit.Compile(p, Options(v, &defaultMeta))
		if err != nil {
			continue
		}
		start := 0
		for fi, f := range img.Funcs {
			want := PrologueStackDepth(v.Jited, start)
			start += v.FuncLens[fi]
			got := (jit.EstimateStackDepth(p, f.FirstSlot, f.EndSlot) + 7) &^ 7
			funcs++
			switch {
			case got == want:
				exact++
			case got > want:
				deep++
			default:
				short++
				t.Logf("%s func %d: estimate %d, kernel %d", v.Name, fi, got, want)
			}
		}
	}
	t.Logf("%d functions: estimate exact %d, deeper %d, shorter %d", funcs, exact, deep, short)
	if short > funcs/50 {
		t.Errorf("the estimate is short for %d of %d functions", short, funcs)
	}
}
