package load

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/internal/compare"
	"github.com/bpfplay/bpfplay/jit/native"
)

// jitCase is a program with rewrites, whose JIT listing must be the
// kernel's image of the xlated program. The kernel's answers are in
// testdata/jit-xlated.jsonl (scripts/oracle.sh, trimmed: xlated, jited,
// test run); regenerate the oracle's input with
// BPFPLAY_JIT_ORACLE_IN=/tmp/in.jsonl go test ./core/load -run TestJITXlated
// then scripts/oracle.sh /tmp/in.jsonl OUT.jsonl.
type jitCase struct {
	name, progType, src string
	maps                []record.Map
	data                []byte
	// orig is, per xlated instruction, the index of the original
	// instruction it comes from (nil: not checked).
	orig []int
}

func frame(n int, set map[int]byte) []byte {
	b := make([]byte, n)
	for i, v := range set {
		b[i] = v
	}
	return b
}

var jitCases = []jitCase{
	{
		// __sk_buff->len becomes a load of struct sk_buff's len.
		name: "skb len", progType: "socket_filter",
		src:  "r0 = *(u32 *)(r1 +0)\nexit",
		data: frame(64, nil),
		orig: []int{0, 1},
	},
	{
		// Fields that need two loads (ifindex through skb->dev) or a
		// shift (protocol is big-endian in the uapi).
		name: "skb fields", progType: "socket_filter",
		src: `r2 = *(u32 *)(r1 +0)
r3 = *(u32 *)(r1 +16)
r4 = *(u32 *)(r1 +8)
r5 = *(u32 *)(r1 +40)
r0 = r2
r0 += r3
r0 += r4
r0 += r5
exit`,
		data: frame(80, map[int]byte{12: 0x08}),
	},
	{
		// tc direct packet access: data and data_end come from the
		// skb and its cb (bpf_skb_data_end).
		name: "tc packet access", progType: "sched_cls",
		src: `r2 = *(u32 *)(r1 +76)
r3 = *(u32 *)(r1 +80)
r4 = r2
r4 += 14
if r4 > r3 goto out
r0 = *(u8 *)(r2 +12)
exit
out:
r0 = 0
exit`,
		data: frame(64, map[int]byte{12: 0x08}),
	},
	{
		// xdp_md->data/data_end become 64-bit loads of xdp_buff.
		name: "xdp data", progType: "xdp",
		src: `r2 = *(u32 *)(r1 +0)
r3 = *(u32 *)(r1 +4)
r4 = r2
r4 += 14
r0 = 1
if r4 > r3 goto out
r5 = *(u16 *)(r2 +12)
if r5 != 0x8 goto out
r0 = 2
out:
exit`,
		data: frame(64, map[int]byte{12: 0x08}),
		orig: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
	},
	{
		// An array lookup inlined, the map's value read.
		name: "array lookup inlined", progType: "socket_filter",
		src: `r1 = 0
*(u32 *)(r10 -4) = r1
r2 = r10
r2 += -4
r1 = map[vals] ll
call bpf_map_lookup_elem
r1 = r0
r0 = 0
if r1 == 0 goto out
r0 = *(u32 *)(r1 +0)
out:
exit`,
		maps: []record.Map{{Name: "vals", Type: "array", KeySize: 4, ValueSize: 4, MaxEntries: 4,
			Init: []record.Entry{{Key: record.Hex{0, 0, 0, 0}, Value: record.Hex{7, 0, 0, 0}}}}},
		data: frame(64, nil),
		orig: []int{0, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 9, 10},
	},
	{
		// A hash lookup calls __htab_map_lookup_elem and offsets its
		// result; an update goes to htab_map_update_elem.
		name: "hash lookup and update", progType: "socket_filter",
		src: `r1 = 5
*(u32 *)(r10 -4) = r1
*(u64 *)(r10 -16) = r1
r1 = map[counts] ll
r2 = r10
r2 += -4
r3 = r10
r3 += -16
r4 = 0
call bpf_map_update_elem
r1 = map[counts] ll
r2 = r10
r2 += -4
call bpf_map_lookup_elem
r1 = r0
r0 = 0
if r1 == 0 goto out
r0 = *(u64 *)(r1 +0)
out:
exit`,
		maps: []record.Map{{Name: "counts", Type: "hash", KeySize: 4, ValueSize: 8, MaxEntries: 8}},
		data: frame(64, nil),
		orig: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 13, 13, 14, 15, 16, 17, 18},
	},
	{
		// LD_ABS becomes a call of bpf_skb_load_helper_8 with the
		// fast path inlined.
		name: "ld_abs", progType: "socket_filter",
		src: `r6 = r1
r0 = *(u8 *)skb[12]
exit`,
		data: frame(64, map[int]byte{12: 0x08}),
		orig: []int{0, 1, 1, 1, 1, 1, 1, 2},
	},
	{
		// Division by a register gets the verifier's zero guard.
		name: "div guard", progType: "socket_filter",
		src: `r2 = *(u32 *)(r1 +0)
r0 = 100
r0 /= r2
exit`,
		data: frame(64, nil),
		orig: []int{0, 1, 2, 2, 2, 2, 3},
	},
	{
		// A bpf-to-bpf call: two functions, each with its own stack.
		name: "bpf2bpf call", progType: "socket_filter",
		src: `r1 = 3
*(u64 *)(r10 -8) = r1
call f
r1 = *(u64 *)(r10 -8)
r0 += r1
exit
f:
r1 = 4
*(u64 *)(r10 -16) = r1
r0 = *(u64 *)(r10 -16)
exit`,
		data: frame(64, nil),
	},
	{
		// A helper: its call goes to the kernel function by address.
		name: "helper call", progType: "socket_filter",
		src: `call bpf_get_prandom_u32
r0 &= 0
r0 += 1
exit`,
		data: frame(64, nil),
	},
	{
		// Tail calls: a constant index inside the array is a direct jump
		// the JIT patches; one past its end, or an index the verifier
		// cannot pin, looks the slot up at run time.
		name: "tail calls direct and indirect", progType: "socket_filter",
		src: `r6 = r1
r7 = *(u32 *)(r1 +0)
r1 = r6
r2 = map[progs] ll
r3 = 1
call bpf_tail_call
r1 = r6
r2 = map[progs] ll
r3 = 100
call bpf_tail_call
r1 = r6
r2 = map[progs] ll
r3 = r7
call bpf_tail_call
r0 = 7
exit`,
		maps: []record.Map{{Name: "progs", Type: "prog_array", KeySize: 4, ValueSize: 4, MaxEntries: 4}},
		data: frame(64, nil),
	},
}

func (c *jitCase) request() *Request {
	return &Request{Source: Source{Text: c.src}, ProgType: c.progType, Maps: c.maps, JIT: true,
		Run: &RunOptions{Data: c.data}}
}

// TestJITXlated loads each case with the JIT and checks that the JIT
// pane shows the kernel's image of the xlated program, mapped to the
// xlated and the original instructions.
func TestJITXlated(t *testing.T) {
	if path := os.Getenv("BPFPLAY_JIT_ORACLE_IN"); path != "" {
		writeOracleInput(t, path)
		return
	}
	kernel := readKernelAnswers(t, "testdata/jit-xlated.jsonl")
	for _, c := range jitCases {
		t.Run(c.name, func(t *testing.T) {
			k := kernel[c.name]
			if k == nil {
				t.Fatalf("no kernel answer in testdata/jit-xlated.jsonl (regenerate: see jitCase)")
			}
			resp := Load(context.Background(), c.request())
			if !resp.OK || resp.JIT == nil || resp.Verifier == nil {
				t.Fatalf("not loaded: %+v", resp.Diagnostics)
			}
			if resp.JIT.Program != "xlated" {
				t.Errorf("JIT program %q, want xlated", resp.JIT.Program)
			}
			var ours []byte
			for _, l := range resp.Xlated {
				ours = append(ours, mustHex(t, l.Hex)...)
			}
			if !compare.SameXlated(ours, k.Xlated) {
				t.Errorf("xlated differs from the kernel's:\n  ours   %x\n  kernel %x", ours, []byte(k.Xlated))
			}
			if d := compare.JitedDiff(resp.JIT.Code, k.Jited, resp.JIT.FuncLens, k.JitedFuncLens); d != "" {
				t.Errorf("JIT image differs from the kernel's: %s\n  ours   %x\n  kernel %x", d, []byte(resp.JIT.Code), []byte(k.Jited))
			}
			checkListing(t, resp, c.orig)
			if k.Run != nil && (resp.Run == nil || resp.Run.Retval != k.Run.Retval) {
				t.Errorf("interpreter run %+v, kernel retval %d", resp.Run, k.Run.Retval)
			}
		})
	}
}

// checkListing checks that every machine-code line names an xlated
// slot that exists, and the original instruction each xlated
// instruction comes from where the case says.
func checkListing(t *testing.T, resp *Response, orig []int) {
	t.Helper()
	xlPC := map[int]int{} // xlated slot -> index
	for i, l := range resp.Xlated {
		xlPC[l.PC] = i
	}
	origPC := map[int]int{}
	for i, l := range resp.Listing {
		origPC[l.PC] = i
	}
	for _, l := range resp.JIT.Listing {
		if l.Slot < 0 {
			continue
		}
		i, ok := xlPC[l.Slot]
		if !ok {
			t.Errorf("listing line at %d names slot %d, not an xlated instruction", l.Off, l.Slot)
			continue
		}
		if orig == nil {
			continue
		}
		want := orig[i]
		got := -1
		if l.OrigSlot != nil {
			got = origPC[*l.OrigSlot]
		}
		if got != want {
			t.Errorf("xlated insn %d (%s): from original insn %d, want %d", i, resp.Xlated[i].Text, got, want)
		}
	}
}

// TestNativeXlated runs each case natively (the xlated program on a
// kernel-layout context) and compares r0 and the maps with the
// interpreter's run of the program as written and with the kernel's.
func TestNativeXlated(t *testing.T) {
	if err := native.Available(); err != nil {
		t.Skipf("native execution is not available here: %v", err)
	}
	kernel := readKernelAnswers(t, "testdata/jit-xlated.jsonl")
	for _, c := range jitCases {
		t.Run(c.name, func(t *testing.T) {
			req := c.request()
			interp := Load(context.Background(), req)
			req = c.request()
			req.Run.Engine = "native"
			nat := Load(context.Background(), req)
			if nat.Run == nil || nat.Run.Engine != "native" || !nat.Run.OK {
				t.Fatalf("native run %+v, diagnostics %+v", nat.Run, nat.Diagnostics)
			}
			if nat.Run.R0 != interp.Run.R0 {
				t.Errorf("r0 native %d, interpreter %d", nat.Run.R0, interp.Run.R0)
			}
			if k := kernel[c.name]; k != nil && k.Run != nil && nat.Run.Retval != k.Run.Retval {
				t.Errorf("retval native %d, kernel %d", nat.Run.Retval, k.Run.Retval)
			}
			if a, b := fmt.Sprint(nat.Run.Maps), fmt.Sprint(interp.Run.Maps); a != b {
				t.Errorf("maps after the run:\n  native %s\n  interp %s", a, b)
			}
		})
	}
}

func mustHex(t *testing.T, s string) []byte {
	b, err := record.ParseHex(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readKernelAnswers(t *testing.T, path string) map[string]*record.Out {
	t.Helper()
	all, err := record.ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*record.Out{}
	for _, in := range all {
		m[in.Name] = in.Kernel
	}
	return m
}

// writeOracleInput writes the cases as program records for the kernel
// oracle.
func writeOracleInput(t *testing.T, path string) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, c := range jitCases {
		req := c.request()
		p, err := resolve(req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		in := p.record(req)
		in.Name = c.name
		if err := enc.Encode(in); err != nil {
			t.Fatal(err)
		}
	}
}

// TestXlatedListingNames: the xlated listing names what the rewritten
// calls go to, as bpftool's dump does (the reference kernel's symbols).
func TestXlatedListingNames(t *testing.T) {
	tests := []struct {
		cas  int
		want []string
	}{
		{5, []string{"r1 = map[counts]", "call htab_map_update_elem#212640", "call __htab_map_lookup_elem#201840", "r0 += 56"}},
		{6, []string{"call bpf_skb_load_helper_8_no_cache#6327184"}},
		{8, []string{"call pc+3"}},
		{9, []string{"call bpf_user_rnd_u32#29232"}},
	}
	for _, tc := range tests {
		c := jitCases[tc.cas]
		t.Run(c.name, func(t *testing.T) {
			resp := Load(context.Background(), c.request())
			have := map[string]bool{}
			for _, l := range resp.Xlated {
				have[l.Text] = true
			}
			for _, w := range tc.want {
				if !have[w] {
					t.Errorf("no xlated line %q in %+v", w, resp.Xlated)
				}
			}
		})
	}
}

// TestNativeSparseMaps: a program record whose first map is unused runs
// natively on the right map (native.Request.MapIDs: the xlated program
// names its map by id 2), and the JIT listing names it.
func TestNativeSparseMaps(t *testing.T) {
	if err := native.Available(); err != nil {
		t.Skipf("native execution is not available here: %v", err)
	}
	prog := assemble(t, `r1 = 9
*(u32 *)(r10 -4) = r1
*(u64 *)(r10 -16) = r1
r1 = 0 ll
r2 = r10
r2 += -4
r3 = r10
r3 += -16
r4 = 0
call bpf_map_update_elem
r0 = 0
exit`)
	maps := []record.Map{
		{Name: "first", Type: "array", KeySize: 4, ValueSize: 8, MaxEntries: 1},
		{Name: "second", Type: "hash", KeySize: 4, ValueSize: 8, MaxEntries: 4, Fixups: []int{3}},
	}
	var runs [2]*Response
	for i, engine := range []string{"interp", "native"} {
		runs[i] = Load(context.Background(), &Request{Source: Source{Insns: prog.Encode()}, Maps: maps, JIT: true,
			Run: &RunOptions{Engine: engine, Data: frame(64, nil)}})
		if runs[i].Run == nil || !runs[i].Run.OK {
			t.Fatalf("%s: %+v %+v", engine, runs[i].Run, runs[i].Diagnostics)
		}
	}
	if runs[1].Run.Engine != "native" {
		t.Fatalf("engine %s", runs[1].Run.Engine)
	}
	got, want := fmt.Sprint(runs[1].Run.Maps), fmt.Sprint(runs[0].Run.Maps)
	if got != want || len(runs[1].Run.Maps) != 2 || len(runs[1].Run.Maps[1].Entries) != 1 {
		t.Errorf("maps after the run:\n  native %s\n  interp %s", got, want)
	}
	named := false
	for _, l := range runs[1].JIT.Listing {
		named = named || l.Note == "map[second]"
	}
	if !named {
		t.Errorf("the JIT listing does not name map[second]")
	}
}
