package interp

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/helpers"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/progtype"
)

func compileAsm(t testing.TB, src string, opt *Options) *Program {
	t.Helper()
	l, err := kernel.Assemble(src)
	if err != nil {
		t.Fatalf("assemble: %v", err)
	}
	p, err := Compile(l.Program, opt)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return p
}

// TestFaults: invalid accesses stop the program with a fault naming the
// pc; nothing panics and nothing outside the regions is touched.
func TestFaults(t *testing.T) {
	cases := []struct {
		name, src string
		kind      FaultKind
		pc        int
		msg       string
	}{
		{"null-load", "r1 = 0\nr0 = *(u64 *)(r1 +0)\nexit", FaultMemory, 1, "NULL pointer"},
		{"small-int", "r1 = 4096\nr0 = *(u8 *)(r1 +0)\nexit", FaultMemory, 1, "not a pointer"},
		{"stack-below", "r0 = *(u64 *)(r10 -520)\nexit", FaultMemory, 0, "outside the 512-byte stack"},
		{"stack-above", "*(u32 *)(r10 +0) = 1\nexit", FaultMemory, 0, "outside the 512-byte stack"},
		{"stack-straddle", "r0 = *(u64 *)(r10 -4)\nexit", FaultMemory, 0, "outside the 512-byte stack"},
		{"wild", "r1 = 0x7fff00000000 ll\n*(u64 *)(r1 +0) = 1\nexit", FaultMemory, 2, "outside every region"},
		{"atomic-null", "r1 = 0\nr2 = 1\nlock *(u64 *)(r1 +0) += r2\nexit", FaultMemory, 2, "NULL"},
		{"fall-off", "r0 = 1", FaultInsn, 0, "fell off the end"},
		{"jump-out", "if r0 == 0 goto pc+5\nexit", FaultInsn, 0, "jump out of range"},
		{"into-ldimm64", "goto pc+1\nr1 = 0x100000000 ll\nexit", FaultInsn, 2, "middle of ld_imm64"},
		{"unknown-helper", "call 999\nexit", FaultCall, 0, "unknown"},
		{"kfunc", "call kfunc 5\nexit", FaultCall, 0, "kfunc"},
		{"budget", "l:\ngoto l", FaultBudget, 0, "budget"},
		{"ld-abs-no-skb", "r0 = *(u8 *)skb[0]\nexit", FaultInsn, 0, "skb"},
		{"callx-bad", "r1 = 12345678 ll\ncallx r1\nexit", FaultCall, 2, "invalid func"},
		{"callx-ptr", "r1 = r10\ncallx r1\nexit", FaultCall, 1, "not a function"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, err := kernel.Assemble(c.src)
			if err != nil {
				t.Skipf("the kernel dialect cannot write this case: %v", err)
			}
			p, err := Compile(l.Program, nil)
			if err != nil {
				t.Fatal(err)
			}
			res := p.Run(&Env{Budget: 1000})
			if res.Fault == nil {
				t.Fatalf("no fault, r0 = %#x", res.R0)
			}
			if res.Fault.Kind != c.kind || res.Fault.PC != c.pc || !strings.Contains(res.Fault.Msg, c.msg) {
				t.Errorf("fault %v (kind %v pc %d), want kind %v pc %d containing %q", res.Fault, res.Fault.Kind, res.Fault.PC, c.kind, c.pc, c.msg)
			}
		})
	}
}

func TestBudgetCountsExactly(t *testing.T) {
	p := compileAsm(t, "r0 = 0\nl:\nr0 += 1\nif r0 < 100 goto l\nexit", nil)
	res := p.Run(nil)
	if res.Fault != nil || res.R0 != 100 || res.Insns != 1+2*100+1 {
		t.Fatalf("r0 %d insns %d fault %v", res.R0, res.Insns, res.Fault)
	}
	res = p.Run(&Env{Budget: 50})
	if res.Fault == nil || res.Fault.Kind != FaultBudget || res.Insns != 50 {
		t.Fatalf("budget 50: insns %d fault %v", res.Insns, res.Fault)
	}
}

func TestCancel(t *testing.T) {
	p := compileAsm(t, "l:\ngoto l", nil)
	var c atomic.Bool
	c.Store(true)
	res := p.Run(&Env{Budget: -1, Cancel: &c})
	if res.Fault == nil || res.Fault.Kind != FaultCancelled {
		t.Fatalf("fault %v", res.Fault)
	}
}

// TestCalls: bpf-to-bpf calls get their own stack, see their arguments,
// and leave the caller's r6-r9 and stack alone; 8 frames at most.
func TestCalls(t *testing.T) {
	p := compileAsm(t, `r6 = 6
r7 = 7
*(u64 *)(r10 -8) = 100
r1 = 5
call f
r0 += r6
r0 += r7
r1 = *(u64 *)(r10 -8)
r0 += r1
exit
f:
r6 = 60
r7 = 70
*(u64 *)(r10 -8) = 1000
r0 = r1
r0 *= 2
exit
`, nil)
	res := p.Run(nil)
	if res.Fault != nil || res.R0 != 10+6+7+100 {
		t.Fatalf("r0 %d fault %v", res.R0, res.Fault)
	}
	deep := compileAsm(t, "r1 = 0\ncall f\nexit\nf:\nr1 += 1\nif r1 > 20 goto out\ncall f\nout:\nr0 = r1\nexit\n", nil)
	res = deep.Run(nil)
	if res.Fault == nil || res.Fault.Kind != FaultCall || !strings.Contains(res.Fault.Msg, "too deep") {
		t.Fatalf("recursion: %v", res.Fault)
	}
	// Seven nested calls (8 frames) are fine.
	// (the caller's r1 comes back after a call, as in Linux's
	// interpreter, so the depth travels in r0)
	ok := compileAsm(t, "r1 = 0\ncall f\nexit\nf:\nr1 += 1\nr0 = r1\nif r1 > 6 goto out\ncall f\nout:\nexit\n", nil)
	if res := ok.Run(nil); res.Fault != nil || res.R0 != 7 {
		t.Fatalf("8 frames: r0 %d %v", res.R0, res.Fault)
	}
}

// TestTailCalls: a prog_array slot runs in place of the caller; an empty
// slot or an index past the end falls through; after 33 tail calls the
// next falls through.
func TestTailCalls(t *testing.T) {
	pa, err := maps.New(&maps.Spec{Type: maps.ProgArray, KeySize: 4, ValueSize: 4, MaxEntries: 4})
	if err != nil {
		t.Fatal(err)
	}
	fds := map[int32]maps.Map{0: pa}
	// Slot 0: counts its runs in a stack-free way: r0 comes from the
	// ctx-less r7 counter kept across tail calls.
	self := compileAsm(t, `r7 += 1
r1 = map[pa] ll
r2 = r1
r3 = 0
call bpf_tail_call
r0 = r7
exit
`, &Options{MapFDs: fds})
	pa.(*maps.ProgArrayMap).Set(0, self, 1)
	main := compileAsm(t, `r7 = 0
r1 = map[pa] ll
r2 = r1
r3 = 3
call bpf_tail_call
r1 = map[pa] ll
r2 = r1
r3 = 9
call bpf_tail_call
r1 = map[pa] ll
r2 = r1
r3 = 0
call bpf_tail_call
r0 = 1000
exit
`, &Options{MapFDs: fds})
	res := main.Run(nil)
	if res.Fault != nil {
		t.Fatal(res.Fault)
	}
	// Linux counts a tail call to an empty slot (index 3) but not one
	// past the end (9): 32 runs of slot 0 are left of the 33 allowed.
	if res.R0 != 32 {
		t.Fatalf("r0 = %d, want 32", res.R0)
	}
}

func TestCallxFunctionPointer(t *testing.T) {
	p := compileAsm(t, "r2 = func[f] ll\nr1 = 20\ncallx r2\nr0 += 1\nexit\nf:\nr0 = r1\nexit\n", nil)
	res := p.Run(nil)
	if res.Fault != nil || res.R0 != 21 {
		t.Fatalf("r0 %d %v", res.R0, res.Fault)
	}
}

func TestMapValuePointer(t *testing.T) {
	arr, _ := maps.New(&maps.Spec{Type: maps.Array, KeySize: 4, ValueSize: 16, MaxEntries: 1})
	p2 := compileAsm(t, "r1 = map[d][0]+8 ll\nr2 = 7\n*(u64 *)(r1 +0) = r2\nr0 = *(u64 *)(r1 +0)\nr1 = *(u64 *)(r1 +8)\nexit\n", &Options{MapFDs: map[int32]maps.Map{0: arr}})
	res := p2.Run(nil)
	if res.Fault == nil || !strings.Contains(res.Fault.Msg, "outside the 16-byte map value") {
		t.Fatalf("want an out-of-value fault, got r0 %d %v", res.R0, res.Fault)
	}
	if v := arr.Lookup([]byte{0, 0, 0, 0}); v[8] != 7 {
		t.Fatalf("value %x", v)
	}
}

// TestSKBContext: __sk_buff fields read the model; data/data_end give a
// packet region exactly as long as the packet.
func TestSKBContext(t *testing.T) {
	sf, _ := progtype.ByName("sched_cls")
	pkt := make([]byte, 60)
	pkt[12], pkt[13] = 0x08, 0x00
	pkt[20] = 0xab
	p := compileAsm(t, `r2 = *(u32 *)(r1 +76)
r3 = *(u32 *)(r1 +80)
r0 = r3
r0 -= r2
r4 = *(u8 *)(r2 +20)
r0 <<= 8
r0 |= r4
r5 = *(u32 *)(r1 +16)
r0 <<= 16
r0 |= r5
exit
`, nil)
	rt, _ := progtype.NewRun(sf, progtype.Input{Data: pkt})
	res := p.Run(&Env{Ctx: rt})
	if res.Fault != nil || res.R0 != (60<<8|0xab)<<16|0x0008 {
		t.Fatalf("r0 %#x %v", res.R0, res.Fault)
	}
	past := compileAsm(t, "r2 = *(u32 *)(r1 +80)\nr0 = *(u8 *)(r2 +0)\nexit\n", nil)
	if res := past.Run(&Env{Ctx: rt}); res.Fault == nil || res.Fault.Kind != FaultMemory {
		t.Fatalf("read at data_end: %v", res.Fault)
	}
	bad := compileAsm(t, "r0 = *(u32 *)(r1 +2000)\nexit\n", nil)
	if res := bad.Run(&Env{Ctx: rt}); res.Fault == nil || !strings.Contains(res.Fault.Msg, "invalid bpf_context access off=2000 size=4") {
		t.Fatalf("ctx off 2000: %v", res.Fault)
	}
}

// TestTrace: one step per executed instruction, with changed registers
// and written memory.
func TestTrace(t *testing.T) {
	p := compileAsm(t, "r1 = 5\n*(u32 *)(r10 -4) = r1\nr0 = 1\nexit\n", nil)
	res := p.Run(&Env{Trace: 100})
	if len(res.Trace) != 4 || res.Insns != 4 {
		t.Fatalf("%d steps, %d insns", len(res.Trace), res.Insns)
	}
	if s := res.Trace[0]; s.PC != 0 || len(s.Regs) != 1 || s.Regs[0].Reg != 1 || s.Regs[0].Value != 5 {
		t.Errorf("step 0: %+v", s)
	}
	if s := res.Trace[1]; len(s.Mem) != 1 || s.Mem[0].Off != -4 || s.Mem[0].Region != "fp" || string(s.Mem[0].Data) != "\x05\x00\x00\x00" {
		t.Errorf("step 1: %+v", s)
	}
	res = p.Run(&Env{Trace: 2})
	if len(res.Trace) != 2 || !res.TraceTruncated || res.R0 != 1 {
		t.Errorf("bounded trace: %d steps truncated=%v r0=%d", len(res.Trace), res.TraceTruncated, res.R0)
	}
}

// TestALUEdgeCases: Linux's answers (RFC 9669) for division by zero,
// INT_MIN / -1, shift masking and 32-bit zero extension.
func TestALUEdgeCases(t *testing.T) {
	cases := []struct {
		src  string
		want uint64
	}{
		{"r0 = 7\nr1 = 0\nr0 /= r1\nexit", 0},
		{"r0 = 7\nr1 = 0\nr0 %= r1\nexit", 7},
		{"r0 = -1\nr1 = 0\nw0 %= w1\nexit", 0xffffffff},
		{"r0 = 0x8000000000000000 ll\nr1 = -1\nr0 s/= r1\nexit", 0x8000000000000000},
		{"r0 = 0x8000000000000000 ll\nr1 = -1\nr0 s%= r1\nexit", 0},
		{"r0 = 1\nr1 = 65\nr0 <<= r1\nexit", 2},
		{"r0 = 1\nr1 = 33\nw0 <<= w1\nexit", 2},
		{"r0 = -1\nw0 += 0\nexit", 0xffffffff},
		{"r0 = -8\nr0 s>>= 1\nexit", uint64(1<<64 - 4)},
		{"r0 = 0x80\nr0 = (s8)r0\nexit", uint64(1<<64 - 128)},
	}
	for _, c := range cases {
		l, err := kernel.Assemble(c.src)
		if err != nil {
			t.Errorf("%q: %v", c.src, err)
			continue
		}
		p, _ := Compile(l.Program, nil)
		if res := p.Run(nil); res.Fault != nil || res.R0 != c.want {
			t.Errorf("%q: r0 %#x %v, want %#x", c.src, res.R0, res.Fault, c.want)
		}
	}
}

var _ = isa.R0

// kernelCtx is a context with a pointer field to another object, as a
// kernel-layout sk_buff points to its net_device.
type kernelCtx struct{ dev []byte }

func (k *kernelCtx) Struct() *progtype.Struct { return &progtype.Struct{Name: "sk_buff"} }
func (k *kernelCtx) LoadField(off, size int) (uint64, progtype.FieldKind, error) {
	if off == 16 && size == 8 {
		return 0, progtype.PtrMem, nil
	}
	return 0, 0, &progtype.AccessError{Off: off, Size: size}
}
func (k *kernelCtx) StoreField(off, size int, v uint64) error {
	return &progtype.AccessError{Off: off, Size: size, Write: true}
}
func (k *kernelCtx) Packet() ([]byte, int, int, int)        { return make([]byte, 16), 0, 0, 16 }
func (k *kernelCtx) Pointee(off int) (string, []byte, bool) { return "net_device", k.dev, false }

// TestKernelFuncsAndPointees: the hooks converted classic programs need.
func TestKernelFuncsAndPointees(t *testing.T) {
	kf := map[int32]helpers.Func{-1234: func(m helpers.Machine, a *[5]uint64) (uint64, error) { return a[0] * 3, nil }}
	p, err := Compile(isa.Program{
		{OpCode: 0x79, Dst: 2, Src: 1, Off: 16}, // r2 = *(u64 *)(r1 +16): dev
		{OpCode: 0x61, Dst: 6, Src: 2, Off: 4},  // r6 = *(u32 *)(r2 +4)
		{OpCode: 0xbf, Dst: 1, Src: 6},          // r1 = r6
		{OpCode: isa.OpCall, Imm: -1234},        // a kernel function
		{OpCode: isa.OpExit},
	}, &Options{KernelFuncs: kf})
	if err != nil {
		t.Fatal(err)
	}
	dev := []byte{0, 0, 0, 0, 7, 0, 0, 0}
	res := p.Run(&Env{Ctx: &progtype.Run{Ctx: &kernelCtx{dev: dev}}})
	if res.Fault != nil || res.R0 != 21 {
		t.Fatalf("r0 %d %v", res.R0, res.Fault)
	}
}
