// Command oracleprobe asks Linux 6.1 how its verifier log prints every
// instruction form, and how it rejects malformed ones. It writes probe
// programs for the kernel oracle and trims the oracle's answers into the
// test data of core/asm/kernel:
//
//	go run ./core/asm/kernel/internal/oracleprobe gen > /tmp/probes.jsonl
//	scripts/oracle.sh /tmp/probes.jsonl /tmp/probes.out.jsonl
//	go run ./core/asm/kernel/internal/oracleprobe trim /tmp/probes.jsonl /tmp/probes.out.jsonl \
//	    | gzip -9 > core/asm/kernel/testdata/linux61-probes.jsonl.gz
//
// Each probe is one instruction at pc 1 of "r6 = r1; PROBE; r0 = 0; exit"
// (r6 = ctx for the legacy packet loads). The kernel prints the probe
// while checking it, so even forms it rejects (reserved fields, cpu v4
// instructions it does not know) show how 6.1 prints them.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

type slot struct {
	op       byte
	dst, src byte
	off      int16
	imm      int32
}

func (s slot) bytes() []byte {
	b := []byte{s.op, s.dst&0xf | s.src<<4, 0, 0, 0, 0, 0, 0}
	binary.LittleEndian.PutUint16(b[2:], uint16(s.off))
	binary.LittleEndian.PutUint32(b[4:], uint32(s.imm))
	return b
}

type mapSpec struct {
	Type        string `json:"type"`
	KeySize     int    `json:"key_size"`
	ValueSize   int    `json:"value_size"`
	MaxEntries  int    `json:"max_entries"`
	Fixups      []int  `json:"fixups,omitempty"`
	ValueFixups []int  `json:"value_fixups,omitempty"`
}

type probe struct {
	Name     string    `json:"name"`
	ProgType string    `json:"prog_type"`
	Insns    string    `json:"insns"`
	Maps     []mapSpec `json:"maps,omitempty"`
	LogLevel int       `json:"log_level"`
	Unpriv   bool      `json:"unpriv,omitempty"`
	PC       int       `json:"probe_pc"`
}

var (
	prefix = slot{op: 0xbf, dst: 6, src: 1} // r6 = r1
	movR0  = slot{op: 0xb7}                 // r0 = 0
	exit   = slot{op: 0x95}                 // exit
	call1  = slot{op: 0x85, src: 1, imm: 2} // call pc+2
	ldMap  = slot{op: 0x18, dst: 1, src: 1} // r1 = map (fd patched by the oracle)
	ldVal  = slot{op: 0x18, dst: 1, src: 2} // r1 = map value
	second = func(imm int32) slot { return slot{imm: imm} }
)

func prog(slots ...slot) string {
	var parts []string
	for _, s := range slots {
		parts = append(parts, hex.EncodeToString(s.bytes()))
	}
	return strings.Join(parts, " ")
}

func gen() []probe {
	var out []probe
	add := func(name string, p probe) {
		p.Name, p.ProgType, p.LogLevel = name, "socket_filter", 2
		if p.PC == 0 {
			p.PC = 1
		}
		out = append(out, p)
	}
	single := func(s slot, extra ...slot) probe {
		slots := append([]slot{prefix, s}, extra...)
		return probe{Insns: prog(append(slots, movR0, exit)...)}
	}
	type fv struct {
		dst, src byte
		off      int16
		imm      int32
	}
	variants := []fv{
		{1, 2, 0, 0}, {1, 2, 0, 7}, {1, 2, 1, 0}, {1, 2, 8, 0}, {1, 2, 16, 0}, {1, 2, 32, 0},
		{1, 0, 0, 16}, {1, 0, 0, 32}, {1, 0, 0, 64}, {1, 0, 0, -3}, {10, 0, -8, 0x7fffffff},
		{11, 2, 0, 0}, {1, 11, 0, 0}, {0, 0, 0, 0}, {1, 0, 1, 1},
	}
	for op := 0; op < 256; op++ {
		if op == 0x18 {
			continue
		}
		for _, v := range variants {
			s := slot{op: byte(op), dst: v.dst, src: v.src, off: v.off, imm: v.imm}
			add(fmt.Sprintf("op%02x_d%d_s%d_o%d_i%d", op, v.dst, v.src, v.off, v.imm), single(s))
		}
	}
	// Atomics: every size, every operation code Linux knows, and a few it
	// does not.
	for _, op := range []byte{0xc3, 0xcb, 0xd3, 0xdb} {
		for _, imm := range []int32{0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1, 0x02, 0xe0, 0xf0, 0x10} {
			for _, ds := range [][2]byte{{10, 1}, {2, 0}} {
				s := slot{op: op, dst: ds[0], src: ds[1], off: -8, imm: imm}
				add(fmt.Sprintf("atomic%02x_d%d_s%d_i%#x", op, ds[0], ds[1], imm), single(s))
			}
		}
	}
	// ld_imm64: plain constants, every pseudo source, bad second halves.
	for _, c := range []struct {
		name   string
		lo, hi int32
	}{{"zero", 0, 0}, {"small", 1, 0}, {"neg", -1, -1}, {"big", 0x55667788, 0x11223344}, {"hi", 0, 1}} {
		add("ldimm64_"+c.name, single(slot{op: 0x18, dst: 1, imm: c.lo}, second(c.hi)))
	}
	for src := byte(3); src <= 7; src++ {
		add(fmt.Sprintf("ldimm64_src%d", src), single(slot{op: 0x18, dst: 1, src: src, imm: 1}, second(0)))
	}
	add("ldimm64_src4_func", probe{Insns: prog(prefix, slot{op: 0x18, dst: 1, src: 4, imm: 3}, second(0), movR0, exit, movR0, exit)})
	for _, bad := range []struct {
		name string
		s    slot
	}{{"op", slot{op: 0x18}}, {"dst", slot{dst: 1}}, {"src", slot{src: 1}}, {"off", slot{off: 1}}} {
		add("ldimm64_second_"+bad.name, single(slot{op: 0x18, dst: 1, imm: 1}, bad.s))
	}
	add("ldimm64_off", single(slot{op: 0x18, dst: 1, off: 1, imm: 1}, second(0)))
	add("ldimm64_last", probe{Insns: prog(prefix, movR0, exit, slot{op: 0x18, dst: 1})})
	for _, unpriv := range []bool{false, true} {
		sfx := ""
		if unpriv {
			sfx = "_unpriv"
		}
		p := single(ldMap, second(0))
		p.Maps, p.Unpriv = []mapSpec{{Type: "array", KeySize: 4, ValueSize: 48, MaxEntries: 1, Fixups: []int{1}}}, unpriv
		add("ldimm64_mapfd"+sfx, p)
		p = single(ldVal, second(16))
		p.Maps, p.Unpriv = []mapSpec{{Type: "array", KeySize: 4, ValueSize: 48, MaxEntries: 1, ValueFixups: []int{1}}}, unpriv
		add("ldimm64_mapvalue"+sfx, p)
	}
	// Calls: helpers known and unknown, bpf-to-bpf, kfunc.
	for _, imm := range []int32{0, 1, 2, 5, 6, 12, 25, 100, 181, 208, 209, 210, 211, 1000, -1} {
		add(fmt.Sprintf("call_helper_%d", imm), single(slot{op: 0x85, imm: imm}))
	}
	add("call_pseudo", probe{Insns: prog(prefix, call1, movR0, exit, movR0, exit)})
	add("call_kfunc", single(slot{op: 0x85, src: 2, imm: 1}))
	// Jumps backwards and forwards (a loop is rejected after printing).
	add("ja_back", probe{Insns: prog(prefix, movR0, slot{op: 0x05, off: -2}, exit), PC: 2})
	add("jeq_back", probe{Insns: prog(prefix, movR0, slot{op: 0x15, off: -2}, exit), PC: 2})
	add("gotol_fwd", probe{Insns: prog(prefix, slot{op: 0x06, imm: 1}, movR0, exit)})
	add("gotol_off", probe{Insns: prog(prefix, slot{op: 0x06, off: 1}, movR0, exit)})
	return out
}

// answer is what the tests keep of the oracle's output.
type answer struct {
	Name  string `json:"name"`
	Insns string `json:"insns"`
	PC    int    `json:"pc"`
	Errno int    `json:"errno"`
	// Line is the log line of the probe's pc, as printed (without the
	// "N: " prefix), or "" when the kernel rejected the program before
	// printing it.
	Line string `json:"line,omitempty"`
	// Msg is the verifier's error message, the last log line before the
	// statistics.
	Msg string `json:"msg,omitempty"`
	// Unpriv repeats Line and Msg for the unprivileged load.
	Unpriv *answer `json:"unpriv,omitempty"`
}

type load struct {
	OK    bool   `json:"ok"`
	Errno int    `json:"errno"`
	Log   string `json:"log"`
	Error string `json:"error"`
}

type result struct {
	Name string `json:"name"`
	load
	Unpriv *load `json:"unpriv"`
}

func trimLoad(l load, pc int) (line, msg string) {
	lines := strings.Split(strings.TrimRight(l.Log, "\n"), "\n")
	want := fmt.Sprintf("%d: (", pc)
	for _, s := range lines {
		if strings.HasPrefix(s, want) && line == "" {
			line = s[len(fmt.Sprint(pc))+2:]
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		s := lines[i]
		if strings.HasPrefix(s, "verification time") || strings.HasPrefix(s, "stack depth") || strings.HasPrefix(s, "processed ") || s == "" {
			continue
		}
		if !l.OK {
			msg = s
		}
		break
	}
	return line, msg
}

func trim(inPath, outPath string) error {
	probes := map[string]probe{}
	var order []string
	if err := eachLine(inPath, func(b []byte) error {
		var p probe
		if err := json.Unmarshal(b, &p); err != nil {
			return err
		}
		probes[p.Name] = p
		order = append(order, p.Name)
		return nil
	}); err != nil {
		return err
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	return eachLine(outPath, func(b []byte) error {
		var r result
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		p, ok := probes[r.Name]
		if !ok {
			return fmt.Errorf("answer for unknown probe %q", r.Name)
		}
		a := answer{Name: r.Name, Insns: p.Insns, PC: p.PC, Errno: r.Errno}
		a.Line, a.Msg = trimLoad(r.load, p.PC)
		if r.Log == "" && !r.OK {
			a.Msg = r.Error
		}
		if p.Unpriv && r.Unpriv != nil {
			u := &answer{Errno: r.Unpriv.Errno}
			u.Line, u.Msg = trimLoad(*r.Unpriv, p.PC)
			a.Unpriv = u
		}
		out, err := json.Marshal(a)
		if err != nil {
			return err
		}
		w.Write(out)
		w.WriteByte('\n')
		return nil
	})
}

func eachLine(path string, f func([]byte) error) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	dec := json.NewDecoder(fh)
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		if err := f(raw); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: oracleprobe gen | trim PROBES.jsonl ANSWERS.jsonl")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "gen":
		enc := json.NewEncoder(os.Stdout)
		for _, p := range gen() {
			enc.Encode(p)
		}
	case "trim":
		if len(os.Args) != 4 {
			fmt.Fprintln(os.Stderr, "usage: oracleprobe trim PROBES.jsonl ANSWERS.jsonl")
			os.Exit(2)
		}
		if err := trim(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, "oracleprobe:", err)
			os.Exit(1)
		}
	default:
		fmt.Fprintln(os.Stderr, "usage: oracleprobe gen | trim PROBES.jsonl ANSWERS.jsonl")
		os.Exit(2)
	}
}
