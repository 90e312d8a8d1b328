package elf_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/elf"
	"github.com/bpfplay/bpfplay/core/load"
	"github.com/bpfplay/bpfplay/core/record"
)

// The frame internal/oraclein gave the kernel (Ethernet, IPv4, TCP).
const oracleFrame = "00112233445500000000000108004500002e00000000400600000a0102030102030490000050000000000000000050022000000000000102030405060708"

// TestPipelineMatchesOracle loads every test object's programs through
// bpfplay's pipeline (core/load) and compares with the kernel's answers:
// verdict (once the verifier is part of the pipeline) and test run.
func TestPipelineMatchesOracle(t *testing.T) {
	f, err := os.Open("testdata/oracle.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	frame, _ := record.ParseHex(oracleFrame)
	dec := json.NewDecoder(bufio.NewReader(f))
	for dec.More() {
		var want record.Out
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		t.Run(want.Name, func(t *testing.T) {
			objName, progName, _ := strings.Cut(want.Name, ".o:")
			b, err := os.ReadFile("testdata/" + objName + ".o")
			if err != nil {
				t.Fatal(err)
			}
			obj, err := elf.Open(b)
			if err != nil {
				t.Fatal(err)
			}
			p, err := obj.Program(progName)
			if err != nil {
				t.Fatal(err)
			}
			in := obj.Record(p)
			in.TestRun = &record.TestRun{Data: frame, Repeat: 1}
			got := load.Record(context.Background(), in, load.RecordOptions{})
			if got.Errno == 524 && strings.Contains(got.Error, "no verifier") {
				t.Logf("pipeline has no verifier yet: comparing the run only")
				got = load.Record(context.Background(), in, load.RecordOptions{NoVerify: true})
			} else if got.OK != want.OK {
				t.Fatalf("verdict ok=%v (%s), kernel ok=%v", got.OK, got.Error, want.OK)
			}
			if want.Run == nil {
				return
			}
			if got.Run == nil {
				t.Fatalf("no run; kernel ran it: %+v", want.Run)
			}
			if got.Run.Errno != want.Run.Errno || (want.Run.Errno == 0 && got.Run.Retval != want.Run.Retval) {
				t.Errorf("run: errno %d retval %d (%s); kernel errno %d retval %d", got.Run.Errno, got.Run.Retval, got.Run.Error, want.Run.Errno, want.Run.Retval)
			}
		})
	}
}
