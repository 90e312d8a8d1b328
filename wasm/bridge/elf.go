//go:build !bpfplay_noelf

package bridge

import (
	"encoding/json"
	"fmt"

	"github.com/bpfplay/bpfplay/core/elf"
)

// "elf.open" exists only in the full core: the browser's start-up core is
// built with -tags bpfplay_noelf (no core/elf, no cilium/ebpf: a quarter
// of the wasm), and its capabilities do not list the method, which tells
// the page to move to the full core when a .o arrives (docs/web.md, "Two
// cores").

// ElfRequest is the input of "elf.open".
type ElfRequest struct {
	ELF []byte `json:"elf"` // base64 in JSON
}

// ElfProgram is one program of an object file, for the page's picker.
type ElfProgram struct {
	Name     string `json:"name"`
	Section  string `json:"section"`
	ProgType string `json:"prog_type"`
	Insns    int    `json:"insns"`
}

// ElfAnswer lists an object's programs and maps.
type ElfAnswer struct {
	Programs []ElfProgram `json:"programs"`
	Maps     []string     `json:"maps"`
	License  string       `json:"license"`
}

func elfOpen(params json.RawMessage) (any, error) {
	var req ElfRequest
	if err := decodeParams("elf.open", params, &req); err != nil {
		return nil, err
	}
	if len(req.ELF) == 0 {
		return nil, fmt.Errorf("the object file is empty")
	}
	obj, err := elf.Open(req.ELF)
	if err != nil {
		return nil, fmt.Errorf("not a valid ELF object: %v (is the file complete? build one with clang -O2 -g -target bpf -c prog.c)", err)
	}
	ans := ElfAnswer{Programs: []ElfProgram{}, Maps: []string{}, License: obj.License}
	for _, p := range obj.Programs {
		ans.Programs = append(ans.Programs, ElfProgram{Name: p.Name, Section: p.Section, ProgType: p.ProgType, Insns: len(p.Insns)})
	}
	for _, m := range obj.Maps {
		ans.Maps = append(ans.Maps, m.Name)
	}
	return ans, nil
}

func init() {
	register("elf.open", elfOpen)
}
