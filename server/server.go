package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/bpfplay/bpfplay/server/api"
	"github.com/bpfplay/bpfplay/server/share"
	"github.com/bpfplay/bpfplay/server/store"
)

// Config is what a Server is made of. Store is required; everything else
// has a default or turns its feature off.
type Config struct {
	// Site is the built web site (web.Site()); nil or without index.html:
	// "/" explains SiteHint instead.
	Site     fs.FS
	SiteHint string

	Store store.Store

	// Runner executes /api/run. Nil: /api/run answers 501 with
	// RunUnavailable as the reason.
	Runner         Runner
	RunUnavailable string

	// Compiler executes /api/compile. Nil: 501 with CompileUnavailable.
	Compiler           Compiler
	CompileUnavailable string

	Logger *slog.Logger // default: discard
	Limits Limits       // zero fields take DefaultLimits' values

	// TrustProxy: the server sits behind a reverse proxy that appends the
	// client's address to X-Forwarded-For; rate limits use it.
	TrustProxy bool

	Version string // reported by /api/capabilities and /healthz

	now func() time.Time // tests
}

// Limits bound what one client and all clients together can take.
type Limits struct {
	// Per-client rates by kind of request.
	ShareCreate, ShareGet, Run, Compile Rate
	// NoRateLimit turns the per-client rates off (load benchmarks).
	NoRateLimit bool
	// MaxClients bounds the rate limiter's table of clients.
	MaxClients int

	// Concurrency: RunSlots native runs at once, RunQueue more waiting
	// at most RunQueueWait; the same for clang.
	RunSlots, RunQueue         int
	RunQueueWait               time.Duration
	CompileSlots, CompileQueue int
	CompileQueueWait           time.Duration

	// Body sizes (share states are share.MaxStateSize).
	RunBody, CompileBody int64

	// Deadlines of one request, by kind; the HTTP server's own read,
	// write and idle timeouts are in HTTPServer.
	APITimeout, RunTimeout, CompileTimeout time.Duration
}

// DefaultLimits are the limits of `bpfplay serve`.
func DefaultLimits() Limits {
	return Limits{
		ShareCreate:      Rate{PerSecond: 1, Burst: 20},
		ShareGet:         Rate{PerSecond: 20, Burst: 100},
		Run:              Rate{PerSecond: 2, Burst: 10},
		Compile:          Rate{PerSecond: 0.5, Burst: 5},
		MaxClients:       100_000,
		RunSlots:         runtime.NumCPU(),
		RunQueue:         4 * runtime.NumCPU(),
		RunQueueWait:     10 * time.Second,
		CompileSlots:     1,
		CompileQueue:     4,
		CompileQueueWait: 20 * time.Second,
		RunBody:          1 << 20, // an ELF object in base64 fits
		CompileBody:      share.MaxStateSize,
		APITimeout:       10 * time.Second,
		RunTimeout:       30 * time.Second,
		CompileTimeout:   45 * time.Second,
	}
}

// fill replaces zero fields by the defaults.
func (l Limits) fill() Limits {
	d := DefaultLimits()
	if l.ShareCreate == (Rate{}) {
		l.ShareCreate = d.ShareCreate
	}
	if l.ShareGet == (Rate{}) {
		l.ShareGet = d.ShareGet
	}
	if l.Run == (Rate{}) {
		l.Run = d.Run
	}
	if l.Compile == (Rate{}) {
		l.Compile = d.Compile
	}
	setIfZero(&l.MaxClients, d.MaxClients)
	setIfZero(&l.RunSlots, d.RunSlots)
	setIfZero(&l.RunQueue, d.RunQueue)
	setIfZero(&l.RunQueueWait, d.RunQueueWait)
	setIfZero(&l.CompileSlots, d.CompileSlots)
	setIfZero(&l.CompileQueue, d.CompileQueue)
	setIfZero(&l.CompileQueueWait, d.CompileQueueWait)
	setIfZero(&l.RunBody, d.RunBody)
	setIfZero(&l.CompileBody, d.CompileBody)
	setIfZero(&l.APITimeout, d.APITimeout)
	setIfZero(&l.RunTimeout, d.RunTimeout)
	setIfZero(&l.CompileTimeout, d.CompileTimeout)
	return l
}

func setIfZero[T comparable](p *T, v T) {
	var zero T
	if *p == zero {
		*p = v
	}
}

// Server is the bpfplay HTTP handler.
type Server struct {
	cfg     Config
	log     *slog.Logger
	site    *site
	share   *share.Service
	mux     *http.ServeMux
	handler http.Handler
	limits  Limits

	shareCreateRL, shareGetRL, runRL, compileRL *limiter
	runQ, compileQ                              *queue
	reqSeq                                      atomicCounter
	started                                     time.Time
}

// New builds a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: Config.Store is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.SiteHint == "" {
		cfg.SiteHint = "the web site is not built into this binary: run scripts/build.sh"
	}
	if cfg.Runner == nil && cfg.RunUnavailable == "" {
		cfg.RunUnavailable = "native runs are not available on this server"
	}
	if cfg.Compiler == nil && cfg.CompileUnavailable == "" {
		cfg.CompileUnavailable = "C compilation is not available on this server"
	}
	site, err := loadSite(cfg.Site, cfg.SiteHint)
	if err != nil {
		return nil, err
	}
	l := cfg.Limits.fill()
	if l.NoRateLimit {
		l.ShareCreate, l.ShareGet, l.Run, l.Compile = Rate{}, Rate{}, Rate{}, Rate{}
	}
	s := &Server{
		cfg:           cfg,
		log:           cfg.Logger,
		site:          site,
		share:         &share.Service{Store: cfg.Store},
		limits:        l,
		shareCreateRL: newLimiter(l.ShareCreate, l.MaxClients, cfg.now),
		shareGetRL:    newLimiter(l.ShareGet, l.MaxClients, cfg.now),
		runRL:         newLimiter(l.Run, l.MaxClients, cfg.now),
		compileRL:     newLimiter(l.Compile, l.MaxClients, cfg.now),
		runQ:          newQueue(l.RunSlots, l.RunQueue, l.RunQueueWait),
		compileQ:      newQueue(l.CompileSlots, l.CompileQueue, l.CompileQueueWait),
		started:       cfg.now(),
	}
	s.routes()
	s.handler = s.logRequests(s.recoverPanics(s.mux))
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

func (s *Server) routes() {
	m := http.NewServeMux()
	guard := func(rl *limiter, timeout time.Duration, h http.HandlerFunc) http.Handler {
		return s.limit(rl, s.deadline(timeout, h))
	}
	m.Handle("/api/share", methods{"POST": guard(s.shareCreateRL, s.limits.APITimeout, s.share.HandleCreate)})
	m.Handle("/api/share/{id}", methods{"GET": guard(s.shareGetRL, s.limits.APITimeout, s.share.HandleGet)})
	m.Handle("/api/run", methods{"POST": guard(s.runRL, s.limits.RunTimeout, s.handleRun)})
	m.Handle("/api/compile", methods{"POST": guard(s.compileRL, s.limits.CompileTimeout, s.handleCompile)})
	m.Handle("/api/capabilities", methods{"GET": http.HandlerFunc(s.handleCapabilities)})
	m.Handle("/healthz", methods{"GET": http.HandlerFunc(s.handleHealth)})
	m.Handle("/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.WriteError(w, api.Errorf(http.StatusNotFound, "not_found", "no API endpoint %s (see docs/server.md)", r.URL.Path))
	}))
	m.Handle("/s/{id}", methods{"GET": guard(s.shareGetRL, s.limits.APITimeout, s.handleSharePage)})
	m.Handle("/", methods{"GET": http.HandlerFunc(s.handleStatic)})
	s.mux = m
}

// methods dispatches by request method; GET also answers HEAD. Other
// methods get a JSON 405 with Allow (OPTIONS: 204 with Allow).
type methods map[string]http.Handler

func (ms methods) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := r.Method
	if m == http.MethodHead {
		m = http.MethodGet
	}
	if h, ok := ms[m]; ok {
		h.ServeHTTP(w, r)
		return
	}
	allow := make([]string, 0, len(ms)+2)
	for k := range ms {
		allow = append(allow, k)
		if k == http.MethodGet {
			allow = append(allow, http.MethodHead)
		}
	}
	sort.Strings(allow)
	list := strings.Join(allow, ", ")
	if r.Method == http.MethodOptions {
		w.Header().Set("Allow", list+", OPTIONS")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Allow", list)
	api.WriteError(w, api.Errorf(http.StatusMethodNotAllowed, "method_not_allowed", "%s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, list))
}

// limit applies a per-client rate.
func (s *Server) limit(l *limiter, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := l.allow(clientKey(r, s.cfg.TrustProxy)); !ok {
			e := api.Errorf(http.StatusTooManyRequests, "rate_limited", "too many requests from your address; retry in %v", wait.Round(time.Millisecond))
			e.RetryAfter = wait
			api.WriteError(w, e)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// deadline bounds the request's context; handlers and everything they
// call give up when it expires.
func (s *Server) deadline(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// overloaded answers 503 with Retry-After for a full or slow queue, and
// for work that ran out of its deadline.
func overloaded(what string, err error, retry time.Duration) *api.Error {
	var e *api.Error
	switch {
	case errors.Is(err, errQueueFull):
		e = api.Errorf(http.StatusServiceUnavailable, "busy", "the server is busy with other %s; retry in a moment", what)
	case errors.Is(err, errQueueTimeout):
		e = api.Errorf(http.StatusServiceUnavailable, "busy", "the server was busy with other %s for too long; retry in a moment", what)
	case errors.Is(err, context.DeadlineExceeded):
		e = api.Errorf(http.StatusServiceUnavailable, "timeout", "the %s did not finish in time; retry later", what)
	default:
		e = api.Errorf(http.StatusServiceUnavailable, "busy", "%s: %v", what, err)
	}
	e.RetryAfter = retry
	return e
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	if s.site.index == nil && (r.URL.Path == "/" || r.URL.Path == "/index.html") {
		s.site.notBuilt(w, r)
		return
	}
	a := s.site.lookup(r.URL.Path)
	if a == nil {
		s.notFoundPage(w, r)
		return
	}
	a.serve(w, r, http.StatusOK)
}

// handleSharePage serves the playground page for /s/{id}; the page reads
// the id from its URL and fetches /api/share/{id}. An id that is
// malformed or unknown still gets the page (which explains the broken
// link) but with status 404, so crawlers and scripts see the truth.
func (s *Server) handleSharePage(w http.ResponseWriter, r *http.Request) {
	if s.site.index == nil {
		s.site.notBuilt(w, r)
		return
	}
	status := http.StatusOK
	id := r.PathValue("id")
	if !share.ValidID(id) {
		status = http.StatusNotFound
	} else if _, err := s.cfg.Store.Get(r.Context(), id); err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.ErrorContext(r.Context(), "share page: store read failed", "id", id, "err", err)
		}
		status = http.StatusNotFound
	}
	s.site.index.serve(w, r, status)
}

func (s *Server) notFoundPage(w http.ResponseWriter, r *http.Request) {
	const body = "<!doctype html><meta charset=\"utf-8\"><title>Not found</title>" +
		"<p style=\"font:16px system-ui,sans-serif;margin:3em\">Nothing here. <a href=\"/\">Open the playground</a>.</p>\n"
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	setPageHeaders(h)
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		fmt.Fprint(w, body)
	}
}
