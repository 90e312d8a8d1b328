package cbpf

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// golden is one program with what libpcap printed for it.
type golden struct {
	file          string
	expr          string
	prog          Program
	d, dd, ddd    string
	fromExpr, raw bool
}

func loadGoldens(t *testing.T, pattern string) []golden {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files %s (regenerate with testdata/gen/gen.sh)", pattern)
	}
	var out []golden
	for _, f := range files {
		a, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		g := golden{file: filepath.Base(f)}
		for _, s := range a.Files {
			switch s.Name {
			case "expr":
				g.expr, g.fromExpr = strings.TrimSpace(string(s.Data)), true
			case "raw":
				b, err := hexDecode(string(s.Data))
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				if g.prog, err = DecodeRaw(b); err != nil {
					t.Fatal(err)
				}
				g.raw = true
			case "d":
				g.d = string(s.Data)
			case "dd":
				g.dd = string(s.Data)
			case "ddd":
				g.ddd = string(s.Data)
			}
		}
		if !g.raw { // the truth is the -ddd numbers
			if g.prog, err = ParseDDD(g.ddd); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
		out = append(out, g)
	}
	return out
}

func hexDecode(s string) ([]byte, error) {
	var b bytes.Buffer
	for _, f := range strings.Fields(s) {
		for i := 0; i+1 < len(f); i += 2 {
			var v byte
			for _, c := range f[i : i+2] {
				v <<= 4
				switch {
				case c >= '0' && c <= '9':
					v |= byte(c - '0')
				case c >= 'a' && c <= 'f':
					v |= byte(c-'a') + 10
				default:
					return nil, &Error{Msg: "bad hex"}
				}
			}
			b.WriteByte(v)
		}
	}
	return b.Bytes(), nil
}

// TestTcpdumpGolden: real tcpdump 4.99.3 output for filter expressions;
// bpfplay must print -d, -dd and -ddd byte for byte, and read each back.
func TestTcpdumpGolden(t *testing.T) {
	gs := loadGoldens(t, "testdata/tcpdump/*.txtar")
	for _, g := range gs {
		t.Run(g.file, func(t *testing.T) { checkGolden(t, g) })
	}
	t.Logf("%d tcpdump listings compared (-d, -dd, -ddd each)", len(gs))
}

// TestLibpcapOpcodes: libpcap's printer on every 16-bit code up to 0x1ff.
func TestLibpcapOpcodes(t *testing.T) {
	for _, g := range loadGoldens(t, "testdata/libpcap/*.txtar") {
		t.Run(g.file, func(t *testing.T) { checkGolden(t, g) })
	}
}

func checkGolden(t *testing.T, g golden) {
	t.Helper()
	for _, c := range []struct {
		f    Format
		want string
	}{{FormatTcpdump, g.d}, {FormatDD, g.dd}, {FormatDDD, g.ddd}} {
		got, err := Marshal(g.prog, c.f)
		if err != nil {
			t.Fatalf("%v: %v", c.f, err)
		}
		if string(got) != c.want {
			t.Errorf("%v output differs from libpcap's:\n%s", c.f, firstDiff(string(got), c.want))
		}
		if det, err := Detect([]byte(c.want)); err != nil || det != c.f {
			t.Errorf("Detect(%v text) = %v, %v", c.f, det, err)
		}
		back, _, err := Parse([]byte(c.want), c.f)
		if err != nil {
			t.Fatalf("reading libpcap's %v: %v", c.f, err)
		}
		want := g.prog
		if c.f == FormatTcpdump {
			want = Canonical(g.prog)
		}
		if !equalProg(back, want) {
			t.Errorf("reading libpcap's %v gives a different program", c.f)
		}
	}
	if g.fromExpr {
		// Linux accepts what tcpdump compiles, except protochain's loop:
		// a backward ja, which the kernel refuses (libpcap then filters
		// in user space).
		err := Check(g.prog)
		if strings.Contains(g.expr, "protochain") {
			if err == nil {
				t.Errorf("protochain's backward jump must be refused")
			}
		} else if err != nil {
			t.Errorf("Linux accepts tcpdump's programs, Check says %v", err)
		}
	}
}

func firstDiff(got, want string) string {
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			return "line " + itoa(i+1) + ":\n got  " + quote(g) + "\n want " + quote(w)
		}
	}
	return "(no difference)"
}

func itoa(i int) string { return strconv.Itoa(i) }

func quote(s string) string { return "\"" + strings.ReplaceAll(s, "\t", "\\t") + "\"" }

func equalProg(a, b Program) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
