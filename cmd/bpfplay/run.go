package main

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/helpers"
	"github.com/bpfplay/bpfplay/core/interp"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/progtype"
	"github.com/bpfplay/bpfplay/core/record"
)

func init() {
	register(&command{
		name:    "run",
		args:    "[--prog-type T] [--data HEX | --data-file F] [--ctx HEX] [--map NAME=SPEC]... [--trace] [--jit] FILE|-",
		summary: "run a program in the interpreter (no verifier) and print r0, output and maps",
		help: `Runs the program as BPF_PROG_TEST_RUN would, without the verifier:
the context is built from the packet (--data) and the context struct (--ctx)
by the program type's rules (see docs/interp.md). FILE is kernel-dialect
assembly (default), conformance-dialect text or a bpf_conformance .data file
(--dialect conformance; a .data file's mem becomes r1/r2), or raw
instructions (--dialect raw: bytes, or hex text).

Maps named in the assembly (r1 = map[counts] ll) are created from --map
NAME=TYPE:KEY_SIZE:VALUE_SIZE:MAX_ENTRIES[:FLAGS], e.g.
--map counts=hash:4:8:16. The exit status is 0 when the program exited, 1 on
a fault (the message names the pc).

--jit runs the program natively as bpfplay's x86-64 JIT code (linux/amd64,
in a sandboxed child process; see docs/jit.md): r1 points to the memory (the
.data file's, else --data, else --ctx) and r2 holds its length; there is no
program context model natively yet.`,
		setup: func(fs *flag.FlagSet) func(*env, []string) int {
			progType := fs.String("prog-type", "socket_filter", "program type (kernel enum name without BPF_PROG_TYPE_)")
			dialect := fs.String("dialect", "", "input: kernel, conformance or raw (default: conformance for .data files, else kernel)")
			data := fs.String("data", "", "packet bytes, hex")
			dataFile := fs.String("data-file", "", "file holding the packet bytes")
			ctxHex := fs.String("ctx", "", "context struct bytes (uapi layout), hex")
			trace := fs.Bool("trace", false, "print every executed instruction's changes")
			traceMax := fs.Int("trace-max", 10000, "most trace steps to keep")
			budget := fs.Int64("budget", interp.DefaultBudget, "instruction budget")
			seed := fs.Uint64("seed", 1, "seed of bpf_get_prandom_u32")
			jsonOut := fs.Bool("json", false, "print the result as JSON")
			useJIT := fs.Bool("jit", false, "run natively under the JIT (raw memory in r1/r2)")
			var mapSpecs []string
			fs.Func("map", "NAME=TYPE:KEY_SIZE:VALUE_SIZE:MAX_ENTRIES[:FLAGS] (repeatable)", func(s string) error {
				mapSpecs = append(mapSpecs, s)
				return nil
			})
			return func(e *env, args []string) int {
				if len(args) != 1 {
					return usageError(e, "run", "want exactly one program file (or - for standard input)")
				}
				src, err := readInput(e, args[0])
				if err != nil {
					return fail(e, "%v", err)
				}
				pt, ok := progtype.Lookup(*progType)
				if !ok {
					return usageError(e, "run", "unknown program type %q", *progType)
				}
				in := progtype.Input{}
				if *data != "" {
					if in.Data, err = record.ParseHex(*data); err != nil {
						return usageError(e, "run", "--data: %v", err)
					}
				}
				if *dataFile != "" {
					if in.Data, err = os.ReadFile(*dataFile); err != nil {
						return fail(e, "%v", err)
					}
				}
				if *ctxHex != "" {
					if in.Ctx, err = record.ParseHex(*ctxHex); err != nil {
						return usageError(e, "run", "--ctx: %v", err)
					}
				}
				d := *dialect
				if d == "" {
					d = "kernel"
					if strings.HasSuffix(args[0], ".data") || strings.Contains(string(src), "\n-- asm") || strings.HasPrefix(string(src), "-- asm") {
						d = "conformance"
					}
				}
				var prog isa.Program
				var mem []byte
				memGiven := false
				mapFDs := map[int32]maps.Map{}
				names := map[maps.Map]string{}
				var mapList []maps.Map
				var mapNames []string
				switch d {
				case "kernel", "llvm":
					l, err := kernel.Assemble(string(src))
					if err != nil {
						return failAsm(e, args[0], err)
					}
					prog = l.Program
					specs, err := parseMapSpecs(mapSpecs)
					if err != nil {
						return usageError(e, "run", "%v", err)
					}
					for i, name := range l.Maps {
						s, ok := specs[name]
						if !ok {
							return usageError(e, "run", "the program uses map %q: give it with --map %s=TYPE:KEY:VALUE:MAX", name, name)
						}
						m, err := maps.New(s)
						if err != nil {
							return fail(e, "map %s: %v", name, err)
						}
						mapFDs[int32(i)] = m
						names[m] = name
						mapList = append(mapList, m)
						mapNames = append(mapNames, name)
					}
				case "conformance":
					if strings.Contains(string(src), "-- ") {
						tc, err := conformance.ParseData(string(src))
						if err != nil {
							return failAsm(e, args[0], err)
						}
						if prog, err = tc.Program(); err != nil {
							return failAsm(e, args[0], err)
						}
						mem, memGiven = tc.Mem, tc.Mem != nil
					} else {
						l, err := conformance.Assemble(string(src))
						if err != nil {
							return failAsm(e, args[0], err)
						}
						prog = l.Program
					}
				case "raw":
					b := src
					if h, err := record.ParseHex(strings.TrimSpace(string(src))); err == nil {
						b = h
					}
					if prog, err = isa.Decode(b); err != nil {
						return fail(e, "%v", err)
					}
				default:
					return usageError(e, "run", "unknown dialect %q", d)
				}
				if *useJIT {
					var specs []*maps.Spec
					for _, m := range mapList {
						specs = append(specs, m.Spec())
					}
					nm := mem
					if !memGiven {
						if nm = in.Data; nm == nil {
							nm = in.Ctx
						}
					}
					return runNative(e, prog, nm, specs, mapNames, *seed, *jsonOut)
				}
				p, err := interp.Compile(prog, &interp.Options{Name: args[0], MapFDs: mapFDs, MapNames: names})
				if err != nil {
					return fail(e, "%v", err)
				}
				st := helpers.NewState(*seed)
				envr := &interp.Env{Budget: *budget, State: st}
				if *trace {
					envr.Trace = *traceMax
				}
				var rt *progtype.Run
				if d == "conformance" && *data == "" && *dataFile == "" && *ctxHex == "" {
					if memGiven {
						envr.Mem = append([]byte(nil), mem...)
					}
				} else {
					rt, err = progtype.NewRun(pt, in)
					if err != nil {
						return fail(e, "context: %v", err)
					}
					envr.Ctx = rt
				}
				res := p.Run(envr)
				return printRun(e, res, rt, pt, st, mapList, mapNames, p, *jsonOut)
			}
		},
	})
}

func parseMapSpecs(list []string) (map[string]*maps.Spec, error) {
	out := map[string]*maps.Spec{}
	for _, s := range list {
		name, spec, ok := strings.Cut(s, "=")
		if !ok {
			return nil, fmt.Errorf("--map %q: want NAME=TYPE:KEY_SIZE:VALUE_SIZE:MAX_ENTRIES[:FLAGS]", s)
		}
		f := strings.Split(spec, ":")
		if len(f) < 4 || len(f) > 5 {
			return nil, fmt.Errorf("--map %q: want NAME=TYPE:KEY_SIZE:VALUE_SIZE:MAX_ENTRIES[:FLAGS]", s)
		}
		t, ok := maps.TypeByName(f[0])
		if !ok {
			return nil, fmt.Errorf("--map %q: unknown map type %q", s, f[0])
		}
		var n [4]uint64
		for i := 1; i < len(f); i++ {
			v, err := strconv.ParseUint(f[i], 0, 32)
			if err != nil {
				return nil, fmt.Errorf("--map %q: %v", s, err)
			}
			n[i-1] = v
		}
		out[name] = &maps.Spec{Type: t, KeySize: uint32(n[0]), ValueSize: uint32(n[1]), MaxEntries: uint32(n[2]), Flags: uint32(n[3]), Name: name}
	}
	return out, nil
}

type runJSON struct {
	OK        bool                `json:"ok"`
	R0        uint64              `json:"r0"`
	Retval    uint32              `json:"retval"`
	Return    string              `json:"return,omitempty"`
	Insns     int64               `json:"insns_executed"`
	Fault     *interp.Fault       `json:"fault,omitempty"`
	Output    []string            `json:"output,omitempty"`
	DataOut   record.Hex          `json:"data_out,omitempty"`
	Maps      []mapJSON           `json:"maps,omitempty"`
	Trace     []interp.Step       `json:"trace,omitempty"`
	Truncated bool                `json:"trace_truncated,omitempty"`
	Ringbuf   map[string][]string `json:"ringbuf,omitempty"`
}

type mapJSON struct {
	Name    string         `json:"name"`
	Type    string         `json:"type"`
	Entries []record.Entry `json:"entries"`
}

func printRun(e *env, res *interp.Result, rt *progtype.Run, pt *progtype.Type, st *helpers.State, ms []maps.Map, names []string, p *interp.Program, asJSON bool) int {
	out := runJSON{OK: res.Fault == nil, R0: res.R0, Retval: uint32(res.R0), Insns: res.Insns, Fault: res.Fault,
		Trace: res.Trace, Truncated: res.TraceTruncated}
	if rt != nil {
		out.Return = pt.ReturnName(uint64(uint32(res.R0)))
		out.DataOut = rt.DataOut()
	}
	for _, m := range st.Messages {
		out.Output = append(out.Output, strings.TrimSuffix(m.Text, "\n"))
	}
	for i, m := range ms {
		out.Maps = append(out.Maps, mapJSON{Name: names[i], Type: m.Spec().Type.String(), Entries: maps.Dump(m)})
		if rb, ok := m.(*maps.RingBufMap); ok {
			if out.Ringbuf == nil {
				out.Ringbuf = map[string][]string{}
			}
			for _, r := range rb.Records {
				if !r.Discarded {
					out.Ringbuf[names[i]] = append(out.Ringbuf[names[i]], hex.EncodeToString(r.Data))
				}
			}
		}
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.Encode(out)
	} else {
		for _, s := range res.Trace {
			fmt.Fprintf(e.stdout, "%5d:", s.PC)
			for _, r := range s.Regs {
				fmt.Fprintf(e.stdout, " r%d=%#x", r.Reg, r.Value)
			}
			for _, m := range s.Mem {
				fmt.Fprintf(e.stdout, " [%s+%d]=%x", m.Region, m.Off, m.Data)
			}
			fmt.Fprintln(e.stdout)
		}
		if res.TraceTruncated {
			fmt.Fprintln(e.stdout, "(trace truncated)")
		}
		for _, l := range out.Output {
			fmt.Fprintf(e.stdout, "trace_printk: %s\n", l)
		}
		if res.Fault == nil {
			ret := ""
			if out.Return != "" {
				ret = " (" + out.Return + ")"
			}
			fmt.Fprintf(e.stdout, "r0 = %#x (%d)%s\n", res.R0, int64(res.R0), ret)
		}
		fmt.Fprintf(e.stdout, "%d instructions executed\n", res.Insns)
		if len(out.DataOut) > 0 {
			fmt.Fprintf(e.stdout, "data_out: %x\n", []byte(out.DataOut))
		}
		for _, m := range out.Maps {
			fmt.Fprintf(e.stdout, "map %s (%s): %d entries\n", m.Name, m.Type, len(m.Entries))
			for _, en := range m.Entries {
				fmt.Fprintf(e.stdout, "  %x: %x\n", []byte(en.Key), []byte(en.Value))
			}
		}
		for name, recs := range out.Ringbuf {
			for _, r := range recs {
				fmt.Fprintf(e.stdout, "ringbuf %s: %s\n", name, r)
			}
		}
	}
	if res.Fault != nil {
		fmt.Fprintf(e.stderr, "bpfplay: run: %v\n", res.Fault)
		return exitBad
	}
	return exitOK
}
