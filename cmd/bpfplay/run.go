package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/bpfplay/bpfplay/core/helpers"
	"github.com/bpfplay/bpfplay/core/interp"
	"github.com/bpfplay/bpfplay/core/interp/testrun"
	"github.com/bpfplay/bpfplay/core/load"
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/progtype"
	"github.com/bpfplay/bpfplay/core/record"
)

func init() {
	register(&command{
		name:    "run",
		args:    "[--prog-type T] [--data HEX | --data-file F] [--ctx HEX] [--map NAME=SPEC]... [--program NAME | --section NAME] [--no-verify] [--trace] [--jit] [--json] FILE|-",
		summary: "load a program as Linux 6.1 would (verifier first) and run it on a packet or context",
		help: `Loads the program as bpf(BPF_PROG_LOAD) would — the verifier checks it
first — and runs it as BPF_PROG_TEST_RUN would: the context is built from
the packet (--data) and the context struct (--ctx) by the program type's
rules (see docs/interp.md). Prints r0 with its meaning for the program type
(XDP_DROP, TC_ACT_OK ...), what bpf_trace_printk wrote (trace_pipe), the
packet when the program changed it, ring buffer and perf records, and the
maps after the run.

FILE is anything bpfplay reads (see 'bpfplay help verify' and docs/cli.md):
kernel/llvm assembly, a clang-built ELF object (--program/--section picks a
program; its section gives the program type), classic BPF (tcpdump -d/-dd/
-ddd, iptables bytecode; bpf_asm text with --dialect cbpf) which runs as a
socket filter on the packet, raw instructions (bytes, or hex text), or a
bpf_conformance .data file. A .data file runs as the conformance suite runs
it — its mem section in r1 (address) and r2 (length), without the verifier —
unless --data or --ctx is given.

Maps named in assembly (r1 = map[counts] ll) are defined with --map
NAME=TYPE:KEY_SIZE:VALUE_SIZE:MAX_ENTRIES[:FLAGS], e.g. --map counts=hash:4:8:16
(verify's NAME=TYPE,key=K,value=V,entries=N works too); raw instructions
refer to map N (ld_imm64 src 1, imm N), the N-th --map.

--no-verify skips the verifier, as Linux's test_bpf module does: the program
runs as written, also for types BPF_PROG_TEST_RUN does not support (kprobe
on a pt_regs from --ctx ...).

--jit runs the JIT's x86-64 code natively (linux/amd64, in a sandboxed
child process; docs/jit.md). A verified program runs as the kernel runs it:
its xlated form on a kernel-layout context (struct sk_buff, xdp_buff ...)
built from --data and --ctx. With --no-verify, or for a .data file, the
program runs as written with r1/r2 holding raw memory: the .data file's
mem, else --data, else --ctx (no context: a program that reads one sees
the bytes). Classic BPF runs as a classic socket filter, without the JIT.

Exit status: 0 when the program ran to exit; 1 when the verifier rejected it
(the kernel's error line is printed), the run faulted (the message names the
pc) or the kernel would refuse the test run (ENOTSUPP, EINVAL ...); 2 for a
bad command line.`,
		setup: func(fs *flag.FlagSet) func(*env, []string) int {
			var inf inputFlags
			inf.register(fs, "dialect")
			fs.BoolVar(&inf.hex, "hex", false, "read instructions as hex text (detected without it)")
			fs.Var(&inf.maps, "map", "NAME=TYPE:KEY_SIZE:VALUE_SIZE:MAX_ENTRIES[:FLAGS] (repeatable)")
			progType := fs.String("prog-type", "", "program type, the kernel's name without BPF_PROG_TYPE_ (default: the ELF section's, else socket_filter)")
			data := fs.String("data", "", "packet bytes, hex")
			dataFile := fs.String("data-file", "", "file holding the packet bytes")
			ctxHex := fs.String("ctx", "", "context struct bytes (uapi layout), hex")
			noVerify := fs.Bool("no-verify", false, "run without the verifier (as Linux's test_bpf module)")
			trace := fs.Bool("trace", false, "print every executed instruction's changes")
			traceMax := fs.Int("trace-max", 10000, "most trace steps to keep (at most 10000 for a verified run)")
			budget := fs.Int64("budget", interp.DefaultBudget, "instruction budget")
			seed := fs.Uint64("seed", 1, "seed of bpf_get_prandom_u32")
			repeat := fs.Int("repeat", 1, "run this many times on the same context, as test_run.repeat (maps carry over)")
			jsonOut := fs.Bool("json", false, "print the result as JSON (core/load's response, docs/api.md)")
			useJIT := fs.Bool("jit", false, "run natively as x86-64 code from the JIT")
			return func(e *env, args []string) int {
				if len(args) != 1 {
					return usageError(e, "run", "want exactly one program file (or - for standard input)")
				}
				if *progType != "" {
					if _, ok := progtype.Lookup(*progType); !ok {
						return usageError(e, "run", "unknown program type %q", *progType)
					}
				}
				ro := &load.RunOptions{Budget: *budget, Trace: *trace, Seed: *seed, Repeat: *repeat}
				var err error
				if *data != "" {
					if ro.Data, err = record.ParseHex(strings.TrimPrefix(*data, "0x")); err != nil {
						return usageError(e, "run", "--data: %v", err)
					}
				}
				if *dataFile != "" {
					if *data != "" {
						return usageError(e, "run", "give the packet with --data or --data-file, not both")
					}
					if ro.Data, err = os.ReadFile(*dataFile); err != nil {
						return fail(e, "%v", err)
					}
				}
				if *ctxHex != "" {
					if ro.Ctx, err = record.ParseHex(strings.TrimPrefix(*ctxHex, "0x")); err != nil {
						return usageError(e, "run", "--ctx: %v", err)
					}
				}
				in, err := readProgram(e, args[0], &inf)
				if err != nil {
					return inputFail(e, "run", args[0], err)
				}
				o := &runOpts{progType: *progType, run: ro, traceMax: *traceMax, jit: *useJIT, json: *jsonOut}
				switch {
				case in.kind == kindData && ro.Data == nil && ro.Ctx == nil:
					return runConformance(e, in, o)
				case *noVerify && in.kind != kindCBPF:
					return runUnverified(e, in, o)
				}
				return runLoaded(e, in, o)
			}
		},
	})
}

// runOpts are the run command's options after parsing.
type runOpts struct {
	progType string
	run      *load.RunOptions
	traceMax int
	jit      bool
	json     bool
}

// runLoaded is the default path: core/load verifies the program as the
// kernel would and runs it (interpreter, classic VM, or natively).
func runLoaded(e *env, in *input, o *runOpts) int {
	src, ms, err := in.source()
	if err != nil {
		return inputFail(e, "run", in.path, err)
	}
	req := &load.Request{Source: src, Maps: ms, ProgType: o.progType, Run: o.run}
	if o.jit {
		req.Run.Engine = "native"
	}
	resp := load.Load(context.Background(), req)
	if resp.Run == nil && o.json {
		// Rejected or not loadable: the response says why (verifier
		// error and log, diagnostics), for scripts as for people.
		writeRunJSON(e, resp, false)
		return exitBad
	}
	if resp.Verifier != nil && !resp.Verifier.Accepted {
		return runRejected(e, "run", "runs the program", in, resp)
	}
	if resp.Run == nil {
		printDiags(e, in.path, resp.Diagnostics)
		return exitBad
	}
	var warnings []load.Diagnostic
	for _, d := range resp.Diagnostics {
		if d.Severity == "warning" {
			warnings = append(warnings, d)
		}
	}
	printDiags(e, in.path, warnings)
	if rr := resp.Run; o.traceMax >= 0 && len(rr.Trace) > o.traceMax {
		rr.Trace, rr.Truncated = rr.Trace[:o.traceMax], true
	}
	return printRun(e, resp, o.run.Data, o.json)
}

// runRejected explains a verifier rejection the way the kernel would
// (its error line) and says how to see more or run anyway.
func runRejected(e *env, cmd, noVerify string, in *input, resp *load.Response) int {
	v := resp.Verifier
	where := ""
	if v.ErrorPC != nil {
		where = fmt.Sprintf(" at pc %d", *v.ErrorPC)
		for _, d := range resp.Diagnostics {
			if d.Stage == "verify" && d.Line > 0 {
				where = fmt.Sprintf(" at pc %d (%s:%d)", *v.ErrorPC, displayName(in.path), d.Line)
			}
		}
		if c := cSourceAt(resp, *v.ErrorPC); c != "" {
			where += " " + c
		}
	}
	fmt.Fprintf(e.stderr, "bpfplay %s: the verifier rejected the program%s (bpf(BPF_PROG_LOAD) fails with %s):\n  %s\n",
		cmd, where, errnoText(v.Errno), v.Error)
	fmt.Fprintf(e.stderr, "'bpfplay verify %s' prints the whole log; --no-verify %s without the verifier\n", in.path, noVerify)
	return exitBad
}

func cSourceAt(resp *load.Response, pc int) string {
	c := ""
	for _, l := range resp.Listing {
		if l.PC > pc {
			break
		}
		if l.CSource != "" {
			c = l.CSource
		}
	}
	return c
}

// errnoText names the errnos bpf(2) returns for a rejected load.
func errnoText(errno int) string {
	names := map[int]string{1: "EPERM", 7: "E2BIG", 13: "EACCES", 14: "EFAULT", 22: "EINVAL", 524: "ENOTSUPP"}
	if n, ok := names[errno]; ok {
		return fmt.Sprintf("%s (%d)", n, errno)
	}
	return fmt.Sprintf("errno %d", errno)
}

// runUnverified runs the program as written (--no-verify): the
// interpreter on the program type's context, or natively with --jit.
func runUnverified(e *env, in *input, o *runOpts) int {
	rec, err := in.record(o.progType)
	if err != nil {
		return inputFail(e, "run", in.path, err)
	}
	pt, ok := progtype.Lookup(rec.ProgType)
	if !ok {
		return usageError(e, "run", "unknown program type %q", rec.ProgType)
	}
	if o.jit {
		mem := o.run.Data
		if mem == nil {
			mem = o.run.Ctx
		}
		return runNative(e, rec, mem, o.run.Seed, pt, o.json)
	}
	p, ms, err := testrun.Prepare(rec)
	if err != nil {
		return fail(e, "%s: %v", displayName(in.path), err)
	}
	ctx, err := progtype.NewRun(pt, progtype.Input{Data: o.run.Data, Ctx: o.run.Ctx})
	if err != nil {
		return fail(e, "context: %v", err)
	}
	resp := &load.Response{OK: true, ProgType: pt.Name}
	st := helpers.NewState(o.run.Seed) // carries over between repetitions, as the clock and maps do
	for i := 0; i < max(o.run.Repeat, 1); i++ {
		runInterp(resp, p, ms, rec.Maps, &interp.Env{Ctx: ctx, Budget: o.run.Budget}, st, o, i == 0)
		if !resp.Run.OK {
			break
		}
	}
	resp.Run.RetvalName = pt.ReturnName(uint64(resp.Run.Retval))
	if resp.Run.OK {
		resp.Run.DataOut = ctx.DataOut()
	}
	return printRun(e, resp, o.run.Data, o.json)
}

// runConformance runs a conformance test file as the suite does: mem in
// r1/r2, no verifier, no program context.
func runConformance(e *env, in *input, o *runOpts) int {
	rec, err := in.record(o.progType)
	if err != nil {
		return inputFail(e, "run", in.path, err)
	}
	if o.jit {
		return runNative(e, rec, in.test.Mem, o.run.Seed, nil, o.json)
	}
	p, ms, err := testrun.Prepare(rec)
	if err != nil {
		return fail(e, "%s: %v", displayName(in.path), err)
	}
	resp := &load.Response{OK: true}
	env := &interp.Env{Budget: o.run.Budget}
	if in.test.Mem != nil {
		env.Mem = append([]byte(nil), in.test.Mem...)
	}
	runInterp(resp, p, ms, rec.Maps, env, helpers.NewState(o.run.Seed), o, true)
	if resp.Run.OK && len(env.Mem) > 0 {
		resp.Run.DataOut = env.Mem
	}
	code := printRun(e, resp, in.test.Mem, o.json)
	if t := in.test; code == exitOK && t.HasResult && !o.json {
		verdict := "as expected"
		if resp.Run.R0 != t.Result {
			verdict = "DIFFERENT from r0"
		}
		fmt.Fprintf(e.stdout, "the .data file expects %#x: %s\n", t.Result, verdict)
	}
	return code
}

// runInterp runs p once in env and fills resp.Run in core/load's shape.
// Repetitions share st (the clock, trace_pipe); the trace is the
// first one's.
func runInterp(resp *load.Response, p *interp.Program, ms []maps.Map, defs []record.Map, env *interp.Env, st *helpers.State, o *runOpts, first bool) {
	env.State = st
	if first && o.run.Trace {
		env.Trace = o.traceMax
	}
	start := time.Now()
	res := p.Run(env)
	rr := &load.RunResult{Engine: "interpreter", DurationNs: time.Since(start).Nanoseconds(),
		OK: res.Fault == nil, R0: res.R0, Retval: uint32(res.R0), Insns: res.Insns}
	if prev := resp.Run; prev != nil && !first {
		rr.Trace, rr.Truncated = prev.Trace, prev.Truncated
	} else {
		rr.Trace, rr.Truncated = res.Trace, res.TraceTruncated
	}
	if f := res.Fault; f != nil {
		rr.Fault = &load.Fault{PC: f.PC, Kind: f.Kind.String(), Msg: f.Msg, Addr: f.Addr}
		rr.Error = f.Error()
		resp.OK = false
	}
	rr.TracePipe = st.TracePipe.String()
	for i, m := range ms {
		mc := load.MapContents{Name: defs[i].Name, Type: defs[i].Type, Entries: maps.Dump(m)}
		rr.Maps = append(rr.Maps, mc)
		switch m := m.(type) {
		case *maps.RingBufMap:
			for _, r := range m.Records {
				if !r.Discarded {
					rr.Output = append(rr.Output, load.OutputRecord{Map: defs[i].Name, Kind: "ringbuf", Data: r.Data})
				}
			}
		case *maps.PerfEventArrayMap:
			for _, r := range m.Records {
				rr.Output = append(rr.Output, load.OutputRecord{Map: defs[i].Name, Kind: "perf", Data: r.Data})
			}
		}
	}
	resp.Run = rr
}

// printRun prints a run's outcome (text or JSON) and returns the exit
// status: 0 when the program ran to exit.
//
// The text form prints data_out only when it differs from dataIn (the
// packet or memory given): the kernel pads a short packet, and most
// programs do not write it.
func printRun(e *env, resp *load.Response, dataIn []byte, asJSON bool) int {
	rr := resp.Run
	if asJSON {
		writeRunJSON(e, resp, true)
	} else {
		for _, s := range rr.Trace {
			fmt.Fprintf(e.stdout, "%5d:", s.PC)
			for _, r := range s.Regs {
				fmt.Fprintf(e.stdout, " r%d=%#x", r.Reg, r.Value)
			}
			for _, m := range s.Mem {
				fmt.Fprintf(e.stdout, " [%s+%d]=%x", m.Region, m.Off, m.Data)
			}
			fmt.Fprintln(e.stdout)
		}
		if rr.Truncated {
			fmt.Fprintln(e.stdout, "(trace truncated)")
		}
		if tp := strings.TrimRight(rr.TracePipe, "\n"); tp != "" {
			fmt.Fprintln(e.stdout, "trace_pipe:")
			for _, l := range strings.Split(tp, "\n") {
				fmt.Fprintf(e.stdout, "  %s\n", l)
			}
		}
		if rr.OK {
			name := ""
			if rr.RetvalName != "" {
				name = " (" + rr.RetvalName + ")"
			}
			fmt.Fprintf(e.stdout, "r0 = %#x (%d)%s\n", rr.R0, int64(rr.R0), name)
		}
		switch {
		case rr.Engine == "native":
			fmt.Fprintln(e.stdout, "ran natively (x86-64 code from the JIT)")
		case rr.Engine == "classic":
			fmt.Fprintln(e.stdout, "ran as a classic socket filter (the return value is the number of bytes kept)")
		case rr.Insns > 0:
			fmt.Fprintf(e.stdout, "%d instructions executed\n", rr.Insns)
		}
		if len(rr.DataOut) > 0 && !bytes.Equal(rr.DataOut, dataIn) && !(len(dataIn) == 0 && allZero(rr.DataOut)) {
			fmt.Fprintf(e.stdout, "data_out: %x (not the packet given)\n", []byte(rr.DataOut))
		}
		for _, o := range rr.Output {
			fmt.Fprintf(e.stdout, "%s %s: %x\n", o.Kind, o.Map, []byte(o.Data))
		}
		for _, m := range rr.Maps {
			fmt.Fprintf(e.stdout, "map %s (%s): %d entries\n", m.Name, m.Type, len(m.Entries))
			for _, en := range m.Entries {
				fmt.Fprintf(e.stdout, "  %x: %x\n", []byte(en.Key), []byte(en.Value))
			}
		}
	}
	if !rr.OK {
		msg := rr.Error
		if msg == "" {
			msg = fmt.Sprintf("errno %d", rr.Errno)
		}
		if rr.Errno == 524 && resp.ProgType != "" {
			msg += fmt.Sprintf(": Linux 6.1 cannot test-run %s programs (BPF_PROG_TEST_RUN); --no-verify runs it in bpfplay's interpreter anyway", resp.ProgType)
		}
		fmt.Fprintf(e.stderr, "bpfplay run: %s\n", msg)
		return exitBad
	}
	return exitOK
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// writeRunJSON prints core/load's response without the parts a run's
// reader does not need (listings, per-instruction states); the log only
// when the program did not run (it says why).
func writeRunJSON(e *env, resp *load.Response, ran bool) {
	out := *resp
	out.Listing, out.Xlated = nil, nil
	if out.Verifier != nil {
		v := *out.Verifier
		v.States = nil
		if ran {
			v.Log = ""
		}
		out.Verifier = &v
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	enc.Encode(&out)
}
