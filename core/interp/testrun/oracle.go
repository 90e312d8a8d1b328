package testrun

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/record"
)

// Oracle cases: small programs whose results Linux 6.1 computed (through
// scripts/oracle.sh) and whose trimmed answers are committed as test
// data. A package's test builds the records from its cases, runs them
// here and compares with the answers; with -oracle-in it writes the
// records for the oracle instead.

// Case is one program written in the kernel assembly dialect.
type Case struct {
	Name     string
	ProgType string
	Asm      string
	Maps     []NamedMap // map[NAME] in Asm refers to these
	Data     []byte     // test_run.data
	Ctx      []byte     // test_run.ctx
	Repeat   int
	// CheckData compares data_out too.
	CheckData bool
	// MapCreate: the case is about map creation only (no program run).
	MapCreate bool
}

// NamedMap is a map of a case.
type NamedMap struct {
	Name string
	Map  record.Map
}

// Record builds the program record of a case.
func (c *Case) Record() (*record.In, error) {
	in := &record.In{Name: c.Name, ProgType: c.ProgType}
	if in.ProgType == "" {
		in.ProgType = "socket_filter"
	}
	src := c.Asm
	if strings.TrimSpace(src) == "" {
		src = "r0 = 0\nexit\n"
	}
	l, err := kernel.Assemble(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Name, err)
	}
	in.Insns = l.Program.Encode()
	idx := map[string]int{}
	for i, m := range c.Maps {
		idx[m.Name] = i
		mm := m.Map
		mm.Name = m.Name
		in.Maps = append(in.Maps, mm)
	}
	for _, r := range l.MapRefs {
		i, ok := idx[r.Name]
		if !ok {
			return nil, fmt.Errorf("%s: map %q is not defined", c.Name, r.Name)
		}
		if r.Value {
			in.Maps[i].ValueFixups = append(in.Maps[i].ValueFixups, r.Slot)
		} else {
			in.Maps[i].Fixups = append(in.Maps[i].Fixups, r.Slot)
		}
	}
	data := c.Data
	if data == nil && c.Ctx == nil {
		// BPF_PROG_TEST_RUN refuses skb packets shorter than an
		// Ethernet header: give cases a small zero packet by default.
		data = make([]byte, 64)
	}
	in.TestRun = &record.TestRun{Data: data, Ctx: c.Ctx, Repeat: c.Repeat}
	return in, nil
}

// Answer is the trimmed oracle answer kept as test data.
type Answer struct {
	Name      string      `json:"name"`
	OK        bool        `json:"ok"`
	Errno     int         `json:"errno,omitempty"`
	Stage     string      `json:"stage,omitempty"`
	Run       *AnswerRun  `json:"run,omitempty"`
	MapsAfter []AnswerMap `json:"maps_after,omitempty"`
	LogTail   string      `json:"log_tail,omitempty"`
}

// AnswerRun is the kept part of a test run.
type AnswerRun struct {
	OK      bool       `json:"ok"`
	Errno   int        `json:"errno,omitempty"`
	Retval  uint32     `json:"retval"`
	DataOut record.Hex `json:"data_out,omitempty"`
	CtxOut  record.Hex `json:"ctx_out,omitempty"`
}

// AnswerMap is one map's contents after the run.
type AnswerMap struct {
	Entries []record.Entry `json:"entries"`
}

// WriteOracleInput writes the cases as oracle input records (maps are
// dumped after the run).
func WriteOracleInput(w io.Writer, cases []Case) error {
	for i := range cases {
		in, err := cases[i].Record()
		if err != nil {
			return err
		}
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		var m map[string]any
		json.Unmarshal(b, &m)
		m["dump_maps"] = true
		if cases[i].MapCreate {
			delete(m, "test_run")
		}
		b, _ = json.Marshal(m)
		if _, err := fmt.Fprintf(w, "%s\n", b); err != nil {
			return err
		}
	}
	return nil
}

// TrimOracleOutput reads the oracle's output and keeps what tests use.
func TrimOracleOutput(r io.Reader, w io.Writer) error {
	dec := json.NewDecoder(r)
	for {
		var full struct {
			Name      string      `json:"name"`
			OK        bool        `json:"ok"`
			Errno     int         `json:"errno"`
			Stage     string      `json:"stage"`
			Log       string      `json:"log"`
			Run       *record.Run `json:"run"`
			MapsAfter []struct {
				Entries []struct{ Key, Value string } `json:"entries"`
			} `json:"maps_after"`
		}
		if err := dec.Decode(&full); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		a := Answer{Name: full.Name, OK: full.OK, Errno: full.Errno, Stage: full.Stage}
		for _, m := range full.MapsAfter {
			am := AnswerMap{Entries: []record.Entry{}}
			for _, e := range m.Entries {
				// Slots the kernel could not read ("error:ENOENT": empty
				// prog_array slots, ...) are not elements.
				k, err1 := record.ParseHex(e.Key)
				v, err2 := record.ParseHex(e.Value)
				if err1 == nil && err2 == nil {
					am.Entries = append(am.Entries, record.Entry{Key: k, Value: v})
				}
			}
			a.MapsAfter = append(a.MapsAfter, am)
		}
		if !full.OK && full.Log != "" {
			lines := strings.Split(strings.TrimSpace(full.Log), "\n")
			a.LogTail = strings.Join(lines[max(0, len(lines)-4):], "\n")
		}
		if full.Run != nil {
			a.Run = &AnswerRun{OK: full.Run.OK, Errno: full.Run.Errno, Retval: full.Run.Retval, DataOut: full.Run.DataOut, CtxOut: full.Run.CtxOut}
		}
		b, _ := json.Marshal(a)
		fmt.Fprintf(w, "%s\n", b)
	}
}

// ReadAnswers reads a trimmed answer file.
func ReadAnswers(path string) (map[string]*Answer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		z, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		r = z
	}
	out := map[string]*Answer{}
	dec := json.NewDecoder(r)
	for {
		var a Answer
		if err := dec.Decode(&a); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		out[a.Name] = &a
	}
}

// Check runs a case and compares it with the kernel's answer; it returns
// the differences (none: it matches).
func Check(c *Case, a *Answer, opt *Options) []string {
	var diffs []string
	in, err := c.Record()
	if err != nil {
		return []string{err.Error()}
	}
	if !a.OK {
		if a.Stage == "map_create" || a.Stage == "map_init" {
			_, _, err := Prepare(in)
			if err == nil {
				return []string{fmt.Sprintf("kernel: %s failed with errno %d, runtime accepted", a.Stage, a.Errno)}
			}
			if got := errnoOf(err); got != a.Errno {
				return []string{fmt.Sprintf("%s errno %d, kernel %d (%v)", a.Stage, got, a.Errno, err)}
			}
			return nil
		}
		return []string{fmt.Sprintf("the kernel refused the case (%s errno %d): %s", a.Stage, a.Errno, a.LogTail)}
	}
	if c.MapCreate {
		if _, _, err := Prepare(in); err != nil {
			return []string{fmt.Sprintf("kernel created the maps, runtime: %v", err)}
		}
		return nil
	}
	res, err := Run(in, opt)
	if err != nil {
		return []string{err.Error()}
	}
	if a.Run == nil {
		return []string{"no kernel run in the answer"}
	}
	if res.Run.OK != a.Run.OK || (a.Run.OK && res.Run.Retval != a.Run.Retval) || (!a.Run.OK && res.Run.Errno != a.Run.Errno) {
		diffs = append(diffs, fmt.Sprintf("run ok=%v errno %d retval %d (%#x) [%s], kernel ok=%v errno %d retval %d (%#x)",
			res.Run.OK, res.Run.Errno, res.Run.Retval, res.Run.Retval, res.Run.Error, a.Run.OK, a.Run.Errno, a.Run.Retval, a.Run.Retval))
	}
	if c.CheckData && !bytes.Equal(res.Run.DataOut, a.Run.DataOut) {
		diffs = append(diffs, fmt.Sprintf("data_out %x, kernel %x", []byte(res.Run.DataOut), []byte(a.Run.DataOut)))
	}
	if c.CheckData && len(a.Run.CtxOut) > 0 && !bytes.Equal(res.Run.CtxOut, a.Run.CtxOut) {
		diffs = append(diffs, fmt.Sprintf("ctx_out %x, kernel %x", []byte(res.Run.CtxOut), []byte(a.Run.CtxOut)))
	}
	if !a.Run.OK {
		return diffs // nothing ran
	}
	after := res.MapsAfter()
	for i, km := range a.MapsAfter {
		if i >= len(after) {
			break
		}
		if d := diffEntries(after[i], km.Entries); d != "" {
			diffs = append(diffs, fmt.Sprintf("map %s: %s", c.Maps[i].Name, d))
		}
	}
	return diffs
}

func errnoOf(err error) int {
	var ce *maps.CreateError
	if errors.As(err, &ce) {
		return int(ce.Errno)
	}
	var e maps.Errno
	if errors.As(err, &e) {
		return int(e)
	}
	return -1
}

// diffEntries compares map contents as sets (iteration orders differ)
// and describes the entries only one side has.
func diffEntries(got, want []record.Entry) string {
	key := func(e record.Entry) string { return fmt.Sprintf("%x=%x", []byte(e.Key), []byte(e.Value)) }
	g, w := map[string]bool{}, map[string]bool{}
	for _, e := range got {
		g[key(e)] = true
	}
	for _, e := range want {
		w[key(e)] = true
	}
	var only, missing []string
	for k := range g {
		if !w[k] {
			only = append(only, k)
		}
	}
	for k := range w {
		if !g[k] {
			missing = append(missing, k)
		}
	}
	if len(only) == 0 && len(missing) == 0 {
		return ""
	}
	sort.Strings(only)
	sort.Strings(missing)
	return fmt.Sprintf("runtime has {%s}, kernel has {%s}", strings.Join(only, " "), strings.Join(missing, " "))
}
