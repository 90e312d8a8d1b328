package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/bpfplay/bpfplay/server/api"
	"github.com/bpfplay/bpfplay/server/share"
	"github.com/bpfplay/bpfplay/server/store"
)

// Capabilities is the answer of GET /api/capabilities: what the web app
// may offer with this server behind it. A static host has no such
// endpoint, and the app then offers neither short links nor native runs
// nor C.
type Capabilities struct {
	Version string `json:"version"`
	Share   bool   `json:"share"`
	Run     bool   `json:"run"`
	Compile bool   `json:"compile"`
	// Reasons say why a feature is off ("clang not found: ...").
	Reasons map[string]string `json:"reasons,omitempty"`
	// Compiler names the clang that compiles (when Compile is true).
	Compiler string    `json:"compiler,omitempty"`
	Limits   CapLimits `json:"limits"`
}

// CapLimits are the limits a client should respect up front.
type CapLimits struct {
	ShareBytes   int64 `json:"share_bytes"`
	RunBytes     int64 `json:"run_bytes"`
	CompileBytes int64 `json:"compile_bytes"`
	RunTimeoutMS int64 `json:"run_timeout_ms"`
}

// Capabilities reports what this server offers (GET /api/capabilities).
func (s *Server) Capabilities() Capabilities {
	c := Capabilities{
		Version: s.cfg.Version,
		Share:   true,
		Run:     s.cfg.Runner != nil,
		Compile: s.cfg.Compiler != nil,
		Limits: CapLimits{
			ShareBytes:   share.MaxStateSize,
			RunBytes:     s.limits.RunBody,
			CompileBytes: s.limits.CompileBody,
			RunTimeoutMS: s.limits.RunTimeout.Milliseconds(),
		},
	}
	if !c.Run || !c.Compile {
		c.Reasons = map[string]string{}
		if !c.Run {
			c.Reasons["run"] = s.cfg.RunUnavailable
		}
		if !c.Compile {
			c.Reasons["compile"] = s.cfg.CompileUnavailable
		}
	}
	if s.cfg.Compiler != nil {
		c.Compiler = s.cfg.Compiler.Version()
	}
	return c
}

func (s *Server) handleCapabilities(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache")
	api.WriteJSON(w, http.StatusOK, s.Capabilities())
}

// Health is the answer of GET /healthz.
type Health struct {
	Status   string  `json:"status"` // "ok" or "unhealthy"
	Error    string  `json:"error,omitempty"`
	Version  string  `json:"version"`
	UptimeS  float64 `json:"uptime_s"`
	Running  int64   `json:"runs_running"`
	Queued   int64   `json:"runs_queued"`
	Compiles int64   `json:"compiles_running"`
}

// handleHealth checks that the store answers (a read of an id that is
// never stored) and reports the queues.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	running, queued := s.runQ.stats()
	compiling, _ := s.compileQ.stats()
	h := Health{Status: "ok", Version: s.cfg.Version, UptimeS: s.cfg.now().Sub(s.started).Round(time.Millisecond).Seconds(),
		Running: running, Queued: queued, Compiles: compiling}
	status := http.StatusOK
	if _, err := s.cfg.Store.Get(ctx, "healthcheck"); !errors.Is(err, store.ErrNotFound) {
		h.Status, h.Error = "unhealthy", "share store: "+errString(err)
		status = http.StatusServiceUnavailable
		s.log.ErrorContext(r.Context(), "health check failed", "err", err)
	}
	w.Header().Set("Cache-Control", "no-store")
	api.WriteJSON(w, status, h)
}

func errString(err error) string {
	if err == nil {
		return "unexpected entry under the probe id"
	}
	return err.Error()
}
