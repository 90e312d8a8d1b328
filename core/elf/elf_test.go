package elf

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/cilium/ebpf/btf"
)

func openTestObject(t testing.TB, name string) *Object {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name + ".o")
	if err != nil {
		t.Fatalf("%v (the objects are committed; rebuild with testdata/build.sh)", err)
	}
	o, err := Open(b)
	if err != nil {
		t.Fatalf("%s.o: %v", name, err)
	}
	return o
}

func u32s(v ...uint32) []byte {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, x)
	}
	return b
}

// TestObjects checks what each object holds against its C source.
func TestObjects(t *testing.T) {
	type prog struct{ name, section, typ, attach, attachTo, funcs string }
	type mp struct {
		name, typ     string
		key, val, max uint32
		flags         uint32
		data          []byte
		global        bool
	}
	for _, c := range []struct {
		obj   string
		progs []prog
		maps  []mp
	}{
		{"socket", []prog{{"count_packets", "socket", "socket_filter", "", "", "count_packets sum_bytes"}},
			[]mp{
				{".bss", "array", 4, 8, 1, 0, make([]byte, 8), true}, // __u64 packets = 0
				{".data", "array", 4, 4, 1, 0, u32s(1), true},        // __u32 last_len = 1
				{".rodata", "array", 4, 4, 1, 0x80, u32s(14), true},  // const volatile min_len = 14 (BPF_F_RDONLY_PROG)
				{"counters", "array", 4, 8, 4, 0, nil, false},        // BTF-defined
			}},
		{"xdp", []prog{{"xdp_count_proto", "xdp", "xdp", "xdp", "", "xdp_count_proto"}, {"xdp_drop_all", "xdp", "xdp", "xdp", "", "xdp_drop_all"}},
			[]mp{{"proto_count", "hash", 4, 8, 256, 0, nil, false}}}, // legacy "maps" section
		{"tc", []prog{{"tc_mark", "tc", "sched_cls", "", "", "tc_mark checksum classify"}},
			[]mp{{".rodata.cst16", "array", 4, 16, 1, 0x80, u32s(0x10, 0x20, 0x30, 0x40), true}}}, // static const marks[4]
		{"kprobe", []prog{{"trace_openat2", "kprobe/do_sys_openat2", "kprobe", "", "do_sys_openat2", "trace_openat2"}},
			[]mp{{"opens", "hash", 4, 8, 1024, 0, nil, false}}},
	} {
		t.Run(c.obj, func(t *testing.T) {
			o := openTestObject(t, c.obj)
			if o.License != "GPL" {
				t.Errorf("license %q", o.License)
			}
			if len(o.Programs) != len(c.progs) {
				t.Fatalf("%d programs, want %d:\n%s", len(o.Programs), len(c.progs), o.Describe())
			}
			for i, w := range c.progs {
				p := o.Programs[i]
				var funcs []string
				for _, f := range p.Funcs {
					funcs = append(funcs, f.Name)
				}
				got := prog{p.Name, p.Section, p.ProgType, p.AttachType, p.AttachTo, strings.Join(funcs, " ")}
				if got != w {
					t.Errorf("program %d = %+v, want %+v", i, got, w)
				}
				if p.Funcs[0].Insn != 0 {
					t.Errorf("%s: entry function at %d", p.Name, p.Funcs[0].Insn)
				}
			}
			if len(o.Maps) != len(c.maps) {
				t.Fatalf("%d maps, want %d:\n%s", len(o.Maps), len(c.maps), o.Describe())
			}
			for i, w := range c.maps {
				m := o.Maps[i]
				got := mp{m.Name, m.Type, m.KeySize, m.ValueSize, m.MaxEntries, m.Flags, m.Data, m.Global}
				if m.Frozen != strings.HasPrefix(m.Name, ".rodata") {
					t.Errorf("map %s: Frozen %v", m.Name, m.Frozen)
				}
				if got.name != w.name || got.typ != w.typ || got.key != w.key || got.val != w.val || got.max != w.max ||
					got.flags != w.flags || !bytes.Equal(got.data, w.data) || got.global != w.global {
					t.Errorf("map %d = %+v, want %+v", i, got, w)
				}
			}
		})
	}
}

// Every bpf-to-bpf call lands on the first instruction of a function of
// the linked program; every map reference is an ld_imm64 of the right
// kind pointing at a map of the object.
func TestLinking(t *testing.T) {
	for _, name := range []string{"socket", "xdp", "tc", "kprobe"} {
		o := openTestObject(t, name)
		for _, p := range o.Programs {
			starts := map[int]bool{}
			for _, f := range p.Funcs {
				starts[f.Slot] = true
			}
			slots := p.Insns.PCs()
			calls := 0
			for i, ins := range p.Insns {
				if ins.IsFuncCall() {
					calls++
					if target := slots[i] + 1 + int(ins.Imm); !starts[target] {
						t.Errorf("%s: call at %d lands on slot %d, not a function", p.Name, i, target)
					}
				}
			}
			if calls < len(p.Funcs)-1 {
				t.Errorf("%s: %d calls for %d callees", p.Name, calls, len(p.Funcs)-1)
			}
			for _, r := range p.MapRefs {
				ins := p.Insns[r.Insn]
				want := isa.PseudoMapFD
				if r.Value {
					want = isa.PseudoMapValue
				}
				if !ins.IsLdImm64() || ins.Pseudo() != want || r.Map >= len(o.Maps) || slots[r.Insn] != r.Slot {
					t.Errorf("%s: bad map reference %+v (%+v)", p.Name, r, ins)
				}
			}
		}
	}
}

// CO-RE: kprobe.c reads task->real_parent->tgid through its own
// (incomplete) declaration of task_struct at offsets 16 and 4; relocated
// against Linux 6.1.0-56's BTF they become 2432 and 2420, the offsets of
// real_parent and tgid in that kernel's full BTF.
func TestCORE(t *testing.T) {
	p := openTestObject(t, "kprobe").Programs[0]
	if len(p.CORE) != 2 {
		t.Fatalf("%d CO-RE relocations applied, want 2: %v", len(p.CORE), p.CORE)
	}
	want := map[int64]bool{2432: false, 2420: false}
	for _, ins := range p.Insns {
		if ins.OpCode == isa.ALUOpCode(isa.ALU64Class, isa.Mov, isa.ImmSource) {
			if _, ok := want[ins.Imm]; ok {
				want[ins.Imm] = true
			}
		}
	}
	for off, seen := range want {
		if !seen {
			t.Errorf("no relocated offset %d in the program", off)
		}
	}

	// Against a kernel without task_struct the accesses are poisoned as
	// libbpf does (a call to 0xbad2310, which the verifier refuses only
	// where it is reachable).
	b, _ := os.ReadFile("testdata/kprobe.o")
	empty, err := btf.NewBuilder([]btf.Type{&btf.Int{Name: "int", Size: 4}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := empty.Spec()
	if err != nil {
		t.Fatal(err)
	}
	o, err := OpenWithOptions(b, &Options{TargetBTF: spec})
	if err != nil {
		t.Fatal(err)
	}
	poisoned := 0
	for _, ins := range o.Programs[0].Insns {
		if ins.OpCode == isa.OpCall && ins.Imm == coreBadRelocation {
			poisoned++
		}
	}
	if poisoned != 2 {
		t.Errorf("%d poisoned instructions, want 2", poisoned)
	}
}

// The line info names lines of the C files as they are.
func TestLineInfo(t *testing.T) {
	for _, name := range []string{"socket", "xdp", "tc", "kprobe"} {
		src, err := os.ReadFile("testdata/" + name + ".c")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(src), "\n")
		o := openTestObject(t, name)
		for _, p := range o.Programs {
			if l, ok := p.LineAt(0); !ok || l.Line == 0 {
				t.Errorf("%s: no line info at the entry", p.Name)
			}
			prev := -1
			for _, l := range p.Lines {
				if l.Insn < prev {
					t.Errorf("%s: line records out of order", p.Name)
				}
				prev = l.Insn
				if l.File != "./"+name+".c" {
					t.Errorf("%s: file %q", p.Name, l.File)
				}
				if l.Line == 0 {
					continue // clang's "no line" records
				}
				if l.Line > len(lines) || lines[l.Line-1] != l.Text {
					t.Errorf("%s: insn %d: line %d is %q, BTF says %q", p.Name, l.Insn, l.Line, lines[min(l.Line, len(lines))-1], l.Text)
				}
			}
		}
	}
	p := openTestObject(t, "socket").Programs[0]
	var last Line
	for _, l := range p.Lines {
		last = l
	}
	if got, want := last.Comment(), "; return sum; @ ./socket.c:31"; got != want {
		t.Errorf("Comment() = %q, want %q", got, want)
	}
	if got, want := last.LogComment(), "; return sum;"; got != want {
		t.Errorf("LogComment() = %q, want %q", got, want)
	}
	if l, ok := p.LineFor(len(p.Insns) - 1); !ok || l.Text != last.Text {
		t.Errorf("LineFor(last) = %+v", l)
	}
}

// TestOracle: the kernel (Linux 6.1 in the oracle) accepted exactly the
// records Record makes today, and ran them (answers in testdata/oracle.jsonl).
func TestOracle(t *testing.T) {
	f, err := os.Open("testdata/oracle.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type answer struct {
		Name  string      `json:"name"`
		Insns record.Hex  `json:"insns"`
		OK    bool        `json:"ok"`
		Errno int         `json:"errno"`
		Run   *record.Run `json:"run"`
	}
	dec := json.NewDecoder(bufio.NewReader(f))
	n := 0
	for dec.More() {
		var a answer
		if err := dec.Decode(&a); err != nil {
			t.Fatal(err)
		}
		obj, prog, _ := strings.Cut(a.Name, ".o:")
		o := openTestObject(t, obj)
		p, err := o.Program(prog)
		if err != nil {
			t.Fatal(err)
		}
		in := o.Record(p)
		if !bytes.Equal(in.Insns, a.Insns) {
			t.Errorf("%s: the record differs from what the kernel was given (re-run the oracle, see internal/oraclein)", a.Name)
		}
		if !a.OK {
			t.Errorf("%s: the kernel refused it (errno %d)", a.Name, a.Errno)
		}
		n++
	}
	if n != 5 {
		t.Errorf("%d oracle answers, want 5", n)
	}
}

func TestRecord(t *testing.T) {
	o := openTestObject(t, "socket")
	in := o.Record(o.Programs[0])
	if in.ProgType != "socket_filter" || len(in.Maps) != 4 {
		t.Fatalf("record: %+v", in)
	}
	for _, m := range in.Maps {
		if len(m.Fixups)+len(m.ValueFixups) == 0 {
			t.Errorf("map %s without fixups", m.Name)
		}
		if m.Name == ".rodata" && (len(m.Init) != 1 || !bytes.Equal(m.Init[0].Value, u32s(14))) {
			t.Errorf(".rodata init %+v", m.Init)
		}
	}
}

func TestProgramChoice(t *testing.T) {
	o := openTestObject(t, "xdp")
	if _, err := o.Program(""); err == nil || !strings.Contains(err.Error(), "xdp_drop_all") {
		t.Errorf("no choice among two: %v", err)
	}
	if _, err := o.Program("xdp"); err == nil || !strings.Contains(err.Error(), "holds 2 programs") {
		t.Errorf("ambiguous section: %v", err)
	}
	if p, err := o.Program("xdp_drop_all"); err != nil || p.Name != "xdp_drop_all" {
		t.Errorf("by function: %v", err)
	}
	if p, err := openTestObject(t, "kprobe").Program("kprobe/do_sys_openat2"); err != nil || p.Name != "trace_openat2" {
		t.Errorf("by section: %v", err)
	}
	if _, err := o.Program("nope"); err == nil || !strings.Contains(err.Error(), "programs:") {
		t.Errorf("unknown name must list the programs: %v", err)
	}
}

// Truncated and corrupted objects give errors, never a panic.
func TestMalformed(t *testing.T) {
	for _, name := range []string{"socket", "xdp", "tc", "kprobe"} {
		b, _ := os.ReadFile("testdata/" + name + ".o")
		for n := 0; n < len(b); n += 1 + n/16 {
			if _, err := Open(b[:n]); err == nil {
				t.Errorf("%s truncated to %d bytes opened", name, n)
			} else if err.Error() == "" {
				t.Errorf("empty error")
			}
		}
		for i := 0; i < len(b); i += 7 {
			c := bytes.Clone(b)
			c[i] ^= 0xff
			Open(c) // must not panic
		}
	}
	if _, err := Open([]byte("hello")); err == nil || !strings.Contains(err.Error(), "not an ELF") {
		t.Errorf("text: %v", err)
	}
}

func TestChoose(t *testing.T) {
	o := openTestObject(t, "xdp")
	if p, err := o.Choose("xdp_drop_all", ""); err != nil || p.Name != "xdp_drop_all" {
		t.Errorf("--program: %v", err)
	}
	if _, err := o.Choose("", "xdp"); err == nil || !strings.Contains(err.Error(), "--program") {
		t.Errorf("ambiguous --section: %v", err)
	}
	if _, err := o.Choose("", ""); err == nil || !strings.Contains(err.Error(), "maps:\n  proto_count") {
		t.Errorf("no choice must list programs and maps: %v", err)
	}
	if p, err := openTestObject(t, "tc").Choose("", ""); err != nil || p.Name != "tc_mark" {
		t.Errorf("single program: %v", err)
	}
	if !IsObject([]byte("\x7fELF\x02")) || IsObject([]byte("r0 = 0")) {
		t.Error("IsObject")
	}
}
