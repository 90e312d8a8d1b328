// Package server is bpfplay's companion server as one http.Handler: the
// embedded web playground (precompressed, content-hashed assets cached
// for a year), short share links on a store, native runs of JIT-compiled
// programs through a sandboxed runner, C compilation with clang, and the
// endpoints that tell the web app what this server can do.
//
// Endpoints (docs/server.md has the full reference):
//
//	GET  /                    the playground (any file of the site)
//	GET  /s/{id}              the playground opened on a shared state
//	POST /api/share           store a state -> {"id","url"}
//	GET  /api/share/{id}      the stored state
//	POST /api/run             verify, JIT and run natively, and in the interpreter
//	POST /api/compile         C -> BPF object with clang
//	GET  /api/capabilities    what this server offers
//	GET  /healthz             liveness and store check
//
// Every error is JSON ({"error","code"}), 4xx for the client's mistakes,
// 5xx only for real faults; overload is 429 (this client is too fast) or
// 503 (the server is busy), both with Retry-After. Every request is
// logged as one structured line (log/slog).
package server
