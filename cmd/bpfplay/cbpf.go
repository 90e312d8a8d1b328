package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/cbpf"
	"github.com/bpfplay/bpfplay/core/record"
)

func init() {
	register(&command{
		name:    "cbpf",
		args:    "[--from FORMAT] [--to FORMAT|ebpf] [--check] [--run HEX [--skb packet|test_run|test_bpf]] FILE|-",
		summary: "read, check, convert and run classic BPF (tcpdump, iptables, bpf_asm)",
		help: `Reads a classic BPF program in any of the forms people have in hand and
writes it in another. FORMAT is one of
  tcpdump   tcpdump -d listing        (000) ldh      [12]
  dd        tcpdump -dd C array       { 0x28, 0, 0, 0x0000000c },
  ddd       tcpdump -ddd decimal      count, then "40 0 0 12" lines
  iptables  xt_bpf --bytecode string  4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0
  raw       sock_filter structs       8 bytes each, little endian
  bpf_asm   the kernel's bpf_asm syntax (labels, ld #proto, jneq ...)
--from defaults to detecting the format; --to defaults to tcpdump.

  --to ebpf   checks the program as Linux does and prints the eBPF Linux 6.1
              converts it to for a socket filter (bpf_convert_filter), each
              classic instruction as a comment above its eBPF
  --check     only check (exit 0: Linux accepts it; 1: EINVAL, with why)
  --run HEX   check and run the filter on a packet (an Ethernet frame, hex);
              prints the return value (bytes kept, 0 = drop). --skb packet
              (default) is what a raw packet socket (tcpdump) sees: the frame
              from its Ethernet header; test_run the skb BPF_PROG_TEST_RUN
              builds for a socket filter (Ethernet header pulled); test_bpf
              the one of Linux's lib/test_bpf.c (its fixed mark, hash, ...)`,
		setup: func(fs *flag.FlagSet) func(*env, []string) int {
			from := fs.String("from", "auto", "input format: auto, tcpdump, dd, ddd, iptables, raw, bpf_asm")
			to := fs.String("to", "tcpdump", "output format: tcpdump, dd, ddd, iptables, raw, bpf_asm, ebpf")
			check := fs.Bool("check", false, "check as Linux does and report the verdict only")
			runHex := fs.String("run", "", "run on this packet (hex)")
			skbKind := fs.String("skb", "packet", "packet model for --run: packet, test_run or test_bpf")
			return func(e *env, args []string) int {
				if len(args) != 1 {
					return usageError(e, "cbpf", "want exactly one input file (or - for standard input)")
				}
				in, err := cbpf.ParseFormat(*from)
				if err != nil {
					return usageError(e, "cbpf", "%v", err)
				}
				var out cbpf.Format
				if *to != "ebpf" {
					if out, err = cbpf.ParseFormat(*to); err != nil || out == cbpf.FormatAuto {
						return usageError(e, "cbpf", "unknown output format %q", *to)
					}
				}
				newSkb := map[string]func([]byte) *cbpf.Skb{"packet": cbpf.PacketSkb, "test_run": cbpf.TestRunSkb, "test_bpf": cbpf.TestBPFSkb}[*skbKind]
				if newSkb == nil {
					return usageError(e, "cbpf", "--skb wants packet, test_run or test_bpf, not %q", *skbKind)
				}
				b, err := readInput(e, args[0])
				if err != nil {
					return fail(e, "%v", err)
				}
				prog, _, err := cbpf.Parse(b, in)
				if err != nil {
					return fail(e, "%s: %v", args[0], err)
				}
				switch {
				case *check:
					if err := cbpf.Check(prog); err != nil {
						return fail(e, "%v", err)
					}
					fmt.Fprintf(e.stdout, "ok: Linux accepts this classic program (%d instructions)\n", len(prog))
					return exitOK
				case *runHex != "":
					pkt, err := record.ParseHex(strings.TrimPrefix(*runHex, "0x"))
					if err != nil {
						return usageError(e, "cbpf", "--run: %v", err)
					}
					ret, err := cbpf.Run(prog, newSkb(pkt))
					if err != nil {
						return fail(e, "%v", err)
					}
					fmt.Fprintf(e.stdout, "retval %d (%#x)\n", ret, ret)
					return exitOK
				case *to == "ebpf":
					c, err := cbpf.Convert(prog)
					if err != nil {
						return fail(e, "%v", err)
					}
					fmt.Fprint(e.stdout, formatConverted(prog, c))
					return exitOK
				}
				text, err := cbpf.Marshal(prog, out)
				if err != nil {
					return fail(e, "%v", err)
				}
				e.stdout.Write(text)
				return exitOK
			}
		},
	})
}

// formatConverted prints the converted program in the verifier log's
// style, each classic instruction as a comment above its eBPF.
func formatConverted(prog cbpf.Program, c *cbpf.Converted) string {
	p := &kernel.Printer{Style: kernel.Linux61, CallName: classicCallName}
	var b strings.Builder
	fmt.Fprintf(&b, "; %d classic instructions -> %d eBPF instructions, stack depth %d\n", len(prog), len(c.Insns), c.StackDepth)
	classic := strings.Split(cbpf.FormatTcpdumpListing(prog), "\n")
	next := 0
	for pc, ins := range c.Insns {
		for next < len(prog) && c.Start[next] == pc {
			fmt.Fprintf(&b, "; %s\n", classic[next])
			next++
		}
		fmt.Fprintln(&b, p.Line(pc, ins))
	}
	return b.String()
}
