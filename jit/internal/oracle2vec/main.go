// Command oracle2vec turns the kernel oracle's answers (OUT.jsonl of
// scripts/oracle.sh) into JIT test vectors (the format of
// testdata/jit-vectors), keeping only what the JIT tests use: the xlated
// program, the kernel's machine code, function lengths and addresses,
// the calls it makes and the masks of per-load bytes.
//
//	go run ./jit/internal/oracle2vec [-source NAME] OUT.jsonl > vectors.jsonl
//
// Masks and calls are read from the kernel's code, not from bpfplay's:
// every call/jmp rel32 leaving the function is a call (its target is
// known from the image address), and every movabs of a kernel direct-map
// address (0xffff88...) is a map pointer, masked.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"golang.org/x/arch/x86/x86asm"

	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/jit/vectors"
)

type oracleOut struct {
	Name     string         `json:"name"`
	OK       bool           `json:"ok"`
	Xlated   record.Hex     `json:"xlated"`
	Jited    record.Hex     `json:"jited"`
	FuncLens []int          `json:"jited_func_lens"`
	Ksyms    []vectors.Addr `json:"jited_ksyms"`
}

func main() {
	source := flag.String("source", "oracle", "the vectors' source field")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: oracle2vec [-source NAME] OUT.jsonl")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	d := json.NewDecoder(bufio.NewReader(f))
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for {
		var o oracleOut
		if err := d.Decode(&o); err != nil {
			break
		}
		if !o.OK || len(o.Jited) == 0 {
			fmt.Fprintf(os.Stderr, "oracle2vec: %s: not jited, skipped\n", o.Name)
			continue
		}
		v := vectors.Vector{Name: o.Name, Source: *source, Variant: "priv", Xlated: o.Xlated,
			Jited: o.Jited, FuncLens: o.FuncLens, ImageAddr: o.Ksyms}
		scan(&v)
		b, _ := json.Marshal(&v)
		w.Write(b)
		w.WriteByte('\n')
	}
}

// scan finds calls leaving each function and map pointers.
func scan(v *vectors.Vector) {
	start := 0
	for fi, l := range v.FuncLens {
		addr := uint64(v.ImageAddr[fi])
		for off := start; off < start+l; {
			inst, err := x86asm.Decode(v.Jited[off:start+l], 64)
			if err != nil {
				off++
				continue
			}
			switch {
			case (inst.Op == x86asm.CALL || inst.Op == x86asm.JMP) && inst.Len == 5 && v.Jited[off] != 0x0f:
				rel, _ := inst.Args[0].(x86asm.Rel)
				target := addr + uint64(off-start+5) + uint64(int64(rel))
				if target < addr || target >= addr+uint64(l) {
					kind := "call"
					if inst.Op == x86asm.JMP {
						kind = "jmp"
					}
					v.Calls = append(v.Calls, vectors.Call{Off: off, Len: 5, Kind: kind, Target: vectors.Addr(target)})
					v.Masks = append(v.Masks, [2]int{off + 1, 4})
				}
			case inst.Op == x86asm.MOV && inst.Len == 10:
				if imm, ok := inst.Args[1].(x86asm.Imm); ok && uint64(imm)>>40 == 0xffff88 {
					v.Masks = append(v.Masks, [2]int{off + 2, 8})
				}
			}
			off += inst.Len
		}
		start += l
	}
}
