package interp_test

import (
	"fmt"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/interp"
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/progtype"
)

// A program counting packets by protocol in a hash map, run on one
// IPv4 packet as an XDP program.
func Example() {
	l, err := kernel.Assemble(`
		r2 = *(u32 *)(r1 +0)        ; data
		r3 = *(u32 *)(r1 +4)        ; data_end
		r4 = r2
		r4 += 14
		if r4 > r3 goto pass
		r5 = *(u16 *)(r2 +12)       ; ethertype, network order
		*(u32 *)(r10 -4) = r5
		r1 = map[counts] ll
		r2 = r10
		r2 += -4
		call bpf_map_lookup_elem
		if r0 == 0 goto new
		r1 = 1
		lock *(u64 *)(r0 +0) += r1
		goto pass
	new:
		*(u64 *)(r10 -16) = 1
		r1 = map[counts] ll
		r2 = r10
		r2 += -4
		r3 = r10
		r3 += -16
		r4 = 0
		call bpf_map_update_elem
	pass:
		r0 = 2
		exit
	`)
	if err != nil {
		fmt.Println(err)
		return
	}
	counts, _ := maps.New(&maps.Spec{Type: maps.Hash, KeySize: 4, ValueSize: 8, MaxEntries: 16})
	prog, err := interp.Compile(l.Program, &interp.Options{MapFDs: map[int32]maps.Map{0: counts}})
	if err != nil {
		fmt.Println(err)
		return
	}
	xdp, _ := progtype.ByName("xdp")
	pkt := make([]byte, 60)
	pkt[12], pkt[13] = 0x08, 0x00
	for i := 0; i < 3; i++ {
		ctx, _ := progtype.NewRun(xdp, progtype.Input{Data: pkt})
		res := prog.Run(&interp.Env{Ctx: ctx})
		fmt.Println(xdp.ReturnName(res.R0), res.Insns, res.Fault)
	}
	for _, e := range maps.Dump(counts) {
		fmt.Printf("%x: %x\n", []byte(e.Key), []byte(e.Value))
	}
	// Output:
	// XDP_PASS 22 <nil>
	// XDP_PASS 17 <nil>
	// XDP_PASS 17 <nil>
	// 08000000: 0300000000000000
}
