package bridge

import (
	"encoding/json"

	"github.com/bpfplay/bpfplay/core/progtype"
)

// ProgType describes a program type for the page: the context layout
// (for the ctx field editor and the hover card), the named return codes
// (so the Run pane can say XDP_DROP), and whether test runs work.
type ProgType struct {
	Name    string       `json:"name"`
	Num     uint32       `json:"num"`
	Ctx     *CtxLayout   `json:"ctx,omitempty"`
	Returns []ReturnCode `json:"returns,omitempty"`
	TestRun bool         `json:"test_run"`
	Packet  bool         `json:"packet"`
	Attach  []string     `json:"attach_types,omitempty"`
}

// CtxLayout is a uapi context struct.
type CtxLayout struct {
	Name   string     `json:"name"`
	Size   int        `json:"size"`
	Fields []CtxField `json:"fields"`
}

// CtxField is one field of a context struct.
type CtxField struct {
	Name string `json:"name"`
	Off  int    `json:"off"`
	Size int    `json:"size"`
	Elem int    `json:"elem"`
	Kind string `json:"kind"` // "scalar", "pointer", "padding"
}

// ReturnCode is a named return value.
type ReturnCode struct {
	Name  string `json:"name"`
	Value int64  `json:"value"`
	Doc   string `json:"doc"`
}

func progTypes(json.RawMessage) (any, error) {
	var out []ProgType
	for _, t := range progtype.All() {
		if t.Name == "unspec" {
			continue
		}
		p := ProgType{Name: t.Name, Num: t.Num, TestRun: t.TestRun, Packet: t.Packet}
		if t.Ctx != nil {
			c := &CtxLayout{Name: t.Ctx.Name, Size: t.Ctx.Size}
			for _, f := range t.Ctx.Fields {
				kind := "pointer"
				switch f.Kind {
				case progtype.Scalar:
					kind = "scalar"
				case progtype.Padding:
					kind = "padding"
				}
				c.Fields = append(c.Fields, CtxField{Name: f.Name, Off: f.Off, Size: f.Size, Elem: f.Elem, Kind: kind})
			}
			p.Ctx = c
		}
		for _, r := range t.Returns {
			p.Returns = append(p.Returns, ReturnCode{Name: r.Name, Value: r.Value, Doc: r.Doc})
		}
		for _, a := range t.AttachTypes {
			p.Attach = append(p.Attach, a.Name)
		}
		out = append(out, p)
	}
	return out, nil
}

func init() {
	register("progtypes", progTypes)
}
