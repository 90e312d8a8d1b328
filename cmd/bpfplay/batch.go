package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/bpfplay/bpfplay/core/load"
	"github.com/bpfplay/bpfplay/core/record"
)

func init() {
	register(&command{
		name:    "batch",
		args:    "[--no-verify] [--jit] [-j N] [-o OUT] FILE|-",
		summary: "process JSONL program records like the kernel oracle (verify, run)",
		help: `Reads program records, one JSON object per line (docs/formats.md; the
format of the Linux corpus and of the kernel oracle), and writes one answer
per record in the same order: the verdict (ok, errno, error), the verifier
log, insns_processed, xlated, jited and jited_func_lens (the x86-64 JIT's
image of that xlated program, at the reference kernel's addresses, as the
kernel reports its own), and the test run's result when the record has
test_run. Records may be gzip-compressed. The record's maps are created
first: one the kernel would refuse (BPF_MAP_CREATE, or the update of an
initial entry) gives ok=false at stage map_create with the kernel's errno.
A record that cannot be processed (bad JSON, bad hex, unknown program type)
gets ok=false with an errno and an error message, and the batch goes on.

--no-verify runs programs without the verifier, as Linux's test_bpf module
does: ok then only says the record could be read.

--jit also runs the program natively (jit_run: the xlated program's machine
code on a kernel-layout context, as BPF_PROG_TEST_RUN runs it; linux/amd64);
with --no-verify it JITs and runs the program as written instead.

Compare the output with the kernel's answers with 'bpfplay compare'.`,
		setup: func(fs *flag.FlagSet) func(*env, []string) int {
			noVerify := fs.Bool("no-verify", false, "run without the verifier (test_bpf style)")
			jit := fs.Bool("jit", false, "also run natively (jit_run); with --no-verify, JIT the program as written")
			jobs := fs.Int("j", runtime.GOMAXPROCS(0), "records processed in parallel")
			out := fs.String("o", "-", "output file (- for standard output)")
			budget := fs.Int64("budget", 0, "instruction budget per run (0: 1,000,000)")
			quiet := fs.Bool("q", false, "no progress on standard error")
			return func(e *env, args []string) int {
				if len(args) != 1 {
					return usageError(e, "batch", "want exactly one input file (or - for standard input)")
				}
				var in io.Reader = e.stdin
				if args[0] != "-" {
					f, err := os.Open(args[0])
					if err != nil {
						return fail(e, "%v", err)
					}
					defer f.Close()
					in = f
				}
				w := e.stdout
				if *out != "-" {
					f, err := os.Create(*out)
					if err != nil {
						return fail(e, "%v", err)
					}
					defer f.Close()
					w = f
				}
				opt := load.RecordOptions{NoVerify: *noVerify, JIT: *jit, Budget: *budget}
				var progress io.Writer
				if !*quiet {
					progress = e.stderr
				}
				n, err := runBatch(context.Background(), in, w, opt, max(*jobs, 1), progress)
				if err != nil {
					return fail(e, "after %d records: %v", n, err)
				}
				return exitOK
			}
		},
	})
}

// runBatch answers every record of in, in order, processing up to jobs
// records at once. It returns the number of records written.
func runBatch(ctx context.Context, in io.Reader, out io.Writer, opt load.RecordOptions, jobs int, progress io.Writer) (int, error) {
	lines, err := recordLines(in)
	if err != nil {
		return 0, err
	}
	type job struct {
		line []byte
		res  chan *record.Out
	}
	queue := make(chan job, jobs)
	results := make(chan chan *record.Out, jobs*2)
	go func() {
		defer close(results)
		for {
			line, err := lines()
			if err == io.EOF {
				break
			}
			if err != nil {
				res := make(chan *record.Out, 1)
				res <- &record.Out{Name: "?", Errno: 22, Error: err.Error()}
				results <- res
				break
			}
			j := job{line: line, res: make(chan *record.Out, 1)}
			results <- j.res
			queue <- j
		}
		close(queue)
	}()
	for range jobs {
		go func() {
			for j := range queue {
				j.res <- processLine(ctx, j.line, opt)
			}
		}()
	}
	wr := record.NewWriter(out)
	start, last := time.Now(), time.Now()
	n, accepted := 0, 0
	for res := range results {
		o := <-res
		if err := wr.Write(o); err != nil {
			return n, err
		}
		n++
		if o.OK {
			accepted++
		}
		if progress != nil && time.Since(last) > time.Second {
			last = time.Now()
			fmt.Fprintf(progress, "\rbatch: %d records (%d ok), %.0f/s", n, accepted, float64(n)/time.Since(start).Seconds())
		}
	}
	if progress != nil {
		fmt.Fprintf(progress, "\rbatch: %d records (%d ok) in %s\n", n, accepted, time.Since(start).Round(time.Millisecond))
	}
	return n, nil
}

// processLine answers one line; it never fails.
func processLine(ctx context.Context, line []byte, opt load.RecordOptions) *record.Out {
	var in record.In
	if err := json.Unmarshal(line, &in); err != nil {
		// Salvage the name so the answer can be matched up.
		var named struct {
			Name string `json:"name"`
		}
		json.Unmarshal(line, &named)
		if named.Name == "" {
			named.Name = "?"
		}
		return &record.Out{Name: named.Name, Errno: 22, Error: "bad record: " + err.Error()}
	}
	return load.Record(ctx, &in, opt)
}

// recordLines returns an iterator over the non-blank lines of a JSONL
// stream (gzip detected by its magic). Lines can be tens of megabytes.
func recordLines(r io.Reader) (func() ([]byte, error), error) {
	br := bufio.NewReaderSize(r, 1<<20)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzipReader(br)
		if err != nil {
			return nil, err
		}
		br = bufio.NewReaderSize(gz, 1<<20)
	}
	return func() ([]byte, error) {
		for {
			line, err := br.ReadBytes('\n')
			if len(strings.TrimSpace(string(line))) > 0 {
				return line, nil
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					return nil, io.EOF
				}
				return nil, err
			}
		}
	}, nil
}
