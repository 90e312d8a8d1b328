package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/bpfplay/bpfplay/core/load"
	"github.com/bpfplay/bpfplay/server/api"
)

// Pipeline is the production Runner: it decodes the request as
// core/load's schema and puts it through the pipeline twice, once with
// the native engine (verify, JIT, run the machine code in the JIT's
// sandboxed child process) and once with the interpreter, so the page
// can show both results and both timings side by side.
type Pipeline struct {
	// Load is the pipeline, core/load.Load (tests substitute it).
	Load func(ctx context.Context, req *load.Request) *load.Response
}

// Run implements Runner.
func (p *Pipeline) Run(ctx context.Context, raw json.RawMessage) (*RunResult, error) {
	var req load.Request
	if err := api.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	if req.Source.Text == "" && len(req.Source.Insns) == 0 && len(req.Source.ELF) == 0 {
		return nil, api.Errorf(http.StatusUnprocessableEntity, "bad_request",
			`the request has no program: set source.text (assembly or classic BPF), source.insns (hex) or source.elf (base64)`)
	}
	if req.Run == nil {
		req.Run = &load.RunOptions{} // /api/run always runs
	}
	native, interp := req, req
	nr, ir := *req.Run, *req.Run
	nr.Engine, ir.Engine = "native", "interp"
	native.Run, interp.Run = &nr, &ir
	native.JIT = true // the JIT listing comes with the native run

	res := &RunResult{}
	t0 := time.Now()
	res.Native = p.Load(ctx, &native)
	res.NativeNS = time.Since(t0).Nanoseconds()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t1 := time.Now()
	res.Interp = p.Load(ctx, &interp)
	res.InterpNS = time.Since(t1).Nanoseconds()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// Probe checks that the pipeline really runs programs natively: it runs
// a two-instruction program with the native engine and expects the
// answer to come from that engine with the right r0. `bpfplay serve`
// turns /api/run on only when Probe succeeds, so the API never claims
// native runs that the build cannot do.
func (p *Pipeline) Probe(ctx context.Context) error {
	resp := p.Load(ctx, &load.Request{
		Source:   load.Source{Text: "r0 = 42\nexit\n"},
		ProgType: "socket_filter",
		Run:      &load.RunOptions{Engine: "native", Data: make([]byte, 64)},
	})
	switch {
	case resp == nil || resp.Run == nil:
		return errors.New("native runs are not available: the pipeline did not run the self-test program")
	case resp.Run.Engine != "native":
		return fmt.Errorf("native runs are not available yet: the load pipeline ran the self-test with the %s, not natively", resp.Run.Engine)
	case !resp.Run.OK || resp.Run.R0 != 42:
		return fmt.Errorf("native runs are not available: the self-test program returned r0 %d (ok %v): %s", resp.Run.R0, resp.Run.OK, resp.Run.Error)
	}
	return nil
}
