package jit

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/isa"
)

// TestEncoding checks the encoding primitives on the x86 special cases,
// including ones Linux's JIT never meets (rsp and r12 as a base need a
// SIB byte; rbp and r13 as a base need a displacement). Each row's hex
// comes from the Intel SDM's encoding rules and is cross-checked by
// decoding it with golang.org/x/arch's disassembler, which must print the
// row's Intel text.
func TestEncoding(t *testing.T) {
	tests := []struct {
		x86  string
		emit func(c *code)
		hex  string
	}{
		{"mov rax, qword ptr [rsp+0x8]", func(c *code) { c.load(8, rax, rsp, 8) }, "48 8b 44 24 08"},
		{"mov rax, qword ptr [r12+0x8]", func(c *code) { c.load(8, rax, r12, 8) }, "49 8b 44 24 08"},
		{"mov rax, qword ptr [rbp]", func(c *code) { c.load(8, rax, rbp, 0) }, "48 8b 45 00"},
		{"mov rax, qword ptr [r13]", func(c *code) { c.load(8, rax, r13, 0) }, "49 8b 45 00"},
		{"mov rax, qword ptr [rsp+0x200]", func(c *code) { c.load(8, rax, rsp, 512) }, "48 8b 84 24 00 02 00 00"},
		{"mov eax, dword ptr [rdi-0x80]", func(c *code) { c.load(4, rax, rdi, -128) }, "8b 47 80"},
		{"mov eax, dword ptr [rdi-0x81]", func(c *code) { c.load(4, rax, rdi, -129) }, "8b 87 7f ff ff ff"},
		{"mov r8d, dword ptr [r12+0x7f]", func(c *code) { c.load(4, r8, r12, 127) }, "45 8b 44 24 7f"},
		{"movzx rsi, byte ptr [rbx+0x1]", func(c *code) { c.load(1, rsi, rbx, 1) }, "48 0f b6 73 01"},
		{"movzx r15, word ptr [r14+0x2]", func(c *code) { c.load(2, r15, r14, 2) }, "4d 0f b7 7e 02"},
		{"mov byte ptr [rsp+0x10], sil", func(c *code) { c.store(1, rsp, 16, rsi) }, "40 88 74 24 10"},
		{"mov byte ptr [rax], cl", func(c *code) { c.store(1, rax, 0, rcx) }, "88 48 00"},
		{"mov word ptr [r12-0x2], r9w", func(c *code) { c.store(2, r12, -2, r9) }, "66 45 89 4c 24 fe"},
		{"mov qword ptr [r13+0x8], rdx", func(c *code) { c.store(8, r13, 8, rdx) }, "49 89 55 08"},
		{"mov dword ptr [rsp+0x4], 0x1", func(c *code) { c.storeImm(4, rsp, 4, 1) }, "c7 44 24 04 01 00 00 00"},
		{"add rax, 0x7f", func(c *code) { c.aluRI(opAdd, true, rax, 127) }, "48 83 c0 7f"},
		{"add rax, 0x80", func(c *code) { c.aluRI(opAdd, true, rax, 128) }, "48 05 80 00 00 00"},
		{"add rcx, 0x80", func(c *code) { c.aluRI(opAdd, true, rcx, 128) }, "48 81 c1 80 00 00 00"},
		{"add ecx, -0x80", func(c *code) { c.aluRI(opAdd, false, rcx, -128) }, "83 c1 80"},
		{"sub r12d, 0x1", func(c *code) { c.aluRI(opSub, false, r12, 1) }, "41 83 ec 01"},
		{"xor r12d, r12d", func(c *code) { c.xorZero(r12) }, "45 31 e4"},
		{"mov rsp, r12", func(c *code) { c.movRR(true, rsp, r12) }, "4c 89 e4"},
		{"mov r12d, -0x1", func(c *code) { c.movImm32(false, r12, -1) }, "41 bc ff ff ff ff"},
		{"mov r12, -0x1", func(c *code) { c.movImm32(true, r12, -1) }, "49 c7 c4 ff ff ff ff"},
		{"mov r12, 0x123456789", func(c *code) { c.movImm64(r12, 0x123456789) }, "49 bc 89 67 45 23 01 00 00 00"},
		{"imul r12, r12, 0x80", func(c *code) { c.imulRRI(true, r12, 128) }, "4d 69 e4 80 00 00 00"},
		{"shl r12, cl", func(c *code) { c.shiftRCL(shlExt, true, r12) }, "49 d3 e4"},
		{"sar esp, 0x1", func(c *code) { c.shiftRI(sarExt, false, rsp, 1) }, "d1 fc"},
		{"push r12", func(c *code) { c.push(r12) }, "41 54"},
		{"mov rcx, qword ptr [rsi+8*rdx+0x110]", func(c *code) {
			c.emit(rex(true, rcx, 0, rsi), 0x8b)
			c.memIndex8(rcx.low3(), rsi, rdx, 0x110)
		}, "48 8b 8c d6 10 01 00 00"},
	}
	for _, tc := range tests {
		t.Run(tc.x86, func(t *testing.T) {
			want, err := hex.DecodeString(strings.ReplaceAll(tc.hex, " ", ""))
			if err != nil {
				t.Fatal(err)
			}
			if got := intel(want); got != tc.x86 {
				t.Fatalf("row inconsistent: %s decodes to %q", tc.hex, got)
			}
			var c code
			tc.emit(&c)
			if string(c.b) != string(want) {
				t.Errorf("got % x (%s), want %s", c.b, intel(c.b), tc.hex)
			}
		})
	}
}

// TestTailCallForms checks that the verifier's internal tail call
// (BPF_JMP|BPF_TAIL_CALL, imm = poke index + 1) picks the direct or
// indirect form from imm, whatever the guess would say.
func TestTailCallForms(t *testing.T) {
	mk := func(imm int64) isa.Program {
		return isa.Program{
			isa.LdImm64Pseudo(isa.R2, isa.PseudoMapFD, 0, 0),
			{OpCode: isa.ALUOpCode(isa.ALU64Class, isa.Mov, isa.ImmSource), Dst: isa.R3, Imm: 1},
			{OpCode: opTailCall, Imm: imm},
			{OpCode: isa.ALUOpCode(isa.ALU64Class, isa.Mov, isa.ImmSource), Dst: isa.R0},
			{OpCode: isa.OpExit},
		}
	}
	opt := Options{Pointer: func(int, isa.Instruction) (uint64, error) { return 0xffff888000000000, nil }}
	for _, tc := range []struct {
		imm    int64
		thunk  bool
		reason string
	}{{0, true, "indirect"}, {1, false, "direct"}} {
		img, err := Compile(mk(tc.imm), opt)
		if err != nil {
			t.Fatal(err)
		}
		hasThunk := false
		for _, r := range img.Relocs {
			if r.Kind == RelocThunk {
				hasThunk = true
			}
		}
		if hasThunk != tc.thunk {
			t.Errorf("imm %d: thunk jump %v, want the %s form", tc.imm, hasThunk, tc.reason)
		}
	}
}
