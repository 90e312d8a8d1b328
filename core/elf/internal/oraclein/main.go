// Command oraclein writes the kernel-oracle input for core/elf's test
// objects: one program record per program (Object.Record), with a test
// run on a small TCP/IPv4 frame and a dump of the maps afterwards.
//
//	go run ./core/elf/internal/oraclein > /tmp/elf-oracle.in.jsonl
//	scripts/oracle.sh /tmp/elf-oracle.in.jsonl /tmp/elf-oracle.out.jsonl
//	go run ./core/elf/internal/oraclein -trim /tmp/elf-oracle.out.jsonl -in /tmp/elf-oracle.in.jsonl > core/elf/testdata/oracle.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"log"
	"os"

	"github.com/bpfplay/bpfplay/core/elf"
	"github.com/bpfplay/bpfplay/core/record"
)

// Frame is an Ethernet + IPv4 + TCP packet (port 80, SYN), 60 bytes.
const Frame = "00112233445500000000000108004500002e00000000400600000a0102030102030490000050000000000000000050022000000000000102030405060708"

var objects = []string{"socket", "xdp", "tc", "kprobe"}

func main() {
	trim := flag.String("trim", "", "trim an oracle output file to the fields the tests use")
	inPath := flag.String("in", "/tmp/elf-oracle.in.jsonl", "with -trim: the input file the oracle was given")
	dir := flag.String("dir", "core/elf/testdata", "directory of the objects")
	flag.Parse()
	if *trim != "" {
		trimOut(*trim, *inPath)
		return
	}
	enc := json.NewEncoder(os.Stdout)
	frame, _ := record.ParseHex(Frame)
	for _, name := range objects {
		b, err := os.ReadFile(*dir + "/" + name + ".o")
		if err != nil {
			log.Fatal(err)
		}
		obj, err := elf.Open(b)
		if err != nil {
			log.Fatalf("%s: %v", name, err)
		}
		for _, p := range obj.Programs {
			in := obj.Record(p)
			in.Name = name + ".o:" + p.Name
			in.TestRun = &record.TestRun{Data: frame, Repeat: 1}
			raw, _ := json.Marshal(in)
			var m map[string]any
			json.Unmarshal(raw, &m)
			m["dump_maps"] = true
			if err := enc.Encode(m); err != nil {
				log.Fatal(err)
			}
		}
	}
}

// trimmed is what core/elf's tests keep of the kernel's answer.
type trimmed struct {
	Name           string       `json:"name"`
	Insns          record.Hex   `json:"insns"` // what the kernel was given
	OK             bool         `json:"ok"`
	Errno          int          `json:"errno"`
	Error          string       `json:"error,omitempty"`
	InsnsProcessed int          `json:"insns_processed,omitempty"`
	Xlated         record.Hex   `json:"xlated,omitempty"`
	Run            *record.Run  `json:"run,omitempty"`
	MapsAfter      []mapEntries `json:"maps_after,omitempty"`
	LogTail        string       `json:"log_tail,omitempty"`
}

type mapEntries struct {
	Entries []record.Entry `json:"entries"`
}

func trimOut(path, inPath string) {
	ins, err := record.ReadAll(inPath)
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	i := 0
	dec := json.NewDecoder(bufio.NewReader(f))
	enc := json.NewEncoder(os.Stdout)
	for dec.More() {
		var o struct {
			trimmed
			Log string `json:"log"`
		}
		if err := dec.Decode(&o); err != nil {
			log.Fatal(err)
		}
		t := o.trimmed
		if i >= len(ins) || ins[i].Name != t.Name {
			log.Fatalf("output line %d does not match the input", i+1)
		}
		t.Insns = ins[i].Insns
		i++
		if t.Run != nil {
			t.Run.DurationNs = 0
			t.Run.DataOut = nil
		}
		if !t.OK {
			t.LogTail = o.Log
			if len(t.LogTail) > 2000 {
				t.LogTail = t.LogTail[len(t.LogTail)-2000:]
			}
		}
		enc.Encode(t)
	}
}
