package main

// The --jit paths of run, conformance and bench: the same inputs as the
// interpreter paths, executed natively by jit/native (linux/amd64 with
// cgo; elsewhere they report that native execution is unavailable).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/interp"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/load"
	"github.com/bpfplay/bpfplay/core/progtype"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/jit/native"
)

// conformanceNative runs conformance files natively, all in one batch,
// and returns per file "" (pass) or why it failed.
func conformanceNative(files []string) []string {
	msgs := make([]string, len(files))
	var reqs []*native.Request
	var idx []int
	tcs := map[int]*conformance.Test{}
	for i, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			msgs[i] = err.Error()
			continue
		}
		tc, err := conformance.ParseData(string(src))
		if err != nil {
			if !strings.Contains(string(src), "-- error") {
				msgs[i] = err.Error()
			}
			continue
		}
		prog, err := tc.Program()
		if err != nil {
			if !tc.HasError {
				msgs[i] = err.Error()
			}
			continue
		}
		tcs[i] = tc
		reqs = append(reqs, &native.Request{Insns: prog.Encode(), Mem: tc.Mem})
		idx = append(idx, i)
	}
	res, errs := native.RunBatch(context.Background(), reqs)
	for k, i := range idx {
		tc := tcs[i]
		switch {
		case errs[k] != nil && tc.HasError:
		case errs[k] != nil:
			msgs[i] = errs[k].Error()
		case tc.HasError:
			msgs[i] = fmt.Sprintf("ran (r0 = %#x) but an error was expected: %q", res[k].R0, tc.Error)
		case !tc.HasResult:
			msgs[i] = "no -- result section"
		case res[k].R0 != tc.Result:
			msgs[i] = fmt.Sprintf("r0 = %#x, want %#x", res[k].R0, tc.Result)
		}
	}
	return msgs
}

// benchNative times a benchmark .data program's machine code: one child
// runs it runs+1 times (the first a warm-up) and reports thread CPU time
// per run; the interpreter counts the executed instructions and checks
// the result first.
func benchNative(path string, runs int) (*benchResult, error) {
	tc, prog, ip, err := loadBench(path)
	if err != nil {
		return nil, err
	}
	ref := ip.Run(&interp.Env{Mem: append([]byte(nil), tc.Mem...), Budget: -1})
	if ref.Fault != nil {
		return nil, ref.Fault
	}
	res, err := native.Run(context.Background(), &native.Request{Insns: prog.Encode(), Mem: tc.Mem, Repeat: runs + 1})
	if err != nil {
		return nil, err
	}
	if tc.HasResult && res.R0 != tc.Result {
		return nil, fmt.Errorf("JIT: r0 = %#x, want %#x", res.R0, tc.Result)
	}
	n := float64(ref.Insns)
	return &benchResult{insns: ref.Insns, min: res.MinNs / n, median: res.MedianNs / n, max: res.MaxNs / n}, nil
}

// runNative runs a program record natively for 'bpfplay run --jit'
// without the verifier (--no-verify, conformance files): r1 points to
// mem (the .data file's memory, else the packet, else the context bytes)
// and r2 holds its length; there is no program context natively here.
func runNative(e *env, rec *record.In, mem []byte, seed uint64, pt *progtype.Type, asJSON bool) int {
	insns, err := nativeInsns(rec)
	if err != nil {
		return fail(e, "run --jit: %v", err)
	}
	req := &native.Request{Insns: insns, Mem: mem, Seed: seed, Maps: rec.Maps}
	start := time.Now()
	res, err := native.Run(context.Background(), req)
	rr := &load.RunResult{Engine: "native", DurationNs: time.Since(start).Nanoseconds()}
	resp := &load.Response{OK: err == nil, Run: rr}
	if err != nil {
		var f *native.Fault
		if errors.As(err, &f) {
			rr.Fault = &load.Fault{PC: f.PC, Kind: f.Kind, Msg: f.Msg}
		}
		rr.Error = "run --jit: " + err.Error()
		return printRun(e, resp, mem, asJSON)
	}
	rr.OK, rr.R0, rr.Retval, rr.DataOut = true, res.R0, uint32(res.R0), res.Mem
	if pt != nil {
		resp.ProgType = pt.Name
		rr.RetvalName = pt.ReturnName(uint64(rr.Retval))
	}
	rr.TracePipe = strings.Join(res.Output, "")
	for i, entries := range res.Maps {
		rr.Maps = append(rr.Maps, load.MapContents{Name: rec.Maps[i].Name, Type: rec.Maps[i].Type, Entries: entries})
	}
	return printRun(e, resp, mem, asJSON)
}

// nativeInsns gives the native runner the program with its map
// references as it wants them: ld_imm64 src 1 (or 2), imm = the map's
// index in the record (the record's fixups say which slots).
func nativeInsns(rec *record.In) ([]byte, error) {
	slots, err := isa.UnmarshalSlots(rec.Insns)
	if err != nil {
		return nil, err
	}
	for i, m := range rec.Maps {
		for _, fix := range [][]int{m.Fixups, m.ValueFixups} {
			for _, s := range fix {
				if s < 0 || s >= len(slots) || slots[s].Op != isa.OpLdImm64 {
					return nil, fmt.Errorf("map %s: slot %d is not an ld_imm64", m.Name, s)
				}
				slots[s].Imm = int32(i)
			}
		}
		for _, s := range m.Fixups {
			slots[s].Src = isa.Register(isa.PseudoMapFD)
		}
		for _, s := range m.ValueFixups {
			slots[s].Src = isa.Register(isa.PseudoMapValue)
		}
	}
	return isa.MarshalSlots(slots), nil
}
