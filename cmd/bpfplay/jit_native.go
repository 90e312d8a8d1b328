package main

// The --jit paths of run, conformance and bench: the same inputs as the
// interpreter paths, executed natively by jit/native (linux/amd64 with
// cgo; elsewhere they report that native execution is unavailable).

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/interp"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/maps"
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
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	tc, err := conformance.ParseData(string(src))
	if err != nil {
		return nil, err
	}
	prog, err := tc.Program()
	if err != nil {
		return nil, err
	}
	ip, err := interp.Compile(prog, nil)
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

// runNative runs an assembled program natively for `bpfplay run --jit`:
// r1 points to mem (the packet, or the conformance file's memory) and r2
// holds its length; there is no program context model natively yet.
func runNative(e *env, prog isa.Program, mem []byte, specs []*maps.Spec, names []string, seed uint64, asJSON bool) int {
	req := &native.Request{Insns: prog.Encode(), Mem: mem, Seed: seed}
	for _, s := range specs {
		req.Maps = append(req.Maps, record.Map{Type: s.Type.String(), KeySize: s.KeySize, ValueSize: s.ValueSize,
			MaxEntries: s.MaxEntries, Flags: s.Flags, Name: s.Name})
	}
	res, err := native.Run(context.Background(), req)
	if err != nil {
		return fail(e, "run --jit: %v", err)
	}
	if asJSON {
		out := map[string]any{"ok": true, "engine": "native", "r0": res.R0, "retval": uint32(res.R0),
			"mem": record.Hex(res.Mem), "output": res.Output, "code_size": res.CodeSize}
		var ms []mapJSON
		for i, entries := range res.Maps {
			ms = append(ms, mapJSON{Name: names[i], Type: req.Maps[i].Type, Entries: entries})
		}
		out["maps"] = ms
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", " ")
		enc.Encode(out)
		return exitOK
	}
	for _, l := range res.Output {
		fmt.Fprintf(e.stdout, "trace_printk: %s\n", strings.TrimSuffix(l, "\n"))
	}
	fmt.Fprintf(e.stdout, "r0 = %#x (%d)\n", res.R0, int64(res.R0))
	fmt.Fprintf(e.stdout, "ran natively: %d bytes of x86-64 code\n", res.CodeSize)
	if len(res.Mem) > 0 {
		fmt.Fprintf(e.stdout, "mem: %x\n", res.Mem)
	}
	for i, entries := range res.Maps {
		fmt.Fprintf(e.stdout, "map %s (%s): %d entries\n", names[i], req.Maps[i].Type, len(entries))
		for _, en := range entries {
			fmt.Fprintf(e.stdout, "  %x: %x\n", []byte(en.Key), []byte(en.Value))
		}
	}
	return exitOK
}
