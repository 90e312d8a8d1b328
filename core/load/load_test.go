package load_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/load"
	"github.com/bpfplay/bpfplay/core/record"
)

func TestLoadRuns(t *testing.T) {
	hashMap := record.Map{Name: "counts", Type: "hash", KeySize: 4, ValueSize: 8, MaxEntries: 16}
	tests := []struct {
		name     string
		req      load.Request
		wantR0   uint64
		wantName string
		check    func(t *testing.T, r *load.Response)
	}{
		{
			name:   "kernel dialect",
			req:    load.Request{Source: load.Source{Text: "r0 = 2\nr0 += 3\nexit\n"}, Run: &load.RunOptions{}},
			wantR0: 5,
		},
		{
			name:   "conformance dialect",
			req:    load.Request{Source: load.Source{Text: "mov %r0, 7\nexit\n", Dialect: "conformance"}, Run: &load.RunOptions{}},
			wantR0: 7,
		},
		{
			name:   "raw instructions",
			req:    load.Request{Source: load.Source{Insns: mustHex("b700000009000000 9500000000000000")}, Run: &load.RunOptions{}},
			wantR0: 9,
		},
		{
			name: "xdp return code is named",
			req: load.Request{Source: load.Source{Text: "r0 = 1\nexit"}, ProgType: "xdp",
				Run: &load.RunOptions{Data: make([]byte, 64)}},
			wantR0: 1, wantName: "XDP_DROP",
		},
		{
			// __sk_buff.len (offset 0) read through the context model:
			// BPF_PROG_TEST_RUN pulls the 14-byte Ethernet header
			// (eth_type_trans) before a socket filter runs, so a
			// 42-byte packet has len 28.
			name:   "socket filter reads skb->len",
			req:    load.Request{Source: load.Source{Text: "r0 = *(u32 *)(r1 +0)\nexit"}, Run: &load.RunOptions{Data: make([]byte, 42)}},
			wantR0: 28,
		},
		{
			name: "map by name: count into a hash map",
			req: load.Request{Maps: []record.Map{hashMap}, Run: &load.RunOptions{}, Source: load.Source{Text: `
				*(u32 *)(r10 -4) = 7
				*(u64 *)(r10 -16) = 1
				r1 = map[counts] ll
				r2 = r10
				r2 += -4
				r3 = r10
				r3 += -16
				r4 = 0
				call bpf_map_update_elem
				r0 = 0
				exit`}},
			wantR0: 0, wantName: "drop",
			check: func(t *testing.T, r *load.Response) {
				m := r.Run.Maps
				if len(m) != 1 || m[0].Name != "counts" || len(m[0].Entries) != 1 ||
					string(m[0].Entries[0].Key) != "\x07\x00\x00\x00" || m[0].Entries[0].Value[0] != 1 {
					t.Errorf("maps after = %+v", m)
				}
				if !strings.Contains(r.Listing[2].Text, "map[counts]") {
					t.Errorf("listing names the map: %q", r.Listing[2].Text)
				}
			},
		},
		{
			name: "trace_printk output",
			req: load.Request{Run: &load.RunOptions{}, Source: load.Source{Text: `
				r1 = 0x0a6968 ll
				*(u64 *)(r10 -8) = r1
				r1 = r10
				r1 += -8
				r2 = 4
				call bpf_trace_printk
				r0 = 0
				exit`}},
			wantName: "drop",
			check: func(t *testing.T, r *load.Response) {
				if !strings.Contains(r.Run.TracePipe, "hi") {
					t.Errorf("trace_pipe = %q", r.Run.TracePipe)
				}
			},
		},
		{
			// Submitted and output records reach the response in order;
			// a discarded reservation does not.
			name: "ring buffer output",
			req: load.Request{Maps: []record.Map{{Name: "events", Type: "ringbuf", MaxEntries: 4096}}, Run: &load.RunOptions{},
				Source: load.Source{Text: `
				r1 = 0x11223344 ll
				*(u64 *)(r10 -8) = r1
				r1 = map[events] ll
				r2 = r10
				r2 += -8
				r3 = 4
				r4 = 0
				call bpf_ringbuf_output
				r1 = map[events] ll
				r2 = 8
				r3 = 0
				call bpf_ringbuf_reserve
				if r0 == 0 goto +4
				r1 = r0
				r2 = 0
				call bpf_ringbuf_discard
				r0 = 0
				exit`}},
			wantName: "drop",
			check: func(t *testing.T, r *load.Response) {
				out := r.Run.Output
				if len(out) != 1 || out[0].Map != "events" || out[0].Kind != "ringbuf" || string(out[0].Data) != "\x44\x33\x22\x11" {
					t.Errorf("output = %+v, want one ringbuf record 44332211", out)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := load.Load(context.Background(), &tc.req)
			if r.Run == nil {
				t.Fatalf("no run: %s", dump(r))
			}
			if !r.OK || !r.Run.OK {
				t.Fatalf("not ok: %s", dump(r))
			}
			if r.Run.R0 != tc.wantR0 {
				t.Errorf("r0 = %d, want %d", r.Run.R0, tc.wantR0)
			}
			if r.Run.RetvalName != tc.wantName {
				t.Errorf("retval name %q, want %q", r.Run.RetvalName, tc.wantName)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

// TestLoadClassic checks that classic input is shown both ways: as
// tcpdump prints it and converted to the eBPF Linux runs.
func TestLoadClassic(t *testing.T) {
	r := load.Load(context.Background(), &load.Request{Source: load.Source{Dialect: "cbpf",
		Text: "(000) ldh      [12]\n(001) jeq      #0x800           jt 2\tjf 3\n(002) ret      #262144\n(003) ret      #0\n"}})
	if !r.OK {
		t.Fatalf("not ok: %s", dump(r))
	}
	if r.Classic == nil || !strings.Contains(r.Classic.Tcpdump, "(000) ldh      [12]") || len(r.Classic.Start) != 4 {
		t.Fatalf("classic view = %+v", r.Classic)
	}
	if n := len(r.Listing); n <= 4 || r.Classic.Start[3] >= n {
		t.Errorf("converted listing has %d insns, classic starts %v", n, r.Classic.Start)
	}
	// An IPv4 frame is accepted (262144 bytes kept), an ARP frame not.
	for _, tc := range []struct {
		frame string
		want  uint64
	}{
		{"ffffffffffff 000000000000 0800 4500", 262144},
		{"ffffffffffff 000000000000 0806 0001", 0},
	} {
		req := &load.Request{Source: load.Source{Dialect: "cbpf", Text: r.Classic.Tcpdump}, Run: &load.RunOptions{Data: mustHex(tc.frame)}}
		rr := load.Load(context.Background(), req)
		if rr.Run == nil || !rr.Run.OK || rr.Run.R0 != tc.want {
			t.Errorf("frame %s: run %+v, want r0 %d", tc.frame, rr.Run, tc.want)
		}
	}
}

func TestLoadInputErrors(t *testing.T) {
	tests := []struct {
		name string
		req  load.Request
		want string // in the first diagnostic
		line int
	}{
		{"empty", load.Request{}, "no program", 0},
		{"two sources", load.Request{Source: load.Source{Text: "exit", Insns: []byte{0x95, 0, 0, 0, 0, 0, 0, 0}}}, "exactly one", 0},
		{"bad prog type", load.Request{ProgType: "nope", Source: load.Source{Text: "exit"}}, "unknown program type", 0},
		{"bad dialect", load.Request{Source: load.Source{Text: "exit", Dialect: "x86"}}, "unknown dialect", 0},
		{"syntax error has a line", load.Request{Source: load.Source{Text: "r0 = 1\nr0 +== 2\nexit"}}, "", 2},
		{"undefined map", load.Request{Source: load.Source{Text: "r1 = map[nope] ll\nexit"}}, "map \"nope\" is not defined", 1},
		{"truncated ld_imm64", load.Request{Source: load.Source{Insns: mustHex("1800000001000000")}}, "ld_imm64", 0},
		{"bad classic", load.Request{Source: load.Source{Dialect: "cbpf", Text: "(000) ret #0\n(001) ldh [12]\n"}}, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := load.Load(context.Background(), &tc.req)
			if r.OK || len(r.Diagnostics) == 0 {
				t.Fatalf("want a failure with diagnostics, got %s", dump(r))
			}
			d := r.Diagnostics[0]
			if d.Severity != "error" || !strings.Contains(d.Message, tc.want) {
				t.Errorf("diagnostic %+v, want an error containing %q", d, tc.want)
			}
			if d.Line != tc.line {
				t.Errorf("line %d, want %d (%+v)", d.Line, tc.line, d)
			}
		})
	}
}

func mustHex(s string) []byte {
	b, err := record.ParseHex(s)
	if err != nil {
		panic(err)
	}
	return b
}

func dump(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}
