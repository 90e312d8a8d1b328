package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/bpfplay/bpfplay/server/api"
)

type atomicCounter struct{ atomic.Uint64 }

// statusWriter records what a handler answered, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (write
// deadlines for large files, flushing).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests writes one structured line per request: method, path,
// status, size, duration, client, request id. Health checks log at
// debug level so they do not drown the rest; faults at error level.
func (s *Server) logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := strconv.FormatUint(s.reqSeq.Add(1), 36)
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		level := slog.LevelInfo
		switch {
		case sw.status == http.StatusServiceUnavailable:
			level = slog.LevelWarn // overload, with Retry-After
		case sw.status >= 500 && sw.status != http.StatusNotImplemented:
			level = slog.LevelError
		case r.URL.Path == "/healthz":
			level = slog.LevelDebug
		}
		if !s.log.Enabled(r.Context(), level) {
			return
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("id", id),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Int64("bytes", sw.bytes),
			slog.Float64("ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("client", clientKey(r, s.cfg.TrustProxy)),
			slog.String("encoding", w.Header().Get("Content-Encoding")),
		)
	})
}

// recoverPanics turns a handler's panic (a bug) into a logged 500, so
// one bad request never takes the server down. http.ErrAbortHandler is
// the handler's own way to drop a connection and passes through.
func (s *Server) recoverPanics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "panic in handler", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			api.WriteError(w, fmt.Errorf("panic: %v", v))
		}()
		h.ServeHTTP(w, r)
	})
}

// HTTPServer returns an http.Server for s with timeouts on every phase
// of a request: slow clients cannot hold connections open.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Long enough for a run or a compile that waited in its queue;
		// large static files extend their own deadline.
		WriteTimeout:   s.limits.CompileTimeout + s.limits.CompileQueueWait + 10*time.Second,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 32 << 10,
		ErrorLog:       slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}
