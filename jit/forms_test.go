package jit

import (
	"encoding/hex"
	"strings"
	"testing"

	"golang.org/x/arch/x86/x86asm"

	"github.com/bpfplay/bpfplay/jit/internal/forms"
)

// formRow is one instruction form: the eBPF instruction (after the
// common prelude of package forms and a setup), the x86 it becomes, and
// the bytes Linux 6.1 emitted for it.
type formRow struct {
	setup string // kernel-dialect assembly run before the instruction
	insn  string // the eBPF instruction under test
	x86   string // Intel syntax of the kernel's code for it
	hex   string // the kernel's bytes
}

// TestInstructionForms compiles each row's program and compares the
// bytes of the instruction under test with the kernel's. The rows cover
// every encoding shape the oracle answers showed: imm8 against imm32
// and the rax short forms, REX.W and REX.R/B for r8-r15, rbp and r13
// bases (which need a displacement), disp8 against disp32, byte stores
// from sil/dil, shifts through cl, the div/mod register dance, atomics
// and their cmpxchg loops, and jcc after cmp or test.
func TestInstructionForms(t *testing.T) {
	if len(formTable) < 100 {
		t.Fatalf("only %d rows: regenerate forms_table_test.go (see jit/internal/formgen)", len(formTable))
	}
	for _, row := range formTable {
		t.Run(row.x86, func(t *testing.T) {
			want, err := hex.DecodeString(strings.ReplaceAll(row.hex, " ", ""))
			if err != nil {
				t.Fatal(err)
			}
			// The hex is the kernel's: it must decode to the named x86.
			if got := intel(want); got != row.x86 {
				t.Fatalf("table row inconsistent: %s decodes to %q", row.hex, got)
			}
			c := forms.Case{Name: row.insn, Setup: strings.ReplaceAll(row.setup, "; ", "\n"), Test: row.insn}
			p, pc, err := c.Program()
			if err != nil {
				t.Fatal(err)
			}
			img, err := Compile(p, Options{StackDepth: []int{8 * 32}})
			if err != nil {
				t.Fatal(err)
			}
			got := img.Code[img.InsnOffsets[pc]:img.InsnOffsets[pc+p[len(p)-3].Width()]]
			if string(got) != string(want) {
				t.Errorf("%s: got % x (%s), want %s (%s)", row.insn, got, intel(got), row.hex, row.x86)
			}
		})
	}
}

func intel(code []byte) string {
	var text []string
	for off := 0; off < len(code); {
		inst, err := x86asm.Decode(code[off:], 64)
		if err != nil {
			return "(bad)"
		}
		text = append(text, x86asm.IntelSyntax(inst, 0, nil))
		off += inst.Len
	}
	return strings.Join(text, "; ")
}
