package asm_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm"
	"github.com/bpfplay/bpfplay/core/isa"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in      string
		ok      bool
		v       int64
		int32OK bool
		pattern bool
	}{
		{"0", true, 0, true, true},
		{"-1", true, -1, true, false},
		{"+7", true, 7, true, true},
		{"0x7fffffff", true, 0x7fffffff, true, true},
		{"0xffffffff", true, 0xffffffff, false, true},
		{"-0x80000000", true, -0x80000000, true, false},
		{"2147483648", true, 2147483648, false, true},
		{"0x100000000", true, 0x100000000, false, false},
		{"0x", false, 0, false, false},
		{"--1", false, 0, false, false},
		{"1_000", false, 0, false, false},
		{"abc", false, 0, false, false},
		{"0xfffffffffffffffff", false, 0, false, false},
	}
	for _, tt := range tests {
		n, ok := asm.ParseNumber(tt.in)
		if ok != tt.ok {
			t.Errorf("%q: ok %v, want %v", tt.in, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if v, _ := n.Int64(); v != tt.v {
			t.Errorf("%q = %d, want %d", tt.in, v, tt.v)
		}
		if _, ok := n.Int32(); ok != tt.int32OK {
			t.Errorf("%q: Int32 ok %v, want %v", tt.in, ok, tt.int32OK)
		}
		if _, ok := n.Pattern32(); ok != tt.pattern {
			t.Errorf("%q: Pattern32 ok %v, want %v", tt.in, ok, tt.pattern)
		}
	}
}

func TestBuilderLabels(t *testing.T) {
	b := asm.NewBuilder()
	b.Label("top", asm.Pos{Line: 1, Col: 1})
	i := b.Emit(isa.LdImm64(isa.R1, 1), asm.Pos{Line: 2, Col: 1}) // two slots
	j := b.Emit(isa.Instruction{OpCode: isa.OpJa}, asm.Pos{Line: 3, Col: 1})
	b.Ref(j, "top", asm.Pos{Line: 3, Col: 6}, asm.RefBranch)
	k := b.Emit(isa.Instruction{OpCode: isa.OpJa32}, asm.Pos{Line: 4, Col: 1})
	b.Ref(k, "end", asm.Pos{Line: 4, Col: 7}, asm.RefGotol)
	b.Label("end", asm.Pos{Line: 5, Col: 1})
	b.Emit(isa.Instruction{OpCode: isa.OpExit}, asm.Pos{Line: 6, Col: 1})
	l, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if l.Program[j].Off != -3 || l.Program[k].Imm != 0 || l.Labels["end"] != 4 || l.Labels["top"] != 0 || i != 0 {
		t.Errorf("off %d, gotol %d, labels %v", l.Program[j].Off, l.Program[k].Imm, l.Labels)
	}
}

func TestBuilderErrors(t *testing.T) {
	b := asm.NewBuilder()
	b.Emit(isa.Instruction{OpCode: isa.OpJa}, asm.Pos{Line: 2, Col: 1})
	b.Ref(0, "nowhere", asm.Pos{Line: 2, Col: 6}, asm.RefBranch)
	b.Label("x", asm.Pos{Line: 1, Col: 1})
	b.Label("x", asm.Pos{Line: 3, Col: 1})
	_, err := b.Finish()
	var el asm.ErrorList
	if !errors.As(err, &el) || len(el) != 2 {
		t.Fatalf("err = %v", err)
	}
	if el[0].Code != asm.ErrLabel || el[1].Code != asm.ErrDuplicateLabel {
		t.Errorf("codes %v %v", el[0].Code, el[1].Code)
	}
	if got := err.Error(); got != `2:6: undefined label "nowhere" (and 1 more errors)` {
		t.Errorf("Error() = %q", got)
	}
	var one *asm.Error
	if !errors.As(err, &one) || one.Pos.Line != 2 {
		t.Errorf("errors.As(*asm.Error) = %v", one)
	}
}

func ExampleErrorList() {
	err := asm.ErrorList{
		asm.Errorf(asm.Pos{Line: 3, Col: 7}, asm.ErrRegister, "register r11 does not exist (r0-r10, w0-w10)"),
		asm.Errorf(asm.Pos{Line: 9, Col: 1}, asm.ErrMnemonic, "unknown instruction %q", "frob"),
	}
	fmt.Println(err)
	fmt.Print(err.Detail())
	// Output:
	// 3:7: register r11 does not exist (r0-r10, w0-w10) (and 1 more errors)
	// 3:7: register r11 does not exist (r0-r10, w0-w10)
	// 9:1: unknown instruction "frob"
}
