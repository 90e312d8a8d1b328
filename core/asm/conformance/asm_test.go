package conformance_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm"
	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/isa"
)

// TestAssembleEncodings checks single instructions against encodings
// written from the README's table (RFC 9669 opcodes).
func TestAssembleEncodings(t *testing.T) {
	tests := []struct {
		src  string
		want string // hex of the slots
	}{
		{"mov %r0, 1", "b700000001000000"},
		{"mov32 %r0,%r1", "bc10000000000000"},
		{"add %r1, 0xffffffff", "07010000ffffffff"},
		{"arsh32 %r0, -1", "c4000000ffffffff"},
		{"sdiv %r0, %r1", "3f10010000000000"},
		{"smod32 %r0, 3", "9400010003000000"},
		{"neg %r2", "8702000000000000"},
		{"movsx1664 %r0, %r1", "bf10100000000000"},
		{"movsx832 %r0, %r1", "bc10080000000000"},
		{"le16 %r0", "d400000010000000"},
		{"be64 %r3", "dc03000040000000"},
		{"bswap32 %r0", "d700000020000000"},
		{"swap64 %r0", "d700000040000000"},
		{"lddw %r0, 0x1122334455667788", "1800000088776655" + "0000000044332211"},
		{"lddw %r1, -2", "18010000feffffff" + "00000000ffffffff"},
		{"ldxh %r3, [%r1+12]", "69130c0000000000"},
		{"ldxsw %r0, [%r1 - 4]", "8110fcff00000000"},
		{"stdw [%r10-8], 0x10", "7a0af8ff10000000"},
		{"stxb [%r1], %r2", "7321000000000000"},
		{"lock add [%r1+0], %r2", "db21000000000000"},
		{"lock fetch xor32 [%r10-4], %r1", "c31afcffa1000000"},
		{"lock xchg [%r0], %r1", "db100000e1000000"},
		{"lock cmpxchg32 [%r0], %r1", "c3100000f1000000"},
		{"ja +1\nexit", "0500010000000000" + "9500000000000000"},
		{"ja32 -1", "06000000ffffffff"},
		{"jne %r3, 0x81, +3", "5503030081000000"},
		{"jsle32 %r0, %r1, -2", "de10feff00000000"},
		{"call 5", "8500000005000000"},
		{"call helper 5", "8500000005000000"},
		{"call runtime 7", "8520000007000000"},
		{"call %r2", "8d02000000000000"},
		{"call local f\nexit\nf:\nexit", "8510000001000000" + "9500000000000000" + "9500000000000000"},
		{"jeq %r0, 0, exit\nexit", "1500000000000000" + "9500000000000000"},
		{"L: ja L", "0500ffff00000000"},
		{"ldabsh 12", "2800000000000c00"[:8] + "0c000000"},
		{"ldindb %r3, 1", "5030000001000000"},
		{".slot 0x0000000300001118, 0", "1811000003000000" + "0000000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			l, err := conformance.Assemble(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%x", l.Program.Encode()); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestAssembleErrors(t *testing.T) {
	tests := []struct {
		src  string
		code asm.ErrorCode
		pos  string
	}{
		{"", asm.ErrEmpty, "-"},
		{"mov %r0", asm.ErrOperandCount, "1:1"},
		{"mov %r0, 1, 2", asm.ErrOperandCount, "1:13"},
		{"mov r0, 1", asm.ErrRegister, "1:5"},
		{"mov %r11, 1", asm.ErrRegister, "1:5"},
		{"mov %r0, x", asm.ErrOperand, "1:10"},
		{"mov %r0, -2147483649", asm.ErrRange, "1:10"},
		{"mov %r0, , 1", asm.ErrSyntax, "1:10"},
		{"mov %r0,", asm.ErrSyntax, "1:8"},
		{"ldxw %r0, [%r1+4", asm.ErrSyntax, "1:11"},
		{"ldxw %r0, [%r1+x]", asm.ErrOperand, "1:15"},
		{"stw [%r1], %r2", asm.ErrOperand, "1:12"},
		{"ja 3", asm.ErrLabel, "1:4"},
		{"ja +32768", asm.ErrRange, "1:4"},
		{"x: exit\nx: exit", asm.ErrDuplicateLabel, "2:1"},
		{"1x: exit", asm.ErrSyntax, "1:1"},
		{"lock fetch xchg [%r1], %r2", asm.ErrOperand, "1:12"},
		{"lock nand [%r1], %r2", asm.ErrMnemonic, "1:6"},
		{"call far 1", asm.ErrOperand, "1:6"},
		{"call local", asm.ErrOperandCount, "1:1"},
		{"foo", asm.ErrMnemonic, "1:1"},
		{".slot 0x18", asm.ErrOperandCount, "1:1"},
		{".slot 0x1118, 1", asm.ErrOperand, "1:7"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := conformance.Assemble(tt.src)
			var el asm.ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("err = %v, want an asm.ErrorList", err)
			}
			if el[0].Code != tt.code || el[0].Pos.String() != tt.pos {
				t.Errorf("got %v (code %v), want %v at %s", el[0], el[0].Code, tt.code, tt.pos)
			}
		})
	}
}

func TestManyErrorsStop(t *testing.T) {
	src := ""
	for range 100 {
		src += "bad\n"
	}
	_, err := conformance.Assemble(src)
	var el asm.ErrorList
	if !errors.As(err, &el) || len(el) != asm.MaxErrors {
		t.Fatalf("got %d errors, want %d", len(el), asm.MaxErrors)
	}
}

func ExampleAssemble() {
	l, err := conformance.Assemble(`
mov %r0, 0
loop:
add %r0, 1
jlt %r0, 10, loop   # back to loop
exit
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("% x\n", l.Program[2].AppendBinary(nil))
	fmt.Println(l.Labels["loop"], l.Pos[2])
	// Output:
	// a5 00 fe ff 0a 00 00 00
	// 1 5:1
}

func ExampleInsn() {
	p := isa.Program{
		{OpCode: 0x61, Dst: isa.R0, Src: isa.R1, Off: 4},
		isa.LdImm64Pseudo(isa.R1, isa.PseudoMapFD, 3, 0),
		{OpCode: isa.OpExit},
	}
	for _, ins := range p {
		fmt.Printf("%v\n", conformance.Insn(ins))
	}
	// Output:
	// ldxw %r0, [%r1+4]
	// .slot 0x0000000300001118, 0x0000000000000000
	// exit
}
