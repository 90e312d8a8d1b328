package bridge

import (
	"encoding/json"
	"strings"
	"testing"
)

func call(t *testing.T, method, params string) Response {
	t.Helper()
	var r struct {
		Response
		Result json.RawMessage `json:"result"`
	}
	out := Call(method, []byte(params))
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("%s: response is not JSON: %v\n%s", method, err, out)
	}
	r.Response.Result = r.Result
	return r.Response
}

func TestEnvelope(t *testing.T) {
	register("test.panic", func(json.RawMessage) (any, error) { panic("boom") })
	tests := []struct {
		name, method, params string
		ok, internal         bool
		errHas               string
	}{
		{"capabilities", "capabilities", "", true, false, ""},
		{"unknown method", "frobnicate", "{}", false, false, "frobnicate is not available in this build"},
		{"bad JSON", "assemble", "{", false, false, "assemble: bad request"},
		{"panic is contained", "test.panic", "{}", false, true, "internal error in test.panic: boom"},
		{"unknown dialect", "assemble", `{"text":"exit","dialect":"klingon"}`, false, false, "klingon dialect is not available"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, tt.method, tt.params)
			if r.OK != tt.ok || r.Internal != tt.internal || !strings.Contains(r.Error, tt.errHas) {
				t.Errorf("got ok=%v internal=%v error=%q; want ok=%v internal=%v error containing %q", r.OK, r.Internal, r.Error, tt.ok, tt.internal, tt.errHas)
			}
		})
	}
}

func TestCapabilitiesListsMethods(t *testing.T) {
	r := call(t, "capabilities", "{}")
	var c Capabilities
	if err := json.Unmarshal(r.Result.(json.RawMessage), &c); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"assemble", "disassemble", "progtypes", "capabilities"} {
		if !strings.Contains(strings.Join(c.Methods, " "), m) {
			t.Errorf("capabilities lacks %q: %v", m, c.Methods)
		}
	}
}

// The expected encodings are RFC 9669's: mov64 imm is opcode 0xb7, lddw
// 0x18 over two slots, exit 0x95.
func TestAssembleConformance(t *testing.T) {
	tests := []struct {
		name, text string
		hex        string
		lines      []int
		pcs        []int
		errLine    int
		errHas     string
	}{
		{name: "mov exit", text: "mov %r0, 1\nexit\n", hex: "b700000001000000" + "9500000000000000", lines: []int{1, 2}, pcs: []int{0, 1}},
		{name: "lddw is two slots", text: "# comment\nlddw %r0, 0x100000002\n\nexit", hex: "1800000002000000" + "0000000001000000" + "9500000000000000", lines: []int{2, 4}, pcs: []int{0, 2}},
		{name: "error has a line", text: "mov %r0, 1\nfrob %r1\nexit", errLine: 2, errHas: "frob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := json.Marshal(AssembleRequest{Text: tt.text, Dialect: "conformance"})
			r := call(t, "assemble", string(p))
			if !r.OK {
				t.Fatalf("error: %s", r.Error)
			}
			var res AssembleResult
			if err := json.Unmarshal(r.Result.(json.RawMessage), &res); err != nil {
				t.Fatal(err)
			}
			if tt.errHas != "" {
				if len(res.Errors) == 0 || res.Errors[0].Line != tt.errLine || !strings.Contains(res.Errors[0].Message, tt.errHas) {
					t.Fatalf("errors = %+v, want line %d containing %q", res.Errors, tt.errLine, tt.errHas)
				}
				return
			}
			if res.Hex != tt.hex {
				t.Errorf("hex = %s, want %s", res.Hex, tt.hex)
			}
			for i, in := range res.Insns {
				if in.Line != tt.lines[i] || in.PC != tt.pcs[i] {
					t.Errorf("insn %d at line %d pc %d, want line %d pc %d", i, in.Line, in.PC, tt.lines[i], tt.pcs[i])
				}
			}
		})
	}
}

func TestDisassembleRejectsGarbage(t *testing.T) {
	for _, in := range []string{`{"hex":"zz","dialect":"conformance"}`, `{"hex":"b7000000","dialect":"conformance"}`, `{"hex":"ff00000000000000","dialect":"conformance"}`} {
		if r := call(t, "disassemble", in); r.OK || r.Internal || r.Error == "" {
			t.Errorf("%s: got ok=%v internal=%v error=%q, want a clear input error", in, r.OK, r.Internal, r.Error)
		}
	}
}

func TestProgTypes(t *testing.T) {
	r := call(t, "progtypes", "{}")
	var types []ProgType
	if err := json.Unmarshal(r.Result.(json.RawMessage), &types); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range types {
		if p.Name == "xdp" {
			found = true
			if p.Num != 6 || p.Ctx == nil || p.Ctx.Name != "xdp_md" {
				t.Errorf("xdp = %+v", p)
			}
			names := map[string]int64{}
			for _, r := range p.Returns {
				names[r.Name] = r.Value
			}
			if v, ok := names["XDP_DROP"]; !ok || v != 1 {
				t.Errorf("XDP_DROP = %d, %v; want 1 (enum xdp_action)", v, ok)
			}
		}
	}
	if !found {
		t.Error("no xdp program type")
	}
}

func FuzzCall(f *testing.F) {
	f.Add("assemble", `{"text":"mov %r0, 1\nexit","dialect":"conformance"}`)
	f.Add("disassemble", `{"hex":"9500000000000000","dialect":"conformance"}`)
	f.Add("capabilities", `null`)
	f.Fuzz(func(t *testing.T, method, params string) {
		if strings.HasPrefix(method, "test.") {
			return // methods registered by other tests, e.g. test.panic
		}
		var r Response
		if err := json.Unmarshal(Call(method, []byte(params)), &r); err != nil {
			t.Fatalf("response is not JSON: %v", err)
		}
		if r.Internal {
			t.Fatalf("internal error for %s %q: %s", method, params, r.Error)
		}
	})
}
