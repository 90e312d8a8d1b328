// Command bpfplay is the eBPF playground's command line: assemble and
// disassemble, verify like Linux 6.1, run on a packet, show the JIT's
// machine code, convert classic BPF, process JSONL batches, and serve the
// web playground.
//
// Each subcommand lives in its own file and registers itself in init;
// the logic lives in packages, this command only parses flags and prints.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit codes shared by every subcommand.
const (
	exitOK    = 0 // success; for verify: the program was accepted
	exitBad   = 1 // the program (or input) is bad; the message is on stderr
	exitUsage = 2 // the command line is wrong
)

// command is one subcommand.
type command struct {
	name    string
	args    string // synopsis of the arguments, e.g. "[flags] FILE|-"
	summary string // one line for the command list
	help    string // longer help, printed by "bpfplay help NAME" and -h
	// setup declares the command's flags on fs and returns the function
	// that runs it with the remaining arguments.
	setup func(fs *flag.FlagSet) func(env *env, args []string) int
}

// env is what a subcommand may touch: its standard streams. Tests run
// commands against buffers.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("BUG: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

func main() {
	os.Exit(run(&env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:]))
}

// run dispatches a command line and returns the exit code.
func run(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				fs := newFlagSet(c, e.stdout)
				c.setup(fs)
				fs.Usage()
				return exitOK
			}
			fmt.Fprintf(e.stderr, "bpfplay: unknown command %q\n", args[1])
			return exitUsage
		}
		usage(e.stdout)
		return exitOK
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(e.stderr, "bpfplay: unknown command %q (run 'bpfplay help' for the list)\n", name)
		return exitUsage
	}
	fs := newFlagSet(c, e.stderr)
	exec := c.setup(fs)
	if err := fs.Parse(args[1:]); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	return exec(e, fs.Args())
}

func newFlagSet(c *command, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("bpfplay "+c.name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "usage: bpfplay %s %s\n\n%s\n", c.name, c.args, c.summary)
		if c.help != "" {
			fmt.Fprintf(out, "\n%s\n", strings.TrimSpace(c.help))
		}
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintf(out, "\nflags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "bpfplay: an eBPF playground — Linux 6.1's verifier, interpreter and x86-64 JIT, without a Linux box.\n\nusage: bpfplay COMMAND [flags] [args]\n\ncommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-20s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nRun 'bpfplay help COMMAND' for a command's flags.\nExit codes: 0 ok, 1 the program or input is bad, 2 usage.\n")
}

// readInput reads a file argument, "-" meaning standard input.
func readInput(e *env, path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(e.stdin)
	}
	return os.ReadFile(path)
}

// fail prints an error in the CLI's style and returns exitBad.
func fail(e *env, format string, a ...any) int {
	fmt.Fprintf(e.stderr, "bpfplay: "+format+"\n", a...)
	return exitBad
}

// usageError prints a usage message and returns exitUsage.
func usageError(e *env, c string, format string, a ...any) int {
	fmt.Fprintf(e.stderr, "bpfplay %s: %s\n(run 'bpfplay help %s')\n", c, fmt.Sprintf(format, a...), c)
	return exitUsage
}
