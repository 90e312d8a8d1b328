package verifier

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/interp"
	"github.com/bpfplay/bpfplay/core/interp/testrun"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
)

// Soundness fuzzing: random and mutated programs go to the verifier;
// whatever it accepts runs in the interpreter, which must never fault on
// memory, run past its budget, or see a register read before it was
// written (the verifier's promises).
//
//	go test ./core/verifier -run '^$' -fuzz FuzzVerifierSound -fuzztime 60s -parallel 1

// fuzzProgTypes are the program types a fuzz input can pick (its first
// byte), all runnable by the interpreter on a packet.
var fuzzProgTypes = []string{"socket_filter", "sched_cls", "xdp", "cgroup_skb"}

// fuzzMaps are the maps every fuzz program may use: ld_imm64 with src 1
// and imm 3 or 4.
var fuzzMaps = []record.Map{
	{Type: "hash", KeySize: 8, ValueSize: 8, MaxEntries: 4, Flags: 1},
	{Type: "array", KeySize: 4, ValueSize: 48, MaxEntries: 2},
}

const fuzzBudget = 4 << 20

// fuzzInsnLimit is the verifier's complexity limit while fuzzing.
const fuzzInsnLimit = 250_000

// fuzzRecord turns fuzz bytes into a program record.
func fuzzRecord(data []byte) *record.In {
	if len(data) < 1+8 {
		return nil
	}
	pt := fuzzProgTypes[int(data[0])%len(fuzzProgTypes)]
	body := data[1:]
	body = body[:len(body)/8*8]
	if len(body) > 8*512 {
		body = body[:8*512]
	}
	in := &record.In{Name: "fuzz", ProgType: pt, Insns: append([]byte(nil), body...), ProgFlags: 0,
		TestRun: &record.TestRun{Data: make([]byte, 64)}}
	for i := range in.TestRun.Data {
		in.TestRun.Data[i] = byte(i * 7)
	}
	// ld_imm64 with src 1 or 2 whose imm names one of the maps: fixups
	slots, err := isa.UnmarshalSlots(in.Insns)
	if err != nil {
		return nil
	}
	maps := append([]record.Map(nil), fuzzMaps...)
	for i := 0; i+1 < len(slots); i++ {
		s := slots[i]
		if s.Op != isa.OpLdImm64 {
			continue
		}
		if (s.Src == 1 || s.Src == 2) && (s.Imm == FirstMapFD || s.Imm == FirstMapFD+1) {
			m := &maps[s.Imm-FirstMapFD]
			if s.Src == 1 {
				m.Fixups = append(m.Fixups, i)
			} else {
				m.ValueFixups = append(m.ValueFixups, i)
			}
		}
		i++
	}
	in.Maps = maps
	return in
}

// checkRun runs an accepted program and reports a broken promise.
func checkRun(in *record.In) error {
	res, err := testrun.Run(in, &testrun.Options{Budget: fuzzBudget, Trace: 1 << 16})
	if err != nil {
		return nil // the runtime cannot build this input: not a verdict
	}
	r := res.Interp
	if r == nil {
		return nil
	}
	if f := r.Fault; f != nil {
		switch f.Kind {
		case interp.FaultMemory:
			if strings.HasPrefix(f.Msg, "ctx access") {
				// the interpreter's context model refuses an access
				// Linux allows: a runtime gap, not a verifier verdict
				return nil
			}
			return fmt.Errorf("accepted program made a wild access: %v", f)
		case interp.FaultBudget:
			return fmt.Errorf("accepted program exceeded the budget of %d instructions: %v", fuzzBudget, f)
		case interp.FaultInsn:
			return fmt.Errorf("accepted program ran an invalid instruction: %v", f)
		}
		return nil // helpers the interpreter lacks, refused helper arguments
	}
	if !r.TraceTruncated {
		slots, _ := isa.UnmarshalSlots(in.Insns)
		if pc, reg, ok := uninitRead(slots, r.Trace); !ok {
			return fmt.Errorf("accepted program read r%d at pc %d before writing it", reg, pc)
		}
	}
	return nil
}

// uninitRead replays a run's trace and reports the first register read
// before it was written (r1 and r10 start initialised; a call clobbers
// r1-r5; a bpf-to-bpf call starts a frame with r1-r5 and r10).
func uninitRead(slots []isa.Slot, trace []interp.Step) (int, int, bool) {
	type frame struct{ init uint16 }
	stack := []frame{{init: 1<<1 | 1<<10}}
	for _, st := range trace {
		if st.PC < 0 || st.PC >= len(slots) {
			return 0, 0, true
		}
		f := &stack[len(stack)-1]
		s := slots[st.PC]
		reads := readsOf(s)
		for r := range 11 {
			if reads&(1<<r) != 0 && f.init&(1<<r) == 0 {
				return st.PC, r, false
			}
		}
		switch {
		case s.Op == isa.OpCall && s.Src == isa.CallFunc:
			stack = append(stack, frame{init: f.init&0x3e | 1<<10})
			continue
		case s.Op == isa.OpCall:
			f.init &^= 0x3e
			f.init |= 1
		case s.Op == isa.OpExit && len(stack) > 1:
			stack = stack[:len(stack)-1]
			f = &stack[len(stack)-1]
			f.init &^= 0x3e
			f.init |= 1
			continue
		}
		for _, w := range st.Regs {
			if w.Reg >= 0 && w.Reg < 11 {
				f.init |= 1 << w.Reg
			}
		}
		if d := writesOf(s); d >= 0 {
			f.init |= 1 << d
		}
	}
	return 0, 0, true
}

// readsOf is the set of registers an instruction reads (calls: none
// here, helpers check their own arguments).
func readsOf(s isa.Slot) uint16 {
	op := uint8(s.Op)
	dst, src := uint16(1)<<(s.Dst&15), uint16(1)<<(s.Src&15)
	switch op & 7 {
	case clsALU, clsALU64:
		a := op & 0xf0
		x := op&srcX != 0
		switch {
		case a == opMOV && x:
			return src
		case a == opMOV:
			return 0
		case a == opNEG || a == opEND:
			return dst
		case x:
			return dst | src
		}
		return dst
	case clsLDX:
		return src
	case clsST:
		return dst
	case clsSTX:
		if op&0xe0 == mdATOMIC && s.Imm == int32(atomicCmpxchg) {
			return dst | src | 1
		}
		return dst | src
	case clsJMP, clsJMP32:
		a := op & 0xf0
		switch a {
		case opJA, opCALL:
			return 0
		case opEXIT:
			return 1
		}
		if op&srcX != 0 {
			return dst | src
		}
		return dst
	case clsLD:
		if op&0xe0 == mdIND {
			return src | 1<<6
		}
		if op&0xe0 == mdABS {
			return 1 << 6
		}
	}
	return 0
}

// writesOf is the register an instruction writes, or -1.
func writesOf(s isa.Slot) int {
	op := uint8(s.Op)
	switch op & 7 {
	case clsALU, clsALU64, clsLDX:
		return int(s.Dst)
	case clsLD:
		if op&0xe0 == mdIMM {
			return int(s.Dst)
		}
		return 0
	case clsSTX:
		if op&0xe0 == mdATOMIC && s.Imm&atomicFetch != 0 {
			if s.Imm == int32(atomicCmpxchg) {
				return 0
			}
			return int(s.Src)
		}
	}
	return -1
}

// fuzzSeeds are small programs the fuzzer mutates.
var fuzzSeeds = []string{
	"b7000000000000009500000000000000",
	// map lookup with a null check
	"7a0af8ff00000000bfa200000000000007020000f8ffffff181103000000000000000000000000008500000001000000150001000000000079000000000000009500000000000000",
	// packet bounds check (xdp)
	"61120000000000006113040000000000bf240000000000000704000008000000b7000000000000002d340100000000007120000000000000" + "9500000000000000",
	// bounded loop
	"b700000000000000b7010000000000000701000001000000a50100000a00000007000000010000009500000000000000",
}

func FuzzVerifierSound(f *testing.F) {
	for i, h := range fuzzSeeds {
		b, _ := record.ParseHex(h)
		f.Add(append([]byte{byte(i)}, b...))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := fuzzRecord(data)
		if in == nil {
			return
		}
		slots, opts, err := FromRecord(in, false)
		if err != nil {
			return
		}
		opts.LogLevel = 0
		opts.NoStates = true
		// A quarter of the kernel's limit keeps every input well under
		// the fuzzing engine's 10 s per input on a loaded machine.
		opts.InsnLimit = fuzzInsnLimit
		res := VerifySlots(slots, opts)
		if !res.Accepted {
			return
		}
		if err := checkRun(in); err != nil {
			t.Fatalf("%v\nprogram (%s): %s", err, in.ProgType, hexSlots(in.Insns))
		}
	})
}

func hexSlots(b []byte) string {
	var sb strings.Builder
	for i := 0; i+8 <= len(b); i += 8 {
		fmt.Fprintf(&sb, "%016x ", binary.BigEndian.Uint64(b[i:]))
	}
	return sb.String()
}

// TestSoundnessCorpus runs every program of the dev corpus the verifier
// accepts through the interpreter with the soundness checks.
func TestSoundnessCorpus(t *testing.T) {
	recs, err := record.ReadAll(corpusPath)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range recs {
		if len(in.Insns) > 8*4096 || in.ProgType != "socket_filter" && in.ProgType != "sched_cls" && in.ProgType != "xdp" {
			continue
		}
		slots, opts, err := FromRecord(in, false)
		if err != nil {
			continue
		}
		opts.LogLevel = 0
		opts.NoStates = true
		if !VerifySlots(slots, opts).Accepted {
			continue
		}
		if in.TestRun == nil {
			in.TestRun = &record.TestRun{Data: make([]byte, 64)}
		}
		n++
		if err := checkRun(in); err != nil {
			t.Errorf("%s: %v", in.Name, err)
		}
	}
	if n < 100 {
		t.Fatalf("only %d accepted programs were run", n)
	}
}
