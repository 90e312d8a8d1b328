package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"sort"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/cbpf"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/load"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/jit"
	"github.com/bpfplay/bpfplay/jit/ksyms"
	"github.com/bpfplay/bpfplay/jit/vectors"
)

func init() {
	register(&command{
		name:    "jit",
		args:    "[--intel] [--prog-type T] [--map NAME=TYPE:K:V:N]... [--no-verify] [--dialect kernel|conformance|cbpf|raw|elf|xlated] [--program NAME | --section NAME] [--stack N] [--json] FILE|-  |  --vectors FILE [--forms]",
		summary: "show the x86-64 machine code Linux 6.1's JIT emits, or check JIT test vectors",
		help: `Compiles the program with bpfplay's x86-64 JIT, which emits exactly what
Linux 6.1's JIT emits (qemu64 CPU: no BMI2, no endbr64, "leave; ret; int3"),
and prints the machine code disassembled, under each eBPF instruction.
Helper calls, maps and thunks are named after the reference kernel's
symbols (6.1.0-56-amd64 without KASLR).

FILE is anything bpfplay reads (docs/cli.md): kernel/llvm assembly (the
default), a clang-built ELF object (--program/--section picks the program;
its C source lines are printed above the instructions), a conformance .data
file or conformance text (--dialect conformance), raw instructions (bytes,
or hex text; helper calls by number), classic BPF (compiled as the eBPF
Linux converts it to, as for a socket filter), or an xlated program as the
kernel reports it (--dialect xlated: hex; helper calls as address -
__bpf_call_base, bpf-to-bpf calls with the target in off).

An eBPF program is first loaded as the kernel would (--prog-type, --map as
for run; an ELF object brings its maps): the verifier must accept it, and what is compiled is its
xlated program (context accesses converted, helper calls fixed up, map
lookups inlined...), so the bytes are the kernel's; each instruction shown
is an xlated one. --no-verify compiles the program as given instead: the
stack size comes from its r10-relative accesses (--stack overrides it),
and nothing is rewritten. Classic BPF and xlated input are compiled as
given (they are already what the kernel JITs).

--vectors FILE checks a file of JIT test vectors (testdata/jit-vectors's
format, optionally gzipped): every record's program is compiled at its image
address and compared with the kernel's bytes outside the masked ranges. Each
difference is printed with its first differing offset and both disassemblies;
the last line is "N matched, M differ", and the exit status is 1 when any
differ. --forms adds the distinct x86 instruction forms of the matched images.`,
		setup: func(fs *flag.FlagSet) func(*env, []string) int {
			intel := fs.Bool("intel", false, "Intel syntax (default AT&T)")
			inf := inputFlags{xlated: true}
			inf.register(fs, "dialect")
			asJSON := fs.Bool("json", false, "print the image and listing as JSON")
			stack := fs.Int("stack", -1, "stack depth of the main function in bytes (default: from the program's accesses)")
			vecs := fs.String("vectors", "", "check a JIT test vectors file instead")
			progType := fs.String("prog-type", "", "program type, the kernel's name without BPF_PROG_TYPE_ (default: the ELF section's, else socket_filter)")
			noVerify := fs.Bool("no-verify", false, "compile the program as written, without the verifier and its rewrites")
			fs.Var(&inf.maps, "map", "NAME=TYPE:KEY_SIZE:VALUE_SIZE:MAX_ENTRIES[:FLAGS] (repeatable)")
			forms := fs.Bool("forms", false, "with --vectors: count the distinct x86 instruction forms covered")
			return func(e *env, args []string) int {
				syn := jit.ATT
				if *intel {
					syn = jit.Intel
				}
				if *vecs != "" {
					if len(args) != 0 {
						return usageError(e, "jit", "--vectors takes no program file")
					}
					return checkVectors(e, *vecs, syn, *forms)
				}
				if len(args) != 1 {
					return usageError(e, "jit", "want exactly one program file (or - for standard input)")
				}
				in, err := readProgram(e, args[0], &inf)
				if err != nil {
					return inputFail(e, "jit", args[0], err)
				}
				v, err := in.program()
				if err != nil {
					return inputFail(e, "jit", args[0], err)
				}
				if !*noVerify && v.conv == nil && !v.xlated {
					return jitVerified(e, in, *progType, *intel, *asJSON)
				}
				prog := v.prog
				var disp *jit.Display
				if v.conv != nil {
					disp, err = compileClassic(v.conv, *stack, syn)
				} else {
					o := jit.DisplayOptions{Xlated: v.xlated, MapNames: v.mapNames, Syntax: syn}
					if *stack >= 0 {
						o.StackDepth = []int{*stack}
					}
					disp, err = jit.CompileForDisplay(prog, o)
					if !v.xlated {
						prog = jit.XlatedCalls(prog)
					}
				}
				if err != nil {
					return fail(e, "%s: %v", displayName(args[0]), err)
				}
				img, lines := disp.Image, disp.Listing
				if *asJSON {
					enc := json.NewEncoder(e.stdout)
					enc.SetIndent("", " ")
					enc.Encode(jitJSON{Code: img.Code, FuncLens: img.FuncLens(), Funcs: img.Funcs,
						InsnOffsets: img.InsnOffsets, Listing: lines, Passes: img.Passes})
					return exitOK
				}
				printListing(e, v, prog, img, lines)
				return exitOK
			}
		},
	})
}

type jitJSON struct {
	Code        record.Hex `json:"code"`
	FuncLens    []int      `json:"func_lens"`
	Funcs       []jit.Func `json:"funcs"`
	InsnOffsets []int      `json:"insn_offsets"`
	Listing     []jit.Line `json:"listing"`
	Passes      int        `json:"passes"`
}

// compileClassic compiles a converted classic program as Linux 6.1 does
// when a socket filter is attached: the eBPF of bpf_convert_filter, whose
// calls go to kernel functions (imm = address - __bpf_call_base), with
// the conversion's stack depth and no tail-call patch site.
func compileClassic(c *cbpf.Converted, stack int, syn jit.Syntax) (*jit.Display, error) {
	depth := c.StackDepth
	if stack >= 0 {
		depth = stack
	}
	img, err := jit.Compile(c.Insns, jit.Options{FromClassic: true, StackDepth: []int{depth}})
	if err != nil {
		return nil, err
	}
	namer := func(r jit.Reloc) string {
		if n, ok := ksyms.Name(r.Target); ok {
			return n
		}
		return ""
	}
	return &jit.Display{Image: img, Listing: img.Listing(syn, namer)}, nil
}

// printListing prints each function's prologue and then every eBPF
// instruction with the x86 code it became.
// Source lines (C for an ELF object, the classic instruction for classic
// BPF) are printed as comments above the instructions they start.
func printListing(e *env, v *view, prog isa.Program, img *jit.Image, lines []jit.Line) {
	p := v.printer(kernel.Kernel)
	if v.conv != nil {
		p.CallName = classicCallName
	}
	idx := prog.SlotIndex()
	cur := -2
	fn := -1
	for _, l := range lines {
		if l.Func != fn {
			fn = l.Func
			f := img.Funcs[fn]
			fmt.Fprintf(e.stdout, "; function %d at %#x: %d bytes, stack %d\n", fn, f.Addr, f.Len, f.StackDepth)
			cur = -2
		}
		if l.Slot != cur {
			cur = l.Slot
			if l.Slot < 0 {
				fmt.Fprintf(e.stdout, "    ; prologue\n")
			} else if i := idx[l.Slot]; i >= 0 {
				for _, c := range v.comments(i) {
					fmt.Fprintf(e.stdout, "%s\n", c)
				}
				fmt.Fprintf(e.stdout, "%d: %s\n", l.Slot, p.Insn(l.Slot, prog[i]))
			}
		}
		printCodeLine(e, l)
	}
}

// printCodeLine prints one x86-64 instruction of a listing: offset,
// bytes, text, and the note when the text does not already say it.
func printCodeLine(e *env, l jit.Line) {
	note := ""
	if l.Note != "" && !strings.Contains(l.Text, l.Note) {
		note = "  ; " + l.Note
	}
	fmt.Fprintf(e.stdout, "    %4x:  %-30s %s%s\n", l.Off, spacedHex(l.Bytes), l.Text, note)
}

func spacedHex(b []byte) string {
	var s strings.Builder
	for i, x := range b {
		if i > 0 {
			s.WriteByte(' ')
		}
		fmt.Fprintf(&s, "%02x", x)
	}
	return s.String()
}

// checkVectors implements --vectors.
func checkVectors(e *env, path string, syn jit.Syntax, forms bool) int {
	vs, err := vectors.ReadFile(path)
	if err != nil {
		return fail(e, "%v", err)
	}
	seen := map[string]int{}
	matched, differ := 0, 0
	for i := range vs {
		r := vectors.Check(&vs[i], nil)
		if r.OK {
			matched++
			if forms {
				vectors.Forms(r.Got.Code, seen)
			}
			continue
		}
		differ++
		fmt.Fprint(e.stdout, vectors.Explain(&vs[i], &r, syn))
	}
	if forms {
		names := make([]string, 0, len(seen))
		for f := range seen {
			names = append(names, f)
		}
		sort.Strings(names)
		fmt.Fprintf(e.stdout, "%d distinct x86 instruction forms:\n", len(names))
		for _, f := range names {
			fmt.Fprintf(e.stdout, "  %-28s %d\n", f, seen[f])
		}
	}
	fmt.Fprintf(e.stdout, "%d matched, %d differ\n", matched, differ)
	if differ > 0 {
		return exitBad
	}
	return exitOK
}

// jitVerified loads the program through core/load as the kernel would
// and prints the JIT's code for the verifier's xlated program.
func jitVerified(e *env, in *input, progType string, intel, asJSON bool) int {
	src, ms, err := in.source()
	if err != nil {
		return inputFail(e, "jit", in.path, err)
	}
	req := &load.Request{Source: src, Maps: ms, ProgType: progType, JIT: true}
	if intel {
		req.JITSyntax = "intel"
	}
	resp := load.Load(context.Background(), req)
	if resp.Verifier != nil && !resp.Verifier.Accepted {
		return runRejected(e, "jit", "compiles the program as written", in, resp)
	}
	if resp.JIT == nil {
		printDiags(e, in.path, resp.Diagnostics)
		return exitBad
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", " ")
		enc.Encode(resp.JIT)
		return exitOK
	}
	text := map[int]string{}
	for _, l := range resp.Xlated {
		text[l.PC] = l.Text
	}
	fmt.Fprintf(e.stdout, "; %s program: %d bytes of x86-64 for %d xlated instructions\n", resp.ProgType, len(resp.JIT.Code), len(resp.Xlated))
	cur, fn := -2, -1
	for _, l := range resp.JIT.Listing {
		if l.Func != fn {
			fn = l.Func
			if fn < len(resp.JIT.FuncLens) {
				fmt.Fprintf(e.stdout, "; function %d: %d bytes\n", fn, resp.JIT.FuncLens[fn])
			}
			cur = -2
		}
		if l.Slot != cur {
			cur = l.Slot
			if l.Slot < 0 {
				fmt.Fprintf(e.stdout, "    ; prologue\n")
			} else {
				fmt.Fprintf(e.stdout, "%d: %s\n", l.Slot, text[l.Slot])
			}
		}
		printCodeLine(e, l.Line)
	}
	return exitOK
}
