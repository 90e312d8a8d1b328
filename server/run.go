package server

//go:generate go tool mockgen -typed -source=run.go -destination=mockserver/runner.go -package=mockserver

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/bpfplay/bpfplay/server/api"
)

// Runner runs a program for POST /api/run: through the load pipeline
// (verify, JIT), then natively in the JIT's sandboxed runner process and,
// beside it, in the interpreter.
//
// The request is the pipeline's JSON request (core/load.Request: source,
// prog_type, maps, run options), passed through as the client sent it
// once the server has checked that it is a JSON object within the size
// limit: its schema belongs to core/load, and the Runner decodes it.
//
// Errors: an *api.Error is the client's mistake (a request the pipeline
// cannot take: no source, an unknown program type) and keeps its 4xx
// status. A program that is rejected, faults, or exhausts its budget is
// not an error: it is a RunResult that says so. Any other error is a
// fault of the server (500), except ctx ending (503, retry).
type Runner interface {
	Run(ctx context.Context, req json.RawMessage) (*RunResult, error)
}

// RunResult is the answer of POST /api/run.
type RunResult struct {
	// Native is the pipeline's response with the program executed as
	// machine code in the sandboxed runner (verdict, log, JIT listing,
	// run: r0, output, maps after the run).
	Native any `json:"native"`
	// Interp is the same request run by the interpreter.
	Interp any `json:"interp"`
	// Wall-clock times of the two runs as the server measured them,
	// nanoseconds (the pipeline's own per-run figures are inside Native
	// and Interp).
	NativeNS int64 `json:"native_ns"`
	InterpNS int64 `json:"interp_ns"`
}

func (s *Server) handleRun(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Runner == nil {
		api.WriteError(w, api.Errorf(http.StatusNotImplemented, "not_implemented", "%s", s.cfg.RunUnavailable))
		return
	}
	var req map[string]json.RawMessage // any JSON object; the Runner decodes it
	if err := api.CheckJSONContentType(r); err != nil {
		api.WriteError(w, err)
		return
	}
	body, err := api.ReadBody(w, r, s.limits.RunBody)
	if err != nil {
		api.WriteError(w, err)
		return
	}
	if err := api.Unmarshal(body, &req); err != nil {
		api.WriteError(w, err)
		return
	}
	if req == nil {
		api.WriteError(w, api.Errorf(http.StatusBadRequest, "bad_json", "the request must be a JSON object, not null"))
		return
	}
	release, err := s.runQ.acquire(r.Context())
	if err != nil {
		api.WriteError(w, overloaded("runs", err, s.retryAfter(s.runQ)))
		return
	}
	defer release()
	res, err := s.cfg.Runner.Run(r.Context(), body)
	if err != nil {
		var ae *api.Error
		switch {
		case errors.As(err, &ae):
		case r.Context().Err() != nil:
			err = overloaded("run", r.Context().Err(), time.Second)
		default:
			s.log.ErrorContext(r.Context(), "run failed", "err", err)
		}
		api.WriteError(w, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, res)
}

// retryAfter estimates when a slot frees: a second per queued job per
// slot, at least one second.
func (s *Server) retryAfter(q *queue) time.Duration {
	_, waiting := q.stats()
	d := time.Duration(1+waiting/int64(cap(q.slots))) * time.Second
	return min(d, 30*time.Second)
}
