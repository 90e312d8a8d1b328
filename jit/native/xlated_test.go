package native

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/interp/testrun"
	"github.com/bpfplay/bpfplay/core/record"
)

var stackDepthLine = regexp.MustCompile(`(?m)^stack depth ([0-9+]+)$`)

// kernelStackDepth reads the per-function stack depths from a verifier
// log ("stack depth 8", "stack depth 0+16").
func kernelStackDepth(log string) []int {
	m := stackDepthLine.FindStringSubmatch(log)
	if m == nil {
		return nil
	}
	var d []int
	for _, f := range strings.Split(m[1], "+") {
		n, _ := strconv.Atoi(f)
		d = append(d, n)
	}
	return d
}

// TestKernelXlated runs the kernel's own xlated programs from the
// verifier corpus natively — context accesses converted to struct
// sk_buff / xdp_buff offsets, helpers and map operations called by
// kernel address, array lookups inlined — on contexts built like
// BPF_PROG_TEST_RUN's, and compares the return value and the packet
// with what the kernel's test run gave.
func TestKernelXlated(t *testing.T) {
	if err := Available(); err != nil {
		t.Skip(err)
	}
	var all []*record.In
	// The corpus, oracle answers for the map lookups the verifier
	// inlines (array, hash, LRU hash), with the maps after the run, and
	// for the network-stack helpers (core/helpers' helpers/net cases:
	// route and socket lookups, the test run's socket, cpumap, the
	// skb-less flow dissector).
	for _, file := range []string{"../../testdata/corpus/verifier-dev.jsonl.gz", "testdata/maps-oracle.jsonl", "../../core/helpers/testdata/net-programs.jsonl.gz"} {
		r, err := record.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		for {
			in, err := r.Next()
			if err != nil {
				break
			}
			all = append(all, in)
		}
		r.Close()
	}
	var recs []*record.In
	var reqs []*Request
	interpDiffers := 0
	for _, in := range all {
		k := in.Kernel
		if k == nil || !k.OK || k.Run == nil || len(k.Xlated) == 0 {
			continue
		}
		// Only where the interpreter (on the program as loaded) agrees
		// with the kernel: a returned pointer, say, cannot match.
		ires, err := testrun.Run(in, &testrun.Options{Budget: 10_000_000})
		if err != nil || !ires.Run.OK || uint32(ires.Run.Retval) != uint32(k.Run.Retval) {
			interpDiffers++
			continue
		}
		req := &Request{Insns: k.Xlated, Xlated: true, ProgType: in.ProgType, Maps: in.Maps,
			StackDepth: kernelStackDepth(k.Log)}
		if in.TestRun != nil {
			req.Data, req.Ctx = in.TestRun.Data, in.TestRun.Ctx
		}
		recs = append(recs, in)
		reqs = append(reqs, req)
	}
	res, errs := RunBatch(context.Background(), reqs)
	same := 0
	for i, in := range recs {
		want := in.Kernel.Run
		if errs[i] != nil {
			t.Errorf("%s: %v", in.Name, errs[i])
			continue
		}
		if uint32(res[i].R0) != uint32(want.Retval) {
			t.Errorf("%s: retval %#x, kernel %#x", in.Name, uint32(res[i].R0), uint32(want.Retval))
			continue
		}
		if len(want.DataOut) > 0 && !bytes.Equal(res[i].DataOut, want.DataOut) {
			t.Errorf("%s: data_out differs:\n  got  %x\n  want %x", in.Name, res[i].DataOut, []byte(want.DataOut))
			continue
		}
		if msg := compareMaps(res[i].Maps, in.Kernel.MapsAfter); msg != "" {
			t.Errorf("%s: maps after the run: %s", in.Name, msg)
			continue
		}
		same++
	}
	t.Logf("kernel xlated programs run natively: %d, same retval and data_out as the kernel: %d (%d more where the interpreter and the kernel disagree, not run)", len(recs), same, interpDiffers)
}

// compareMaps compares the maps' entries (in any order) with the
// kernel's dump, when the record has one.
func compareMaps(got [][]record.Entry, want []struct {
	Entries []record.Entry `json:"entries"`
}) string {
	if want == nil {
		return ""
	}
	if len(got) != len(want) {
		return fmt.Sprintf("%d maps, kernel %d", len(got), len(want))
	}
	for i := range want {
		g := map[string]string{}
		for _, e := range got[i] {
			g[hex.EncodeToString(e.Key)] = hex.EncodeToString(e.Value)
		}
		for _, e := range want[i].Entries {
			k := hex.EncodeToString(e.Key)
			if g[k] != hex.EncodeToString(e.Value) {
				return fmt.Sprintf("map %d key %s: %s, kernel %x", i, k, g[k], []byte(e.Value))
			}
		}
		if len(got[i]) != len(want[i].Entries) {
			return fmt.Sprintf("map %d: %d entries, kernel %d", i, len(got[i]), len(want[i].Entries))
		}
	}
	return ""
}
