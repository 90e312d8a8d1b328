// Command asmcases writes bpf_asm source files for the differential test
// against the kernel's own tools/bpf/bpf_asm (see
// core/cbpf/testdata/gen/bpfasm.sh): every tcpdump golden program and
// a set of random valid programs as cbpf prints them, plus hand-written
// sources covering the syntax variants the kernel's documentation shows.
//
//	go run ./core/cbpf/internal/asmcases OUTDIR
package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bpfplay/bpfplay/core/cbpf"
	"golang.org/x/tools/txtar"
)

// variants are hand-written sources (names are stable file names).
var variants = map[string]string{
	"v-doc-example":  "  ldh [12]\n  jne #0x800, drop\n  ldb [23]\n  jneq #6, drop\n  ret #-1\n  drop: ret #0\n",
	"v-len":          "ld #len\nldx len\nret a\n",
	"v-ext":          "ld #proto\nld type\nld ifidx\nld nla\nld nlan\nld #mark\nld queue\nld hatype\nld rxhash\nld cpu\nld vlan_tci\nld #vlan_avail\nld poff\nld rand\nld vlan_tpid\nret %a\n",
	"v-numbers":      "ldi #0b101\nldxi #010\nld #-1\nld #0xFFFF\nld #-2147483648\nld #4294967295\nret #0\n",
	"v-indirect":     "ldh [x + 4]\nldb [%x + 1]\nld [x+0]\nret #0\n",
	"v-comments":     "# comment\nret #0 ; trailing\n/* block */ ret #1\n",
	"v-labels":       "jeq #1, la, lb\nla: ret #1\nlb:\nret #0\n",
	"v-pseudo-jumps": "jlt #1, la\njle x, la\njne #1, la\njneq x, la\nret #0\nla: ret #1\n",
	"v-ja":           "jmp lb\nja lb\nlb: ret #0\n",
	"v-jump-x":       "jeq x, l2, l1\njgt x, l2\njge #3, l1, l2\njset #0x10, l1, l2\nl1: ret #0\nl2: ret #1\n",
	"v-ret":          "ret x\n",
	"v-msh":          "ldxb 4 * ( [14] & 0xf )\nldxb 4*([14]&0xf)\nret #0\n",
	"v-mem":          "st M[0]\nstx M[15]\nld M[0]\nldx M[15]\nret #0\n",
	"v-alu":          "add #1\nsub x\nmul #3\ndiv %x\nmod #7\nand #0xf0\nor x\nxor #1\nlsh #2\nrsh x\nneg\ntax\ntxa\nret a\n",
	"v-negative-abs": "ld [-4096]\nldh [4294963200]\nldb [-1048576]\nret #0\n",
	"v-case":         "LDH [12]\nRET #0\n",
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: asmcases OUTDIR")
		os.Exit(2)
	}
	out := os.Args[1]
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(out, name+".asm"), []byte(src), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	files, _ := filepath.Glob("core/cbpf/testdata/tcpdump/*.txtar")
	sort.Strings(files)
	for _, f := range files {
		a, err := txtar.ParseFile(f)
		if err != nil {
			panic(err)
		}
		for _, s := range a.Files {
			if s.Name != "ddd" {
				continue
			}
			p, err := cbpf.ParseDDD(string(s.Data))
			if err != nil {
				panic(err)
			}
			text, err := cbpf.FormatBPFAsmText(p)
			if err != nil {
				continue
			}
			write("t-"+strings.TrimSuffix(filepath.Base(f), ".txtar"), text)
		}
	}
	r := rand.New(rand.NewPCG(11, 12))
	codes := []uint16{}
	for c := uint16(0); c < 0x100; c++ {
		if cbpf.ValidCode(c) {
			codes = append(codes, c)
		}
	}
	for n := 0; n < 40; {
		size := 2 + r.IntN(30)
		p := make(cbpf.Program, size)
		for pc := range p {
			i := cbpf.Instruction{Code: codes[r.IntN(len(codes))], K: []uint32{0, 1, 14, 0x800, 0xffffffff, 0x80000000, cbpf.AncOffset + 4*uint32(r.IntN(16)), r.Uint32()}[r.IntN(8)]}
			if pc == size-1 {
				i = cbpf.Instruction{Code: 0x16}
			}
			if i.IsCondJump() {
				i.Jt, i.Jf = uint8(r.IntN(min(size-pc-1, 256))), uint8(r.IntN(min(size-pc-1, 256)))
			}
			if i.Code == 0x05 {
				i.K = uint32(r.IntN(size - pc - 1))
			}
			p[pc] = cbpf.Canonical(cbpf.Program{i})[0]
		}
		text, err := cbpf.FormatBPFAsmText(p)
		if err != nil {
			continue
		}
		write(fmt.Sprintf("r-%02d", n), text)
		n++
	}
	for name, src := range variants {
		write(name, src)
	}
}
