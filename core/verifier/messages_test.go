package verifier

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
)

// The message table: bpfplay's own programs (testdata/messages.txt),
// each making Linux 6.1 say one thing, with the kernel's answers
// (testdata/messages.answers.jsonl.gz) taken from the kernel oracle:
//
//	BPFPLAY_ORACLE_INPUT=/tmp/msg.jsonl go test ./core/verifier -run TestMessages
//	scripts/oracle.sh /tmp/msg.jsonl /tmp/msg.out.jsonl
//	BPFPLAY_ORACLE_OUTPUT=/tmp/msg.out.jsonl go test ./core/verifier -run TestMessages
//
// The last step keeps what the test compares: verdict, errno, error
// line, insns_processed, the log when it is short, and xlated.

const (
	messagesPath = "testdata/messages.txt"
	answersPath  = "testdata/messages.answers.jsonl.gz"
)

type messageCase struct {
	in    *record.In
	line  int
	level int
}

// parseMessages reads the message table into program records.
func parseMessages(t *testing.T) []messageCase {
	f, err := os.Open(messagesPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []messageCase
	var cur *messageCase
	var text strings.Builder
	var maps mapFlags
	inBody := false
	finish := func() {
		if cur == nil {
			return
		}
		l, err := kernel.Assemble(text.String())
		if err != nil {
			t.Fatalf("%s:%d: %s: %v", messagesPath, cur.line, cur.in.Name, err)
		}
		cur.in.Insns = l.Program.Encode()
		byName := map[string]record.Map{}
		for _, m := range maps {
			byName[m.Name] = m
		}
		for _, name := range l.Maps {
			m, ok := byName[name]
			if !ok {
				t.Fatalf("%s:%d: map %q not defined", messagesPath, cur.line, name)
			}
			cur.in.Maps = append(cur.in.Maps, m)
		}
		for _, r := range l.MapRefs {
			if r.Value {
				cur.in.Maps[r.Index].ValueFixups = append(cur.in.Maps[r.Index].ValueFixups, r.Slot)
			} else {
				cur.in.Maps[r.Index].Fixups = append(cur.in.Maps[r.Index].Fixups, r.Slot)
			}
		}
		lv := cur.level
		cur.in.LogLevel = &lv
		cases = append(cases, *cur)
	}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "== "):
			finish()
			cur = &messageCase{in: &record.In{Name: "bpfplay/messages: " + strings.TrimPrefix(line, "== "),
				ProgType: "socket_filter", ProgFlags: 4}, line: n, level: 1}
			text.Reset()
			maps = nil
			inBody = false
		case cur == nil:
		case inBody:
			text.WriteString(line + "\n")
		case line == "--":
			inBody = true
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
		default:
			k, v, _ := strings.Cut(line, " ")
			switch k {
			case "type":
				cur.in.ProgType = v
			case "attach":
				cur.in.ExpectedAttachType = v
			case "map":
				if err := maps.Set(v); err != nil {
					t.Fatalf("%s:%d: %v", messagesPath, n, err)
				}
			case "flags":
				x, _ := strconv.Atoi(v)
				cur.in.ProgFlags |= uint32(x)
			case "unpriv":
				cur.in.Unpriv = true
			case "level":
				cur.level, _ = strconv.Atoi(v)
			default:
				t.Fatalf("%s:%d: unknown option %q", messagesPath, n, k)
			}
		}
	}
	finish()
	return cases
}

// mapFlags collects map definitions NAME=TYPE,key=K,value=V,entries=N.
type mapFlags []record.Map

func (m *mapFlags) Set(s string) error {
	name, rest, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("map %q: want NAME=TYPE,...", s)
	}
	parts := strings.Split(rest, ",")
	rm := record.Map{Name: name, Type: parts[0]}
	for _, p := range parts[1:] {
		k, v, _ := strings.Cut(p, "=")
		x, err := strconv.ParseUint(v, 0, 32)
		if err != nil {
			return err
		}
		switch k {
		case "key":
			rm.KeySize = uint32(x)
		case "value":
			rm.ValueSize = uint32(x)
		case "entries":
			rm.MaxEntries = uint32(x)
		case "flags":
			rm.Flags = uint32(x)
		}
	}
	*m = append(*m, rm)
	return nil
}

// answer is a trimmed kernel answer.
type answer struct {
	Name           string  `json:"name"`
	OK             bool    `json:"ok"`
	Errno          int     `json:"errno"`
	ErrorLine      string  `json:"error_line,omitempty"`
	Log            string  `json:"log,omitempty"`
	InsnsProcessed int     `json:"insns_processed,omitempty"`
	Xlated         string  `json:"xlated,omitempty"`
	Unpriv         *answer `json:"unpriv,omitempty"`
}

func readAnswers(t *testing.T, answersPath string) map[string]*answer {
	f, err := os.Open(answersPath)
	if err != nil {
		t.Fatalf("%v: the kernel's answers are missing; see the comment of messages_test.go to make them", err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*answer{}
	dec := json.NewDecoder(z)
	for {
		var a answer
		if err := dec.Decode(&a); err != nil {
			break
		}
		m[a.Name] = &a
	}
	return m
}

// TestMessages checks bpfplay's verdict, errno, error line, statistics,
// log and xlated program against Linux 6.1 for each case of the table.
func TestMessages(t *testing.T) { runSweep(t, parseMessages(t), answersPath, true) }

func compareAnswer(t *testing.T, in *record.In, unpriv bool, a *answer) {
	t.Helper()
	slots, opts, err := FromRecord(in, unpriv)
	if err != nil {
		t.Fatal(err)
	}
	res := VerifySlots(slots, opts)
	who := "privileged"
	if unpriv {
		who = "unprivileged"
	}
	if res.Accepted != a.OK || res.Errno != a.Errno {
		t.Fatalf("%s: bpfplay accepted=%v errno=%d, Linux ok=%v errno=%d\nbpfplay log:\n%s\nLinux's error: %s",
			who, res.Accepted, res.Errno, a.OK, a.Errno, res.Log, a.ErrorLine)
	}
	if a.ErrorLine != "" && !strings.Contains(res.Log, a.ErrorLine) {
		t.Errorf("%s: Linux says %q; bpfplay's log:\n%s", who, a.ErrorLine, res.Log)
	}
	if a.OK && a.InsnsProcessed != res.Stats.InsnsProcessed {
		t.Errorf("%s: insns_processed %d, Linux %d", who, res.Stats.InsnsProcessed, a.InsnsProcessed)
	}
	if a.Log != "" {
		if w, g := normLog(a.Log), normLog(res.Log); w != g {
			line, wl, gl := firstDiff(w, g)
			t.Errorf("%s: log differs at line %d\n  Linux:   %q\n  bpfplay: %q", who, line, wl, gl)
		}
	}
	if a.Xlated != "" && !unpriv {
		want, err := record.ParseHex(a.Xlated)
		if err != nil {
			t.Fatal(err)
		}
		ws, _ := isaSlots(want)
		if !sameXlated(res.Xlated, ws) {
			t.Errorf("xlated differs from Linux's")
		}
	}
}

func isaSlots(b []byte) ([]isa.Slot, error) { return isa.UnmarshalSlots(b) }

// trim keeps the parts of an oracle answer the test compares.
func trim(name string, o *record.Out) *answer {
	a := &answer{Name: name, OK: o.OK, Errno: o.Errno, InsnsProcessed: o.InsnsProcessed}
	if !o.OK && o.Log != "" {
		a.ErrorLine = errorLine(o.Log)
	}
	if len(o.Log) <= 4096 {
		a.Log = o.Log
	}
	if len(o.Xlated) > 0 {
		a.Xlated = fmt.Sprintf("%x", []byte(o.Xlated))
	}
	return a
}

// writeAnswers trims the oracle's output (one line per case, in order)
// into answersPath (testdata/messages.answers.jsonl.gz for the message
// table); keepLog false drops the logs (the error line stays).
func writeAnswers(t *testing.T, cases []messageCase, path, answersPath string, keepLog bool) {
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(in, 1<<20))
	f, err := os.Create(answersPath)
	if err != nil {
		t.Fatal(err)
	}
	z := gzip.NewWriter(f)
	enc := json.NewEncoder(z)
	for _, c := range cases {
		o := &record.Out{}
		if err := dec.Decode(o); err != nil {
			t.Fatalf("oracle output ends before %s: %v", c.in.Name, err)
		}
		if o.Name != c.in.Name {
			t.Fatalf("oracle output %q where %q was expected", o.Name, c.in.Name)
		}
		a := trim(c.in.Name, o)
		if o.Unpriv != nil {
			a.Unpriv = trim(c.in.Name, o.Unpriv)
		}
		if !keepLog {
			a.Log = ""
			if a.Unpriv != nil {
				a.Unpriv.Log = ""
			}
		}
		enc.Encode(a)
	}
	z.Close()
	f.Close()
	t.Logf("wrote %d answers to %s", len(cases), answersPath)
}
