//go:build js && wasm

// Command worker is bpfplay's share service on Cloudflare Workers: the
// same share API as `bpfplay serve` (package server/share, so ids,
// validation and errors are identical), with Workers KV as the store.
// The static site is served by Workers static assets (wrangler.toml), so
// the Go code only sees /api/* and /healthz.
//
// Build and run locally: see worker/README.md (npm run build; wrangler dev).
package main

import (
	"net/http"

	"github.com/syumai/workers"

	"github.com/bpfplay/bpfplay/server/api"
	"github.com/bpfplay/bpfplay/server/share"
)

// kvBinding is the KV namespace's binding name in wrangler.toml.
const kvBinding = "SHARES"

func main() {
	workers.Serve(newHandler())
}

func newHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/share", func(w http.ResponseWriter, r *http.Request) {
		svc, err := service()
		if err != nil {
			api.WriteError(w, err)
			return
		}
		svc.HandleCreate(w, r)
	})
	mux.HandleFunc("GET /api/share/{id}", func(w http.ResponseWriter, r *http.Request) {
		svc, err := service()
		if err != nil {
			api.WriteError(w, err)
			return
		}
		svc.HandleGet(w, r)
	})
	mux.HandleFunc("GET /api/capabilities", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		api.WriteJSON(w, http.StatusOK, map[string]any{
			"version": "worker",
			"share":   true,
			"run":     false,
			"compile": false,
			"reasons": map[string]string{
				"run":     "native runs need the bpfplay server (Workers cannot run machine code)",
				"compile": "C compilation needs the bpfplay server with clang",
			},
			"limits": map[string]int{"share_bytes": share.MaxStateSize},
		})
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		api.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": "worker"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		api.WriteError(w, api.Errorf(http.StatusNotFound, "not_found", "no endpoint %s %s on the share worker", r.Method, r.URL.Path))
	})
	return mux
}

// service binds the KV namespace of the current request's environment.
func service() (*share.Service, error) {
	st, err := openKV(kvBinding)
	if err != nil {
		return nil, err
	}
	return &share.Service{Store: st}, nil
}
