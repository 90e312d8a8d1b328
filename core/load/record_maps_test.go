package load

import (
	"context"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

// TestRecordMapCreate: maps are created before the program is loaded;
// one the kernel refuses fails the record at the map_create stage with
// the kernel's errno (answers measured with the oracle: core/helpers'
// helpers/net/cpumap cases), and a type the runtime does not model is
// left to the verifier.
func TestRecordMapCreate(t *testing.T) {
	prog := record.Hex{0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0}
	tests := []struct {
		name  string
		m     record.Map
		ok    bool
		errno int
	}{
		{"cpumap value size 12", record.Map{Type: "cpumap", KeySize: 4, ValueSize: 12, MaxEntries: 4}, false, 22},
		{"cpumap above NR_CPUS", record.Map{Type: "cpumap", KeySize: 4, ValueSize: 4, MaxEntries: 9000}, false, 7},
		{"cpumap slot of a missing CPU", record.Map{Type: "cpumap", KeySize: 4, ValueSize: 4, MaxEntries: 4,
			Init: []record.Entry{{Key: record.Hex{1, 0, 0, 0}, Value: record.Hex{0xc0, 0, 0, 0}}}}, false, 19},
		{"cpumap queue too long", record.Map{Type: "cpumap", KeySize: 4, ValueSize: 4, MaxEntries: 4,
			Init: []record.Entry{{Key: record.Hex{0, 0, 0, 0}, Value: record.Hex{0x01, 0x41, 0, 0}}}}, false, 75},
		{"cpumap fine", record.Map{Type: "cpumap", KeySize: 4, ValueSize: 4, MaxEntries: 4}, true, 0},
		{"sockmap (not modelled)", record.Map{Type: "sockmap", KeySize: 4, ValueSize: 4, MaxEntries: 4}, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := Record(context.Background(), &record.In{Name: tc.name, ProgType: "xdp", Insns: prog, Maps: []record.Map{tc.m}}, RecordOptions{})
			if out.OK != tc.ok || out.Errno != tc.errno {
				t.Fatalf("ok=%v errno=%d (%s), want ok=%v errno=%d", out.OK, out.Errno, out.Error, tc.ok, tc.errno)
			}
			if !tc.ok && out.Stage != "map_create" {
				t.Errorf("stage %q, want map_create", out.Stage)
			}
		})
	}
}

// TestLoadMapCreate: the playground's load refuses a map the kernel
// would, naming it, before verifying.
func TestLoadMapCreate(t *testing.T) {
	resp := Load(context.Background(), &Request{Source: Source{Text: "r1 = map[cpus] ll\nr0 = 0\nexit"}, ProgType: "xdp",
		Maps: []record.Map{{Name: "cpus", Type: "cpumap", KeySize: 4, ValueSize: 12, MaxEntries: 4}}})
	if resp.OK || len(resp.Diagnostics) == 0 {
		t.Fatalf("loaded: %+v", resp)
	}
	d := resp.Diagnostics[0]
	if d.Stage != "maps" || !strings.Contains(d.Message, `map "cpus": BPF_MAP_CREATE: EINVAL`) || resp.Verifier != nil {
		t.Errorf("diagnostic %+v (verifier %+v)", d, resp.Verifier)
	}
}
