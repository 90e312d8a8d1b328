package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/core/verifier"
)

// mapFlags collects --map definitions.
type mapFlags []record.Map

func (m *mapFlags) String() string { return fmt.Sprint(len(*m), " maps") }

// Set parses one --map definition (parseMapSpec: either spelling).
func (m *mapFlags) Set(s string) error {
	rm, err := parseMapSpec(s)
	if err != nil {
		return err
	}
	*m = append(*m, rm)
	return nil
}

func init() {
	register(&command{
		name:    "verify",
		args:    "[--prog-type T] [--attach-type A] [--log-level 1|2] [--unpriv] [--strict-alignment] [--xlated] [--map NAME=TYPE,key=K,value=V,entries=N]... [--hex] [--dialect D] [--program NAME | --section NAME] [--record NAME] FILE|-",
		summary: "check a program as Linux 6.1's verifier does",
		help: `Loads the program the way bpf(BPF_PROG_LOAD) would on Linux 6.1 and prints the
verifier's log (the kernel's text, with its statistics) on standard output.
Exits 0 when the program is accepted, 1 when it is rejected.

FILE is kernel-dialect assembly (what 'bpfplay asm' reads), a clang-built
ELF object (--program FUNCTION or --section NAME picks the program; its
section gives the program type; without a choice, an object with several
programs lists them and exits 2), raw instruction bytes or hex text
(detected; --hex forces hex), a bpf_conformance .data file or conformance
text (--dialect conformance), classic BPF (tcpdump -d/-dd/-ddd, iptables
bytecode; bpf_asm text with --dialect cbpf: checked as Linux checks classic
programs, which never meet the eBPF verifier), or a JSONL program record
file (.jsonl, .jsonl.gz, as 'bpfplay batch' reads; --record NAME picks one
record, else the first) which brings its own program type, maps and flags.

  --prog-type T        socket_filter (default), xdp, sched_cls, kprobe, ...
  --attach-type A      expected attach type (cgroup_inet4_connect, ...)
  --log-level 1|2      1: the path that failed (default); 2: every instruction
  --unpriv             load as a user without CAP_BPF/CAP_SYS_ADMIN
  --strict-alignment   BPF_F_STRICT_ALIGNMENT
  --xlated             also print the program the kernel runs (the xlated
                       program) in the log's syntax: maps by id, calls of
                       kernel functions by their immediate (unknown#N)
  --map NAME=TYPE,...  define a map the text names with map[NAME]
                       (e.g. --map counts=hash,key=4,value=8,entries=16)`,
		setup: func(fs *flag.FlagSet) func(*env, []string) int {
			progType := fs.String("prog-type", "", "program type (default socket_filter)")
			attach := fs.String("attach-type", "", "expected attach type")
			logLevel := fs.Int("log-level", 1, "verifier log level: 1 or 2")
			unpriv := fs.Bool("unpriv", false, "load as an unprivileged user")
			strict := fs.Bool("strict-alignment", false, "BPF_F_STRICT_ALIGNMENT")
			xlated := fs.Bool("xlated", false, "print the xlated program after the log")
			hexIn := fs.Bool("hex", false, "read hex text instead of raw bytes")
			recName := fs.String("record", "", "name of the record to verify in a JSONL file")
			var maps mapFlags
			fs.Var(&maps, "map", "map definition NAME=TYPE,key=K,value=V,entries=N[,flags=F] (repeatable)")
			var inf inputFlags
			inf.register(fs, "dialect")
			return func(e *env, args []string) int {
				if len(args) != 1 {
					return usageError(e, "verify", "want exactly one input file (or - for standard input)")
				}
				if *logLevel != 1 && *logLevel != 2 {
					return usageError(e, "verify", "--log-level must be 1 or 2")
				}
				inf.hex, inf.maps = *hexIn, maps
				in, src, err := verifyInput(e, args[0], *recName, &inf)
				if err != nil {
					return inputFail(e, "verify", args[0], err)
				}
				if in == nil {
					return verifyClassic(e, src)
				}
				if *progType != "" {
					in.ProgType = *progType
				}
				if in.ProgType == "" {
					in.ProgType = "socket_filter"
				}
				if *attach != "" {
					in.ExpectedAttachType = *attach
				}
				if *strict {
					in.ProgFlags |= 1
				}
				slots, opts, err := verifier.FromRecord(in, *unpriv)
				if err != nil {
					return fail(e, "%v", err)
				}
				opts.LogLevel = *logLevel
				opts.NoStates = true
				res := verifier.VerifySlots(slots, opts)
				fmt.Fprint(e.stdout, res.Log)
				if !res.Accepted {
					fmt.Fprintf(e.stderr, "bpfplay verify: rejected (errno %d)\n", res.Errno)
					sourceNote(e, src, res.ErrorPC)
					return exitBad
				}
				if *xlated {
					printXlated(e.stdout, res.Xlated)
				}
				return exitOK
			}
		},
	})
}

// verifyInput reads FILE as a JSONL record, or through the input layer
// (input.go) as any program bpfplay reads. Classic BPF comes back as its
// input only (no record): Linux checks it without the eBPF verifier.
func verifyInput(e *env, path string, recName string, f *inputFlags) (*record.In, *input, error) {
	if strings.HasSuffix(path, ".jsonl") || strings.HasSuffix(path, ".jsonl.gz") || recName != "" {
		recs, err := record.ReadAll(path)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range recs {
			if recName == "" || r.Name == recName {
				return r, nil, nil
			}
		}
		return nil, nil, fmt.Errorf("%s: no record named %q", path, recName)
	}
	src, err := readProgram(e, path, f)
	if err != nil || src.kind == kindCBPF {
		return nil, src, err
	}
	in, err := src.record("")
	return in, src, err
}

// printXlated prints a program as bpftool prog dump xlated does.
func printXlated(w io.Writer, slots []isa.Slot) {
	prog, err := isa.Pair(slots)
	if err != nil {
		fmt.Fprintf(w, "xlated: %v\n", err)
		return
	}
	p := &kernel.Printer{Style: kernel.Linux61}
	for i, pc := range prog.PCs() {
		fmt.Fprintf(w, "%4d: %s\n", pc, p.Insn(pc, prog[i]))
	}
}
