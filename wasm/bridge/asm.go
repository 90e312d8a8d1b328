package bridge

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/bpfplay/bpfplay/core/asm"
	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/isa"
)

// dialect is one assembly syntax the bridge can read and print.
type dialect struct {
	assemble func(src string) (*asm.Listing, error)
	// printer prints instructions; l is the listing they came from (its
	// labels and map names), or nil for decoded bytes.
	printer func(l *asm.Listing) func(pc int, ins isa.Instruction) string
}

var dialects = map[string]dialect{
	"kernel": {
		assemble: kernel.Assemble,
		printer: func(l *asm.Listing) func(int, isa.Instruction) string {
			p := &kernel.Printer{}
			if l != nil {
				p = kernel.ForListing(l)
			}
			return p.Insn
		},
	},
	"conformance": {
		assemble: conformance.Assemble,
		printer: func(*asm.Listing) func(int, isa.Instruction) string {
			return func(_ int, ins isa.Instruction) string { return conformance.Insn(ins).String() }
		},
	},
}

func dialectNames() []string {
	var names []string
	for n := range dialects {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func lookupDialect(name string) (dialect, error) {
	if name == "" {
		name = "kernel"
	}
	d, ok := dialects[name]
	if !ok {
		return d, fmt.Errorf("the %s dialect is not available in this build (available: %v)", name, dialectNames())
	}
	return d, nil
}

// AssembleRequest is the input of "assemble".
type AssembleRequest struct {
	Text    string `json:"text"`
	Dialect string `json:"dialect"`
}

// ListedInsn is one assembled instruction with its place in the source.
type ListedInsn struct {
	PC    int    `json:"pc"`    // slot number, as the verifier counts
	Line  int    `json:"line"`  // 1-based source line, 0 when unknown
	Width int    `json:"width"` // slots: 2 for ld_imm64
	Hex   string `json:"hex"`   // the instruction's bytes
	Text  string `json:"text"`  // printed back in the same dialect
}

// AssembleResult is the answer of "assemble": the program, or the
// errors with their positions (Errors non-empty means no program).
type AssembleResult struct {
	Insns  []ListedInsn     `json:"insns,omitempty"`
	Hex    string           `json:"hex,omitempty"`
	Slots  int              `json:"slots"`
	Labels map[string]int   `json:"labels,omitempty"`
	Errors []PositionedText `json:"errors,omitempty"`
}

// PositionedText is a message at a source position (line/col 1-based, 0
// when the error has no position, e.g. an empty program).
type PositionedText struct {
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
}

func assemble(params json.RawMessage) (any, error) {
	var req AssembleRequest
	if err := decodeParams("assemble", params, &req); err != nil {
		return nil, err
	}
	d, err := lookupDialect(req.Dialect)
	if err != nil {
		return nil, err
	}
	l, err := d.assemble(req.Text)
	if err != nil {
		return AssembleResult{Errors: asmErrors(err)}, nil
	}
	return listing(l, d), nil
}

func asmErrors(err error) []PositionedText {
	var list asm.ErrorList
	if errors.As(err, &list) {
		out := make([]PositionedText, len(list))
		for i, e := range list {
			out[i] = PositionedText{Line: e.Pos.Line, Col: e.Pos.Col, Message: e.Msg}
		}
		return out
	}
	var one *asm.Error
	if errors.As(err, &one) {
		return []PositionedText{{Line: one.Pos.Line, Col: one.Pos.Col, Message: one.Msg}}
	}
	return []PositionedText{{Message: err.Error()}}
}

func listing(l *asm.Listing, d dialect) AssembleResult {
	res := AssembleResult{Labels: l.Labels, Slots: l.Program.NumSlots(), Hex: hex.EncodeToString(l.Program.Encode())}
	pcs := l.Program.PCs()
	print := d.printer(l)
	for i, ins := range l.Program {
		li := ListedInsn{PC: pcs[i], Width: ins.Width(), Hex: hex.EncodeToString(ins.AppendBinary(nil)), Text: print(pcs[i], ins)}
		if i < len(l.Pos) {
			li.Line = l.Pos[i].Line
		}
		res.Insns = append(res.Insns, li)
	}
	return res
}

// DisassembleRequest is the input of "disassemble": raw instructions in
// hex (8 bytes per slot, whitespace ignored).
type DisassembleRequest struct {
	Hex     string `json:"hex"`
	Dialect string `json:"dialect"`
}

func disassemble(params json.RawMessage) (any, error) {
	var req DisassembleRequest
	if err := decodeParams("disassemble", params, &req); err != nil {
		return nil, err
	}
	d, err := lookupDialect(req.Dialect)
	if err != nil {
		return nil, err
	}
	b, err := hex.DecodeString(stripSpace(req.Hex))
	if err != nil {
		return nil, fmt.Errorf("the instructions are not hex: %v", err)
	}
	prog, err := isa.Decode(b)
	if err != nil {
		return nil, err
	}
	res := AssembleResult{Slots: prog.NumSlots(), Hex: hex.EncodeToString(b)}
	pcs := prog.PCs()
	print := d.printer(nil)
	for i, ins := range prog {
		res.Insns = append(res.Insns, ListedInsn{PC: pcs[i], Width: ins.Width(), Hex: hex.EncodeToString(ins.AppendBinary(nil)), Text: print(pcs[i], ins)})
	}
	return res, nil
}

func stripSpace(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
		default:
			out = append(out, s[i])
		}
	}
	return string(out)
}

func init() {
	register("assemble", assemble)
	register("disassemble", disassemble)
}

func conformanceParse(data string) (*conformance.Test, error) { return conformance.ParseData(data) }
