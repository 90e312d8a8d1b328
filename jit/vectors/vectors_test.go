package vectors

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bpfplay/bpfplay/jit"
)

// kernelVectors is Linux 6.1's own JIT output for the corpus (see its
// README); oracleVectors are answers of the same kernel to programs
// written for the forms the corpus misses (see ../testdata/oracle).
const (
	kernelVectors = "../../testdata/jit-vectors/vectors.jsonl.gz"
	oracleVectors = "../testdata/oracle/*.jsonl*"
)

// TestKernelVectors compiles every recorded program and compares with
// the machine code Linux 6.1 emitted for it.
func TestKernelVectors(t *testing.T) {
	vs, err := ReadFile(kernelVectors)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 751 {
		t.Errorf("read %d vectors, the README promises 751", len(vs))
	}
	checkAll(t, vs)
}

// TestOracleVectors does the same for the oracle's answers.
func TestOracleVectors(t *testing.T) {
	files, err := filepath.Glob(oracleVectors)
	if err != nil || len(files) == 0 {
		t.Fatalf("no oracle vectors at %s", oracleVectors)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			vs, err := ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) == 0 {
				t.Fatal("empty")
			}
			checkAll(t, vs)
		})
	}
}

func checkAll(t *testing.T, vs []Vector) {
	t.Helper()
	bad := 0
	for i := range vs {
		v := &vs[i]
		r := Check(v, nil)
		if r.OK {
			continue
		}
		bad++
		if bad <= 10 || os.Getenv("JIT_VECTORS_VERBOSE") != "" {
			t.Errorf("%s [%s]: %s", v.Name, v.Variant, r.Msg)
			if r.Got != nil && os.Getenv("JIT_VECTORS_DIS") != "" {
				t.Logf("want:\n%s", jit.Disassemble(v.Jited, 0, jit.ATT))
				t.Logf("got:\n%s", jit.Disassemble(r.Got.Code, 0, jit.ATT))
			}
		}
	}
	t.Logf("%d matched, %d differ", len(vs)-bad, bad)
}
