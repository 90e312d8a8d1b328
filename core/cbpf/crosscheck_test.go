package cbpf

import (
	"encoding/binary"
	"math/rand/v2"
	"sort"
	"testing"

	xbpf "golang.org/x/net/bpf"
)

// testFrames are Ethernet frames the filters run on.
func testFrames() [][]byte {
	eth := func(typ uint16, payload []byte) []byte {
		f := []byte{0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0, 0, 0, 0, 1, byte(typ >> 8), byte(typ)}
		return append(f, payload...)
	}
	ipv4 := func(proto byte, src, dst [4]byte, l4 []byte) []byte {
		h := []byte{0x45, 0, 0, 0, 0x12, 0x34, 0x40, 0, 64, proto, 0, 0}
		h = append(h, src[:]...)
		h = append(h, dst[:]...)
		binary.BigEndian.PutUint16(h[2:], uint16(20+len(l4)))
		return append(h, l4...)
	}
	ports := func(sp, dp uint16, rest ...byte) []byte {
		b := binary.BigEndian.AppendUint16(nil, sp)
		b = binary.BigEndian.AppendUint16(b, dp)
		return append(b, rest...)
	}
	tcp := ports(40000, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0, 'G', 'E', 'T', ' ')
	udp := ports(5353, 53, 0, 12, 0, 0, 0x12, 0x34, 0x56, 0x78)
	ipv6 := func(next byte, l4 []byte) []byte {
		h := make([]byte, 40)
		h[0] = 0x60
		binary.BigEndian.PutUint16(h[4:], uint16(len(l4)))
		h[6], h[7] = next, 64
		h[23], h[39] = 1, 2
		return append(h, l4...)
	}
	frames := [][]byte{
		eth(0x0800, ipv4(6, [4]byte{10, 1, 2, 3}, [4]byte{1, 2, 3, 4}, tcp)),
		eth(0x0800, ipv4(6, [4]byte{192, 168, 1, 1}, [4]byte{10, 0, 0, 1}, ports(22, 8080, make([]byte, 16)...))),
		eth(0x0800, ipv4(17, [4]byte{10, 9, 9, 9}, [4]byte{224, 0, 0, 251}, udp)),
		eth(0x0800, ipv4(1, [4]byte{127, 0, 0, 1}, [4]byte{127, 0, 0, 1}, []byte{8, 0, 0, 0, 0, 1, 0, 1})),
		eth(0x0800, ipv4(47, [4]byte{1, 1, 1, 1}, [4]byte{2, 2, 2, 2}, make([]byte, 600))),
		eth(0x0806, make([]byte, 28)),
		eth(0x86dd, ipv6(6, ports(1234, 443, make([]byte, 16)...))),
		eth(0x86dd, ipv6(17, udp)),
		eth(0x8100, append([]byte{0, 5, 0x08, 0x00}, ipv4(6, [4]byte{1, 2, 3, 4}, [4]byte{5, 6, 7, 8}, tcp)...)),
		eth(0x8847, make([]byte, 40)),
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		{},
	}
	r := rand.New(rand.NewPCG(7, 9))
	for n := 0; n < 8; n++ {
		b := make([]byte, r.IntN(120))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		frames = append(frames, b)
	}
	return frames
}

// crossCheck runs p on skb with Run, with the converted eBPF, and with
// x/net/bpf's VM, and reports disagreements. It returns whether x/net
// was compared (it is not where the run used behaviour x/net does not
// model: ancillary fields, negative-offset windows, wrapping indirect
// offsets, shifts by 32 or more) and why not.
func crossCheck(t *testing.T, name string, p Program, skb *Skb, c *Converted, vm *xbpf.VM) (bool, string) {
	t.Helper()
	var notes runNotes
	want := run(p, skb, &notes)
	if c != nil {
		got, err := execConverted(c, skb)
		if err != nil || got != want {
			t.Errorf("%s: converted eBPF gives %d (%v), classic run %d", name, got, err, want)
		}
	}
	switch {
	case vm == nil:
		return false, "x/net VM cannot run it (ancillary extension, neg or ldx #len)"
	case notes.ancillary:
		return false, "ancillary field"
	case notes.negative:
		return false, "SKF_NET_OFF/SKF_LL_OFF load"
	case notes.indWrap:
		return false, "x + k wraps"
	case notes.bigShift:
		return false, "shift by X >= 32"
	}
	got, err := vm.Run(skb.Data)
	if err != nil {
		t.Errorf("%s: x/net VM: %v", name, err)
	} else if uint32(got) != want {
		t.Errorf("%s on %x: x/net VM returns %d, bpfplay %d", name, skb.Data, got, want)
	}
	return true, ""
}

// xnetVM builds x/net/bpf's VM for p, or nil where it cannot run p as
// Linux does: it has no neg, and it decodes "ldx #len" (0x81) as a load
// of the length into A (an x/net limitation; Linux loads X).
func xnetVM(p Program) *xbpf.VM {
	for _, i := range p {
		if i.Code == ClassAlu|AluNeg || i.Code == ClassLdx|SizeW|ModeLen {
			return nil
		}
	}
	raw := make([]xbpf.RawInstruction, len(p))
	for i, in := range p {
		raw[i] = xbpf.RawInstruction{Op: in.Code, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	insns, ok := xbpf.Disassemble(raw)
	if !ok {
		return nil
	}
	vm, err := xbpf.NewVM(insns)
	if err != nil {
		return nil
	}
	return vm
}

type crossStats struct {
	runs, compared int
	skipped        map[string]int
}

func (s *crossStats) add(ok bool, why string) {
	s.runs++
	if ok {
		s.compared++
	} else {
		if s.skipped == nil {
			s.skipped = map[string]int{}
		}
		s.skipped[why]++
	}
}

func (s *crossStats) log(t *testing.T, what string) {
	keys := make([]string, 0, len(s.skipped))
	for k := range s.skipped {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("%s: %d runs, all also through the converted eBPF; %d cross-checked with x/net/bpf; not comparable with x/net:", what, s.runs, s.compared)
	for _, k := range keys {
		t.Logf("  %6d  %s", s.skipped[k], k)
	}
}

// TestCrossCheckTcpdump runs every tcpdump-compiled filter on the test
// frames: classic runner, converted eBPF and x/net/bpf must agree.
func TestCrossCheckTcpdump(t *testing.T) {
	var st crossStats
	frames := testFrames()
	for _, g := range loadGoldens(t, "testdata/tcpdump/*.txtar") {
		if Check(g.prog) != nil {
			continue // protochain: refused by Linux
		}
		c, err := Convert(g.prog)
		if err != nil {
			t.Fatal(err)
		}
		vm := xnetVM(g.prog)
		for _, f := range frames {
			st.add(crossCheck(t, g.expr, g.prog, TestBPFSkb(f), c, vm))
		}
	}
	if st.compared == 0 {
		t.Fatal("nothing cross-checked")
	}
	st.log(t, "tcpdump filters")
}

// TestCrossCheckCorpus runs the accepted test_bpf records the same way.
func TestCrossCheckCorpus(t *testing.T) {
	var st crossStats
	for _, r := range classicRecords(t) {
		if r.Expect.Result != "accept" {
			continue
		}
		p, _ := DecodeRaw(r.Insns)
		c, err := Convert(p)
		if err != nil {
			t.Fatal(err)
		}
		var data []byte
		if r.TestRun != nil {
			data = r.TestRun.Data
		}
		st.add(crossCheck(t, r.Name, p, TestBPFSkb(data), c, xnetVM(p)))
	}
	st.log(t, "test_bpf classic records")
}

// randomProgram makes a valid classic program of n instructions that
// exercises every opcode, with constants picked to hit edge cases.
func randomProgram(r *rand.Rand, n int) Program {
	codes := make([]uint16, 0, len(validCodes))
	for c := range validCodes {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool { return codes[i] < codes[j] })
	ks := []uint32{0, 1, 2, 3, 4, 12, 14, 23, 31, 32, 0x7fffffff, 0x80000000, 0xffffffff, AncOffset, NetOffset, LLOffset, NetOffset + 9, LLOffset + 12}
	p := make(Program, n)
	for pc := range p {
		if pc == n-1 {
			p[pc] = Instruction{Code: ClassRet | RetA}
			if r.IntN(2) == 0 {
				p[pc] = Instruction{Code: ClassRet | RetK, K: r.Uint32()}
			}
			break
		}
		i := Instruction{Code: codes[r.IntN(len(codes))]}
		switch r.IntN(3) {
		case 0:
			i.K = ks[r.IntN(len(ks))]
		case 1:
			i.K = uint32(r.IntN(64))
		default:
			i.K = r.Uint32()
		}
		switch {
		case i.Code == ClassLd|SizeW|ModeAbs && r.IntN(3) == 0:
			i.K = AncOffset + uint32(r.IntN(16))*4
		case i.Code == ClassAlu|AluDiv|SrcK || i.Code == ClassAlu|AluMod|SrcK:
			i.K |= 1
		case i.Code == ClassAlu|AluLsh|SrcK || i.Code == ClassAlu|AluRsh|SrcK:
			i.K %= 32
		case i.Code == ClassLd|ModeMem || i.Code == ClassLdx|ModeMem || i.Code == ClassSt || i.Code == ClassStx:
			i.K %= MemWords
		case i.Code == ClassJmp|JmpJa:
			i.K = uint32(r.IntN(n - pc - 1))
		case i.IsCondJump():
			i.Jt = uint8(r.IntN(min(n-pc-1, 256)))
			i.Jf = uint8(r.IntN(min(n-pc-1, 256)))
		}
		p[pc] = i
	}
	// Store every slot first so the scratch rule always holds.
	pre := Program{}
	for k := uint32(0); k < MemWords; k++ {
		pre = append(pre, Instruction{Code: ClassSt, K: k})
	}
	return append(pre, p...)
}

// TestCrossCheckRandom: 3000 random valid programs on the test frames.
func TestCrossCheckRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	frames := testFrames()
	var st crossStats
	for n := 0; n < 3000; n++ {
		p := randomProgram(r, 2+r.IntN(40))
		for Check(p) != nil { // e.g. [k] in the ancillary area but no field
			p = randomProgram(r, 2+r.IntN(40))
		}
		c, err := Convert(p)
		if err != nil {
			t.Fatal(err)
		}
		vm := xnetVM(p)
		f := frames[n%len(frames)]
		skb := TestBPFSkb(f)
		skb.CPU = 1
		skb.Random = func() uint32 { return 0x5eed }
		st.add(crossCheck(t, "random", p, skb, c, vm))
		if t.Failed() {
			t.Fatalf("program:\n%s", FormatTcpdumpListing(p))
		}
	}
	st.log(t, "random programs")
}
