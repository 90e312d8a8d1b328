package cbpf

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// The bpf_asm example of Documentation/networking/filter.rst (IPv4 TCP
// or drop), with each syntax feature: labels, jne/jneq, signed #k.
func TestBPFAsmDocExample(t *testing.T) {
	src := `
  ldh [12]
  jne #0x800, drop
  ldb [23]
  jneq #6, drop
  ret #-1
  drop: ret #0
`
	want := Program{
		{Code: 0x28, K: 12},
		{Code: 0x15, Jt: 0, Jf: 3, K: 0x800},
		{Code: 0x30, K: 23},
		{Code: 0x15, Jt: 0, Jf: 1, K: 6},
		{Code: 0x06, K: 0xffffffff},
		{Code: 0x06, K: 0},
	}
	p, f, err := Parse([]byte(src), FormatAuto)
	if err != nil || f != FormatBPFAsm {
		t.Fatalf("Parse: %v (format %v)", err, f)
	}
	if !equalProg(p, want) {
		t.Fatalf("got\n%s\nwant\n%s", FormatDDArray(p), FormatDDArray(want))
	}
}

func TestBPFAsmSyntax(t *testing.T) {
	for _, c := range []struct {
		src  string
		want Instruction
	}{
		{"ld #len", Instruction{Code: 0x80}},
		{"ld len", Instruction{Code: 0x80}},
		{"ldx #len", Instruction{Code: 0x81}},
		{"ld #proto", Instruction{Code: 0x20, K: AncOffset}},
		{"ld rand", Instruction{Code: 0x20, K: AncOffset + 56}},
		{"ld #vlan_avail", Instruction{Code: 0x20, K: AncOffset + 48}},
		{"ldi #0b101", Instruction{Code: 0x00, K: 5}},
		{"ldxi #010", Instruction{Code: 0x01, K: 8}},
		{"ld M[3]", Instruction{Code: 0x60, K: 3}},
		{"ldx M[15]", Instruction{Code: 0x61, K: 15}},
		{"ldh [x + 4]", Instruction{Code: 0x48, K: 4}},
		{"ldb [%x+1]", Instruction{Code: 0x50, K: 1}},
		{"ld [x]", Instruction{Code: 0x40}},
		{"ldxb 4*([14]&0xf)", Instruction{Code: 0xb1, K: 14}},
		{"st M[2]", Instruction{Code: 0x02, K: 2}},
		{"stx M[2]", Instruction{Code: 0x03, K: 2}},
		{"add %x", Instruction{Code: 0x0c}},
		{"mod #7", Instruction{Code: 0x94, K: 7}},
		{"neg", Instruction{Code: 0x84}},
		{"TAX", Instruction{Code: 0x07}},
		{"txa ; comment", Instruction{Code: 0x87}},
		{"ret a", Instruction{Code: 0x16}},
		{"ret %a", Instruction{Code: 0x16}},
	} {
		p, err := ParseBPFAsm(c.src)
		if err != nil {
			t.Errorf("%q: %v", c.src, err)
			continue
		}
		if len(p) != 1 || p[0] != c.want {
			t.Errorf("%q = %+v, want %+v", c.src, p, c.want)
		}
	}
}

// Errors name the line, the column and the field at fault.
func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		f    Format
		src  string
		want string
	}{
		{FormatDDD, "2\n6 0 0 0\n", "ddd: line 1: count: count says 2 instructions, 1 follow"},
		{FormatDDD, "1\n6 0 300 0\n", "ddd: line 2: jf: 300 does not fit in 8 bits (max 255)"},
		{FormatDDD, "1\n6 0 0\n", "ddd: line 2: instruction: want 4 fields (code jt jf k), got 3"},
		{FormatIptables, "2,6 0 0 0,6 0 x 0", "iptables: line 1:11: jf: \"x\" is not a number"},
		{FormatIptables, "", "iptables: line 1:1: count: missing instruction count"},
		{FormatDD, "{ 0x6, 0, 0, 0x00000000 },\n{ 0x6, 0, 0 },\n", "dd: line 2:1: instruction: want 4 fields (code jt jf k), got 3"},
		{FormatDD, "{ 0x10006, 0, 0, 0 },", "dd: line 1:1: code: 65542 does not fit in 16 bits (max 65535)"},
		{FormatDD, "{ 0x6, 0, 0, 0", "dd: line 1:1: missing closing '}'"},
		{FormatRaw, "\x06\x00\x00", "raw: insn 0: length: 3 bytes is not a whole number of 8-byte sock_filter structs (3 left over)"},
		{FormatTcpdump, "(000) ret      #0\n(002) ret      #0\n", "tcpdump: line 2:2: pc: want instruction number 1, got \"002\""},
		{FormatTcpdump, "(000) jeq      #0x1             jt 1\tjf 300\n", "jf: target 300 is not 1..256 instructions ahead of 0"},
		{FormatTcpdump, "(000) frob     #0\n", "tcpdump: line 1:11: operand: unknown mnemonic \"frob\""},
		{FormatBPFAsm, "ldh [12]\njeq #1, nowhere\nret #0", "bpf_asm: line 2:9: label: undefined label \"nowhere\""},
		{FormatBPFAsm, "a: ret #0\na: ret #0", "bpf_asm: line 2:1: label: label \"a\" already defined on line 1"},
		{FormatBPFAsm, "ldh #1\nret #0", "bpf_asm: line 1:5: operand: ldh cannot load a constant"},
		{FormatBPFAsm, "ret #0x1ffffffff", "bpf_asm: line 1:5: k: 8589934591 does not fit in 32 bits"},
		{FormatBPFAsm, "jeq #1, a, b, c\na: b: ret #0", "bpf_asm: line 1:1: operand: jeq takes 2 or 3 operand(s), got 4"},
		{FormatBPFAsm, "fly #1", "bpf_asm: line 1:1: op: unknown instruction \"fly\""},
	} {
		_, _, err := Parse([]byte(c.src), c.f)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%v %q: want *Error, got %v", c.f, c.src, err)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %q:\n got  %v\n want %s", c.f, c.src, err, c.want)
		}
	}
}

func TestDetect(t *testing.T) {
	for _, c := range []struct {
		src  string
		want Format
	}{
		{"(000) ret      #0\n", FormatTcpdump},
		{"struct sock_filter code[] = {\n{ 0x6, 0, 0, 0x00000000 },\n};\n", FormatDD},
		{"1\n6 0 0 0\n", FormatDDD},
		{"1,6 0 0 0", FormatIptables},
		{"4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0,\n", FormatIptables},
		{"\x06\x00\x00\x00\x00\x00\x00\x00", FormatRaw},
		{"ret #0\n", FormatBPFAsm},
		{"# a comment\nld #len\nret a\n", FormatBPFAsm},
	} {
		got, err := Detect([]byte(c.src))
		if err != nil || got != c.want {
			t.Errorf("Detect(%q) = %v, %v; want %v", c.src, got, err, c.want)
		}
	}
	if _, err := Detect(nil); err == nil {
		t.Error("Detect(empty) must fail")
	}
}

// The iptables man page's example: "ip proto 6" as xt_bpf bytecode.
func TestIptablesManPageExample(t *testing.T) {
	p, f, err := Parse([]byte("4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0"), FormatAuto)
	if err != nil || f != FormatIptables {
		t.Fatal(err, f)
	}
	if err := Check(p); err != nil {
		t.Fatal(err)
	}
	tcp := []byte{0x45, 0, 0, 20, 0, 0, 0, 0, 64, 6}
	udp := []byte{0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17}
	for _, c := range []struct {
		pkt  []byte
		want uint32
	}{{tcp, 1}, {udp, 0}} {
		// xt_bpf runs on the IP packet: data starts at the network header.
		skb := &Skb{Data: c.pkt, Protocol: ethPIP, NoMAC: true}
		if got, _ := Run(p, skb); got != c.want {
			t.Errorf("proto %d: got %d want %d", c.pkt[9], got, c.want)
		}
	}
}

func TestCheckReasons(t *testing.T) {
	ret0 := Instruction{Code: 0x06}
	for _, c := range []struct {
		name string
		p    Program
		want string
	}{
		{"empty", Program{}, "0 instructions"},
		{"too long", make(Program, MaxInsns+1), "4097 instructions"},
		{"ret x", Program{{Code: 0x0e}}, "opcode 0x0e"},
		{"div 0", Program{{Code: 0x34}, ret0}, "division by constant zero"},
		{"mod 0", Program{{Code: 0x94}, ret0}, "division by constant zero"},
		{"lsh 32", Program{{Code: 0x64, K: 32}, ret0}, "shift by 32"},
		{"M[16]", Program{{Code: 0x02, K: 16}, ret0}, "M[16]"},
		{"ja out", Program{{Code: 0x05, K: 1}, ret0}, "past the last"},
		{"jeq out", Program{{Code: 0x15, Jt: 1}, ret0}, "past the last"},
		{"anc unknown", Program{{Code: 0x20, K: AncOffset + 64}, ret0}, "not an ancillary field"},
		{"no ret", Program{{Code: 0x00}}, "last instruction must be ret"},
		{"uninit M", Program{{Code: 0x60, K: 3}, ret0}, "M[3] is read before"},
		{"uninit M on one path", Program{{Code: 0x15, Jt: 1}, {Code: 0x02, K: 1}, {Code: 0x61, K: 1}, ret0}, "M[1] is read before"},
	} {
		err := Check(c.p)
		var ce *CheckError
		if !errors.As(err, &ce) || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want EINVAL mentioning %q", c.name, err, c.want)
		}
	}
	// Insn 1 stores M[1] on one path only, insn 2 on both: the read at 3
	// is fine.
	ok := Program{{Code: 0x15, Jt: 1}, {Code: 0x02, K: 1}, {Code: 0x02, K: 1}, {Code: 0x61, K: 1}, {Code: 0x06}}
	if err := Check(ok); err != nil {
		t.Errorf("both paths store: %v", err)
	}
}

// TestKernelBPFAsm: sources assembled by the kernel's own bpf_asm (Linux
// 6.1 tools/bpf; testdata/gen/bpfasm.sh): bpfplay must read each source
// into the same program. The sources are every tcpdump golden and 40
// random programs as FormatBPFAsmText writes them (so the real tool
// accepts bpfplay's output) and hand-written syntax variants.
func TestKernelBPFAsm(t *testing.T) {
	files, err := filepath.Glob("testdata/bpf_asm/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata/bpf_asm goldens (regenerate with testdata/gen/bpfasm.sh)")
	}
	for _, f := range files {
		a, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var src, want string
		for _, s := range a.Files {
			switch s.Name {
			case "asm":
				src = string(s.Data)
			case "bpf_asm":
				want = strings.TrimSpace(string(s.Data))
			}
		}
		if strings.HasPrefix(want, "error") {
			t.Errorf("%s: the kernel's bpf_asm refused it: %s", f, want)
			continue
		}
		wantProg, err := ParseIptables(want)
		if err != nil {
			t.Fatalf("%s: bpf_asm output: %v", f, err)
		}
		got, err := ParseBPFAsm(src)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if !equalProg(got, wantProg) {
			t.Errorf("%s: bpfplay reads\n%s\nbpf_asm assembled\n%s", f, FormatIptablesString(got), want)
		}
	}
	t.Logf("%d sources read as the kernel's bpf_asm assembles them", len(files))
}

// bpf_asm -c prints a C array with padded fields and "0000000000" for a
// zero k (printf's %#010x); it reads as the -dd format.
func TestBPFAsmCOutput(t *testing.T) {
	// The kernel's bpf_asm -c on the filter.rst example (TestBPFAsmDocExample).
	const out = "{ 0x28,  0,  0, 0x0000000c },\n{ 0x15,  0,  3, 0x00000800 },\n{ 0x30,  0,  0, 0x00000017 },\n" +
		"{ 0x15,  0,  1, 0x00000006 },\n{ 0x06,  0,  0, 0xffffffff },\n{ 0x06,  0,  0, 0000000000 },\n"
	p, f, err := Parse([]byte(out), FormatAuto)
	if err != nil || f != FormatDD {
		t.Fatalf("%v %v", f, err)
	}
	want, _ := ParseIptables("6,40 0 0 12,21 0 3 2048,48 0 0 23,21 0 1 6,6 0 0 4294967295,6 0 0 0,")
	if !equalProg(p, want) {
		t.Errorf("got %s", FormatIptablesString(p))
	}
}
