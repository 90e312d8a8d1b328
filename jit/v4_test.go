package jit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
)

// v4Answer is a newer kernel's machine code for a cpu v4 instruction:
// the bytes between the markers of package forms' V4Cases.
type v4Answer struct {
	Name   string     `json:"name"`
	Xlated record.Hex `json:"xlated"`
	Code   record.Hex `json:"code"`
}

var (
	markerBefore = []byte{0x41, 0xbf, 0x11, 0x11, 0x11, 0x11} // mov r15d, 0x11111111
	markerAfter  = []byte{0x41, 0xbf, 0x22, 0x22, 0x22, 0x22} // mov r15d, 0x22222222
)

// between returns the bytes between the markers.
func between(code []byte) ([]byte, bool) {
	i := bytes.Index(code, markerBefore)
	j := bytes.Index(code, markerAfter)
	if i < 0 || j < i {
		return nil, false
	}
	return code[i+len(markerBefore) : j], true
}

// TestCPUv4Forms compares the cpu v4 instructions with Linux 6.12's
// x86-64 JIT (Debian's 6.12.117, qemu64: the first kernel version the
// project could ask; see testdata/oracle/README.md). The xlated program
// is 6.12's, so the run-time guards its verifier puts around signed
// division are compared too.
func TestCPUv4Forms(t *testing.T) {
	f, err := os.Open("testdata/v4-linux612.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var a v4Answer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		n++
		slots, err := isa.UnmarshalSlots(a.Xlated)
		if err != nil {
			t.Fatal(err)
		}
		p, err := isa.Pair(slots)
		if err != nil {
			t.Fatal(err)
		}
		img, err := Compile(p, Options{StackDepth: []int{256}})
		if err != nil {
			t.Errorf("%s: %v", a.Name, err)
			continue
		}
		got, ok := between(img.Code)
		if !ok {
			t.Errorf("%s: markers not found in our code", a.Name)
			continue
		}
		if !bytes.Equal(got, a.Code) {
			t.Errorf("%s: got % x (%s)\n want % x (%s)", a.Name, got, intel(got), []byte(a.Code), intel(a.Code))
		}
	}
	if n < 100 {
		t.Fatalf("only %d answers", n)
	}
}
