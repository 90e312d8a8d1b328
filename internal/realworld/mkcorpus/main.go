// Command mkcorpus builds the real-world corpus (testdata/realworld):
// it writes the kernel oracle's input for every program of
// realworld.Programs, and merges the kernel's answers, trimmed to what
// the comparison needs, into the committed corpus file.
//
//	testdata/realworld/build.sh                       # objects, if a source changed
//	go run ./internal/realworld/mkcorpus -o /tmp/rw.in.jsonl
//	scripts/oracle.sh /tmp/rw.in.jsonl /tmp/rw.out.jsonl
//	go run ./internal/realworld/mkcorpus -in /tmp/rw.in.jsonl -merge /tmp/rw.out.jsonl
package main

import (
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/internal/realworld"
	"github.com/bpfplay/bpfplay/jit/vectors"
)

func main() {
	dir := flag.String("dir", "testdata/realworld", "directory of the objects and the corpus")
	out := flag.String("o", "", "write the oracle input here (default stdout)")
	in := flag.String("in", "", "with -merge: the oracle input the answers belong to")
	merge := flag.String("merge", "", "merge this oracle output into DIR/"+realworld.CorpusFile)
	flag.Parse()
	log.SetFlags(0)
	if *merge != "" {
		if err := mergeAnswers(*dir, *in, *merge); err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := writeInput(*dir, *out); err != nil {
		log.Fatal(err)
	}
}

// writeInput writes one oracle record per program; runnable programs
// also ask for a dump of the maps after the run.
func writeInput(dir, path string) error {
	w := os.Stdout
	if path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	enc := record.NewWriter(w)
	for i := range realworld.Programs {
		p := &realworld.Programs[i]
		rec, err := p.Record(dir)
		if err != nil {
			return err
		}
		raw, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return err
		}
		if p.Runnable() {
			m["dump_maps"] = true
		}
		if err := enc.Write(m); err != nil {
			return err
		}
	}
	return nil
}

// mergeAnswers pairs the oracle's answers with the input records (same
// order) and writes the corpus: each input record with the kernel's
// trimmed answer in "kernel".
func mergeAnswers(dir, inPath, outPath string) error {
	if inPath == "" {
		return fmt.Errorf("-merge needs -in (the oracle input)")
	}
	ins, err := record.ReadAll(inPath)
	if err != nil {
		return err
	}
	answers, err := readAnswers(outPath)
	if err != nil {
		return err
	}
	if len(answers) != len(ins) {
		return fmt.Errorf("%d answers for %d records", len(answers), len(ins))
	}
	f, err := os.Create(dir + "/" + realworld.CorpusFile)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := gzip.NewWriter(f)
	enc := record.NewWriter(zw)
	for i, in := range ins {
		a := answers[i]
		if a.Out.Name != in.Name {
			return fmt.Errorf("answer %d is for %q, record is %q", i, a.Out.Name, in.Name)
		}
		in.Kernel = trim(a.Out)
		if err := enc.Write(&realworld.Entry{In: in, KernelKsyms: a.Ksyms}); err != nil {
			return err
		}
	}
	return zw.Close()
}

// answer is one line of the oracle's output: the fields record.Out
// has, and the JIT's function addresses.
type answer struct {
	Out   *record.Out
	Ksyms []vectors.Addr
}

func readAnswers(path string) ([]answer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	var all []answer
	for dec.More() {
		var raw map[string]json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%s: answer %d: %w", path, len(all)+1, err)
		}
		if err := dropUnreadable(raw); err != nil {
			return nil, fmt.Errorf("%s: answer %d: %w", path, len(all)+1, err)
		}
		b, _ := json.Marshal(raw)
		var a struct {
			record.Out
			Ksyms []string `json:"jited_ksyms"`
		}
		if err := json.Unmarshal(b, &a); err != nil {
			return nil, fmt.Errorf("%s: answer %d: %w", path, len(all)+1, err)
		}
		ans := answer{Out: &a.Out}
		for _, k := range a.Ksyms {
			var addr vectors.Addr
			if err := json.Unmarshal([]byte(`"`+k+`"`), &addr); err != nil {
				return nil, fmt.Errorf("%s: answer %d: jited_ksyms: %w", path, len(all)+1, err)
			}
			ans.Ksyms = append(ans.Ksyms, addr)
		}
		all = append(all, ans)
	}
	return all, nil
}

// dropUnreadable removes the map entries the oracle could not read
// back ("value": "error:ENOENT": a prog_array's empty slots, which
// user space cannot look up).
func dropUnreadable(raw map[string]json.RawMessage) error {
	ma, ok := raw["maps_after"]
	if !ok {
		return nil
	}
	var dumps []struct {
		Entries []struct{ Key, Value string } `json:"entries"`
	}
	if err := json.Unmarshal(ma, &dumps); err != nil {
		return err
	}
	for i := range dumps {
		kept := dumps[i].Entries[:0]
		for _, e := range dumps[i].Entries {
			if !strings.HasPrefix(e.Value, "error:") {
				kept = append(kept, e)
			}
		}
		dumps[i].Entries = kept
	}
	b, err := json.Marshal(dumps)
	raw["maps_after"] = b
	return err
}

// trim keeps what the comparison reads: the verdict, the errno, the
// log, insns_processed, the xlated and jited programs, the test run and
// the maps after it; of an unprivileged load, the same but the machine
// code and the maps.
func trim(a *record.Out) *record.Out {
	t := &record.Out{
		Name: a.Name, OK: a.OK, Errno: a.Errno, Error: a.Error, Log: a.Log,
		InsnsProcessed: a.InsnsProcessed, Xlated: a.Xlated,
		Jited: a.Jited, JitedFuncLens: a.JitedFuncLens, MapsAfter: a.MapsAfter,
	}
	if !a.OK && a.Stage != "prog_load" {
		t.Stage = a.Stage
	}
	if a.Run != nil {
		t.Run = &record.Run{OK: a.Run.OK, Errno: a.Run.Errno, Error: a.Run.Error, Retval: a.Run.Retval, DataOut: a.Run.DataOut}
	}
	if a.Unpriv != nil {
		u := trim(a.Unpriv)
		u.Jited, u.JitedFuncLens, u.MapsAfter = nil, nil, nil
		t.Unpriv = u
	}
	return t
}
