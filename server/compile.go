package server

//go:generate go tool mockgen -typed -source=compile.go -destination=mockserver/compiler.go -package=mockserver

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/bpfplay/bpfplay/server/api"
	"github.com/bpfplay/bpfplay/server/clang"
)

// Compiler turns C into a BPF object for POST /api/compile
// (server/clang in production).
//
// A program clang rejects, or one that exhausts a limit, is a
// clang.Result with OK false, not an error; errors are faults of the
// machinery (500), or ctx ending (503).
type Compiler interface {
	Compile(ctx context.Context, src []byte) (*clang.Result, error)
	// Version names the compiler and its sandbox, for capabilities.
	Version() string
}

// CompileRequest is the body of POST /api/compile.
type CompileRequest struct {
	Source string `json:"source"` // one C file; may include system headers (linux/bpf.h, bpf/bpf_helpers.h)
}

func (s *Server) handleCompile(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Compiler == nil {
		api.WriteError(w, api.Errorf(http.StatusNotImplemented, "not_implemented", "%s", s.cfg.CompileUnavailable))
		return
	}
	var req CompileRequest
	if err := api.DecodeJSON(w, r, s.limits.CompileBody, &req); err != nil {
		api.WriteError(w, err)
		return
	}
	if req.Source == "" {
		api.WriteError(w, api.Errorf(http.StatusUnprocessableEntity, "bad_request", `the request has no "source" (a C program)`))
		return
	}
	release, err := s.compileQ.acquire(r.Context())
	if err != nil {
		api.WriteError(w, overloaded("compilations", err, s.retryAfter(s.compileQ)))
		return
	}
	defer release()
	res, err := s.cfg.Compiler.Compile(r.Context(), []byte(req.Source))
	if err != nil {
		var ae *api.Error
		switch {
		case errors.As(err, &ae):
		case r.Context().Err() != nil:
			err = overloaded("compilation", r.Context().Err(), time.Second)
		default:
			s.log.ErrorContext(r.Context(), "compile failed", "err", err)
		}
		api.WriteError(w, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, res)
}
