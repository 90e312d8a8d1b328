package load_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/load"
)

// TestLoadELF loads core/elf's XDP test object and runs xdp_count_proto on
// a 62-byte IPv4/TCP frame. Linux 6.1 answered (core/elf/testdata/
// oracle.jsonl) XDP_PASS (2) and left proto_count[6] = 1.
func TestLoadELF(t *testing.T) {
	obj, err := os.ReadFile("../elf/testdata/xdp.o")
	if err != nil {
		t.Fatal(err)
	}
	frame := make([]byte, 62)
	copy(frame[12:], []byte{0x08, 0x00, 0x45, 0x00, 0x00, 48}) // IPv4, total length 48
	frame[14+9] = 6                                            // TCP
	r := load.Load(context.Background(), &load.Request{
		Source: load.Source{ELF: obj, Program: "xdp_count_proto"},
		Run:    &load.RunOptions{Data: frame},
	})
	if r.Run == nil || !r.Run.OK {
		t.Fatalf("run failed: %s", dump(r))
	}
	if r.ProgType != "xdp" {
		t.Errorf("prog type %q, want xdp (from the section)", r.ProgType)
	}
	if r.Run.Retval != 2 || r.Run.RetvalName != "XDP_PASS" {
		t.Errorf("retval %d %q, want 2 XDP_PASS", r.Run.Retval, r.Run.RetvalName)
	}
	m := r.Run.Maps
	if len(m) != 1 || m[0].Name != "proto_count" || len(m[0].Entries) != 1 ||
		!bytes.Equal(m[0].Entries[0].Key, []byte{6, 0, 0, 0}) || m[0].Entries[0].Value[0] != 1 {
		t.Errorf("maps after: %+v", m)
	}
	withSource := 0
	for _, l := range r.Listing {
		if strings.Contains(l.CSource, "xdp.c:") {
			withSource++
		}
	}
	if withSource == 0 {
		t.Errorf("no instruction carries its C source line")
	}
}

func TestLoadELFErrors(t *testing.T) {
	obj, err := os.ReadFile("../elf/testdata/xdp.o")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		src     load.Source
		message string
	}{
		{"truncated", load.Source{ELF: obj[:100]}, ""},
		{"not elf", load.Source{ELF: []byte("hello, world")}, ""},
		{"two programs, none chosen", load.Source{ELF: obj}, "xdp_drop_all"},
		{"unknown program", load.Source{ELF: obj, Program: "nope"}, "xdp_count_proto"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := load.Load(context.Background(), &load.Request{Source: tc.src})
			if r.OK || len(r.Diagnostics) == 0 || r.Diagnostics[0].Severity != "error" {
				t.Fatalf("want an error, got %s", dump(r))
			}
			if !strings.Contains(r.Diagnostics[0].Message, tc.message) {
				t.Errorf("message %q lacks %q", r.Diagnostics[0].Message, tc.message)
			}
		})
	}
}
