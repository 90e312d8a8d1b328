package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/internal/compare"
)

func init() {
	register(&command{
		name:    "compare",
		args:    "[--runs-only] [--list N] [--min-verdict PCT] OUT.jsonl CORPUS.jsonl[.gz]",
		summary: "compare batch output with the kernel's recorded answers",
		help: `Pairs each record of OUT (the output of 'bpfplay batch') with the corpus
record of the same name and prints the agreement: verdict, the kernel's
error line found in our log, errno, insns_processed, xlated (addresses
aside), jited (our JIT's image of our xlated program against the kernel's
image: map addresses in movabs and call/jmp targets outside the function
aside, and BPF_F_TEST_RND_HI32's random constants), the unprivileged
verdict, and the test run (against the kernel's run, or the test's own
expected retval where the kernel was not asked); with 'batch --jit'
output, the native runs against the interpreter's and the kernel's.
Then it lists the disagreeing records by category.

Example:
  bpfplay batch testdata/corpus/verifier-dev.jsonl.gz > /tmp/out.jsonl
  bpfplay compare /tmp/out.jsonl testdata/corpus/verifier-dev.jsonl.gz

Exit code 1 when the verdict agreement is below --min-verdict.`,
		setup: func(fs *flag.FlagSet) func(*env, []string) int {
			list := fs.Int("list", 20, "names listed per category (0: all)")
			runsOnly := fs.Bool("runs-only", false, "compare test runs only (for 'batch --no-verify' output)")
			minVerdict := fs.Float64("min-verdict", 0, "fail (exit 1) below this verdict agreement, in percent")
			return func(e *env, args []string) int {
				if len(args) != 2 {
					return usageError(e, "compare", "want OUT.jsonl and CORPUS.jsonl")
				}
				f, err := compareFiles(args[0], args[1], *runsOnly)
				if err != nil {
					return fail(e, "%v", err)
				}
				f.Report(e.stdout, *list)
				if f.Verdict.Percent() < *minVerdict {
					fmt.Fprintf(e.stderr, "bpfplay compare: verdict agreement %.1f%% is below %.1f%%\n", f.Verdict.Percent(), *minVerdict)
					return exitBad
				}
				return exitOK
			}
		},
	})
}

func compareFiles(outPath, corpusPath string, runsOnly bool) (*compare.Figures, error) {
	corpus := map[string]*record.In{}
	rd, err := record.Open(corpusPath)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	for {
		in, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		corpus[in.Name] = in
	}
	ours, err := record.Open(outPath)
	if err != nil {
		return nil, err
	}
	defer ours.Close()
	f := compare.Figures{RunsOnly: runsOnly}
	for {
		raw, err := ours.NextRaw()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		var o record.Out
		if err := jsonUnmarshal(raw, &o); err != nil {
			return nil, fmt.Errorf("%s: %w", outPath, err)
		}
		in, ok := corpus[o.Name]
		if !ok {
			return nil, fmt.Errorf("%s: record %q is not in %s", outPath, o.Name, corpusPath)
		}
		f.Add(&o, in)
	}
	return &f, nil
}
