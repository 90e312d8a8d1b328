package load

import (
	"fmt"

	"github.com/bpfplay/bpfplay/jit"
)

// compileJIT emits the x86-64 code Linux 6.1's JIT would, at the
// reference kernel's addresses, with a listing that maps machine code to
// eBPF instructions.
func compileJIT(req *Request, p *program, resp *Response) {
	opts := jit.DisplayOptions{MapNames: p.mapName, Syntax: jit.ATT}
	if req.JITSyntax == "intel" {
		opts.Syntax = jit.Intel
	}
	if v := resp.Verifier; v != nil && v.Accepted {
		opts.StackDepth = v.Stats.StackDepth
	}
	d, err := jit.CompileForDisplay(p.prog, opts)
	if err != nil {
		resp.Diagnostics = append(resp.Diagnostics, Diagnostic{Severity: "error", Stage: "jit", Message: fmt.Sprintf("JIT: %v", err)})
		resp.OK = false
		return
	}
	resp.JIT = &JITResult{Code: d.Image.Code, FuncLens: d.Image.FuncLens(), Listing: d.Listing}
}
