package kernel_test

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/isa"
)

// TestLLVMObjdumpListings assembles real llvm-objdump output of small C
// programs (testdata/llvm, made by gen.sh with clang 14 at -mcpu=v3 and
// clang 19 at -mcpu=v4) and compares with the sections' bytes taken
// from the objects by llvm-objcopy.
func TestLLVMObjdumpListings(t *testing.T) {
	files, _ := filepath.Glob("testdata/llvm/*.txt")
	if len(files) < 8 {
		t.Fatalf("found %d listings in testdata/llvm, want 8 (run testdata/llvm/gen.sh)", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			hexText, err := os.ReadFile(strings.TrimSuffix(f, ".txt") + ".hex")
			if err != nil {
				t.Fatal(err)
			}
			want, err := hex.DecodeString(strings.TrimSpace(string(hexText)))
			if err != nil {
				t.Fatal(err)
			}
			l, err := kernel.Assemble(string(text))
			if err != nil {
				t.Fatal(err)
			}
			if got := l.Program.Encode(); !bytes.Equal(got, want) {
				t.Errorf("assembled\n%x\nobject has\n%x", got, want)
			}
		})
	}
}

var objdumpLine = regexp.MustCompile(`^\s*[0-9a-f]+:\t((?:[0-9a-f]{2} ){7,15}[0-9a-f]{2})\s*\t(.*)$`)

// TestLLVMStyleMatchesObjdump19: the LLVM style prints each instruction
// of the llvm-objdump 19 listings exactly as llvm-objdump does (its
// "<LBB0_2>" annotations aside), except bpf-to-bpf calls, which llvm
// prints like helper calls ("call -0x1") and the LLVM style keeps
// unambiguous ("call pc-1").
func TestLLVMStyleMatchesObjdump19(t *testing.T) {
	files, _ := filepath.Glob("testdata/llvm/*.v4.txt")
	p := &kernel.Printer{Style: kernel.LLVM}
	n := 0
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(text), "\n") {
			m := objdumpLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			b, _ := hex.DecodeString(strings.ReplaceAll(m[1], " ", ""))
			prog, err := isa.Decode(b)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			want := strings.TrimSpace(regexp.MustCompile(`\s*<[^<>]*>$`).ReplaceAllString(m[2], ""))
			if prog[0].IsFuncCall() {
				continue
			}
			if got := p.Insn(0, prog[0]); got != want {
				t.Errorf("%s: printed %q, llvm-objdump 19 printed %q", filepath.Base(f), got, want)
			}
			n++
		}
	}
	t.Logf("%d instructions print as llvm-objdump 19 prints them", n)
}
