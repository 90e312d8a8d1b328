package main

import (
	"bufio"
	"flag"
	"fmt"
	"strings"

	"github.com/bpfplay/bpfplay/core/interp"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
)

func init() {
	register(&command{
		name:    "conformance-plugin",
		args:    "[MEMORY_HEX] [runner options...]",
		summary: "speak the bpf_conformance runner's plugin protocol",
		help: `For the bpf_conformance suite's own runner
(bpf_conformance_runner --plugin_path bpfplay --plugin_options conformance-plugin):
reads the program as hex on standard input (one line), the memory as hex in the
first argument, runs the program and prints r0 in hex. Faults and refused
programs print a message on standard error and exit 1. Options the runner
passes that bpfplay does not use (--elf, --debug, ...) are ignored.`,
		setup: func(fs *flag.FlagSet) func(*env, []string) int {
			return func(e *env, args []string) int {
				memHex := ""
				for _, a := range args {
					if !strings.HasPrefix(a, "-") {
						memHex = a
						break
					}
				}
				line, err := bufio.NewReader(e.stdin).ReadString('\n')
				if err != nil && line == "" {
					return fail(e, "conformance-plugin: no program on standard input")
				}
				code, err := record.ParseHex(strings.TrimSpace(line))
				if err != nil {
					return fail(e, "conformance-plugin: program: %v", err)
				}
				var mem []byte
				if memHex != "" {
					if mem, err = record.ParseHex(memHex); err != nil {
						return fail(e, "conformance-plugin: memory: %v", err)
					}
				}
				prog, err := isa.Decode(code)
				if err != nil {
					return fail(e, "conformance-plugin: %v", err)
				}
				p, err := interp.Compile(prog, nil)
				if err != nil {
					return fail(e, "conformance-plugin: %v", err)
				}
				res := p.Run(&interp.Env{Mem: mem})
				if res.Fault != nil {
					return fail(e, "conformance-plugin: %v", res.Fault)
				}
				fmt.Fprintf(e.stdout, "%x\n", res.R0)
				return exitOK
			}
		},
	})
}
