package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/interp"
)

func init() {
	register(&command{
		name:    "conformance",
		args:    "[-v] [--jit] [DIR|FILE.data]...",
		summary: "run bpf_conformance .data tests in the interpreter",
		help: `Runs every .data file (the bpf_conformance format) in the given
directories (default: testdata/conformance/tests) and compares r0 with the
file's "-- result". A file with an "-- error" section passes when its program
is refused (the negative tests). Ends with a line "N passed, M failed"; the
exit status is 1 when anything failed. With --jit the programs run natively
as x86-64 machine code from bpfplay's JIT (linux/amd64; see docs/jit.md).`,
		setup: func(fs *flag.FlagSet) func(*env, []string) int {
			verbose := fs.Bool("v", false, "print every test, not only failures")
			useJIT := fs.Bool("jit", false, "run natively under the JIT instead of the interpreter")
			return func(e *env, args []string) int {
				if len(args) == 0 {
					args = []string{"testdata/conformance/tests"}
				}
				var files []string
				for _, a := range args {
					st, err := os.Stat(a)
					if err != nil {
						return fail(e, "%v", err)
					}
					if !st.IsDir() {
						files = append(files, a)
						continue
					}
					m, _ := filepath.Glob(filepath.Join(a, "*.data"))
					files = append(files, m...)
				}
				sort.Strings(files)
				passed, failed := 0, 0
				var jitMsgs []string
				if *useJIT {
					jitMsgs = conformanceNative(files)
				}
				for i, f := range files {
					var msg string
					if *useJIT {
						msg = jitMsgs[i]
					} else {
						msg = runConformanceFile(f)
					}
					if msg == "" {
						passed++
						if *verbose {
							fmt.Fprintf(e.stdout, "PASS %s\n", f)
						}
						continue
					}
					failed++
					fmt.Fprintf(e.stdout, "FAIL %s: %s\n", f, msg)
				}
				fmt.Fprintf(e.stdout, "%d passed, %d failed\n", passed, failed)
				if failed > 0 {
					return exitBad
				}
				return exitOK
			}
		},
	})
}

// runConformanceFile returns "" when the test passes, else why not.
func runConformanceFile(path string) string {
	src, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	tc, err := conformance.ParseData(string(src))
	if err != nil {
		if strings.Contains(string(src), "-- error") {
			return ""
		}
		return err.Error()
	}
	prog, err := tc.Program()
	if err != nil {
		if tc.HasError {
			return ""
		}
		return err.Error()
	}
	p, err := interp.Compile(prog, nil)
	if err != nil {
		if tc.HasError {
			return ""
		}
		return err.Error()
	}
	var mem []byte
	if tc.Mem != nil {
		mem = append([]byte{}, tc.Mem...)
	}
	res := p.Run(&interp.Env{Mem: mem})
	if res.Fault != nil {
		if tc.HasError {
			return ""
		}
		return res.Fault.Error()
	}
	if tc.HasError {
		return fmt.Sprintf("ran (r0 = %#x) but an error was expected: %q", res.R0, tc.Error)
	}
	if !tc.HasResult {
		return "no -- result section"
	}
	if res.R0 != tc.Result {
		return fmt.Sprintf("r0 = %#x, want %#x", res.R0, tc.Result)
	}
	return ""
}
