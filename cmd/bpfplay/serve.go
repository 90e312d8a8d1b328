package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/bpfplay/bpfplay/core/load"
	"github.com/bpfplay/bpfplay/server"
	"github.com/bpfplay/bpfplay/server/clang"
	"github.com/bpfplay/bpfplay/server/store"
	"github.com/bpfplay/bpfplay/server/store/boltstore"
	"github.com/bpfplay/bpfplay/web"
)

func init() {
	register(&command{
		name:    "serve",
		args:    "[flags]",
		summary: "serve the web playground with short links, native runs and C compilation",
		help: `Serves the playground built into this binary (scripts/build.sh) and its API:
POST /api/share and GET /api/share/{id} (short links, stored in DIR/shares.db),
GET /s/{id}, POST /api/run (native JIT runs in a sandbox), POST /api/compile
(C with clang -O2 -target bpf), GET /api/capabilities, GET /healthz.
Requests are logged to stderr, one JSON line each. See docs/server.md.`,
		setup: func(fs *flag.FlagSet) func(*env, []string) int {
			addr := fs.String("addr", "127.0.0.1:8080", "listen address")
			data := fs.String("data", defaultDataDir(), `directory of the share database; "" keeps shares in memory only`)
			noNative := fs.Bool("no-native", false, "do not run programs natively (/api/run answers 501)")
			noCompile := fs.Bool("no-compile", false, "do not compile C (/api/compile answers 501)")
			trustProxy := fs.Bool("trust-proxy", false, "take the client address from X-Forwarded-For (behind a reverse proxy)")
			noRateLimit := fs.Bool("no-rate-limit", false, "no per-client rate limits (load tests on loopback)")
			logFormat := fs.String("log", "json", "request log format: json or text")
			return func(e *env, args []string) int {
				if len(args) > 0 {
					return usageError(e, "serve", "unexpected argument %q", args[0])
				}
				var h slog.Handler
				switch *logFormat {
				case "json":
					h = slog.NewJSONHandler(e.stderr, nil)
				case "text":
					h = slog.NewTextHandler(e.stderr, nil)
				default:
					return usageError(e, "serve", "--log must be json or text, not %q", *logFormat)
				}
				ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
				defer stop()
				return serve(ctx, e, serveOptions{
					addr: *addr, data: *data, noNative: *noNative, noCompile: *noCompile,
					trustProxy: *trustProxy, noRateLimit: *noRateLimit, log: slog.New(h),
				})
			}
		},
	})
}

type serveOptions struct {
	addr, data                                   string
	noNative, noCompile, trustProxy, noRateLimit bool
	log                                          *slog.Logger
}

// defaultDataDir is $XDG_DATA_HOME/bpfplay, else ~/.local/share/bpfplay.
func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "bpfplay")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "bpfplay")
	}
	return "bpfplay-data"
}

// serve runs the server until ctx ends (SIGINT or SIGTERM in the CLI),
// then shuts down gracefully.
func serve(ctx context.Context, e *env, o serveOptions) int {
	cfg := server.Config{
		Site:       web.Site(),
		SiteHint:   web.BuildHint,
		Logger:     o.log,
		TrustProxy: o.trustProxy,
		Version:    buildVersion(),
		Limits:     server.Limits{NoRateLimit: o.noRateLimit},
	}

	where := "in memory (lost when the server stops)"
	if o.data == "" {
		cfg.Store = store.NewMemory()
	} else {
		db, err := boltstore.Open(o.data, boltstore.Options{})
		if err != nil {
			return fail(e, "%v", err)
		}
		defer db.Close()
		cfg.Store, where = db, db.Path()
	}

	if o.noNative {
		cfg.RunUnavailable = "native runs are disabled on this server (bpfplay serve --no-native)"
	} else {
		// /api/run is on only when the pipeline proves it runs JIT code
		// natively (a child process running a two-instruction program);
		// otherwise it answers 501 with the probe's reason.
		pipe := &server.Pipeline{Load: load.Load}
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if err := pipe.Probe(pctx); err != nil {
			cfg.RunUnavailable = err.Error()
		} else {
			cfg.Runner = pipe
		}
		cancel()
	}

	switch c, err := clang.Find(); {
	case o.noCompile:
		cfg.CompileUnavailable = "C compilation is disabled on this server (bpfplay serve --no-compile)"
	case err != nil:
		cfg.CompileUnavailable = err.Error()
	default:
		if !c.Sandboxed() {
			o.log.Warn("clang runs without file-system confinement (Landlock unavailable); consider --no-compile on a public server")
		}
		cfg.Compiler = c
	}

	srv, err := server.New(cfg)
	if err != nil {
		return fail(e, "%v", err)
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fail(e, "%v", err)
	}
	hs := srv.HTTPServer(o.addr)
	caps := srv.Capabilities()
	fmt.Fprintf(e.stderr, "bpfplay: serving the playground on http://%s/\n  shares: %s\n  native runs: %s\n  C compilation: %s\n",
		ln.Addr(), where, feature(caps.Run, orElse(caps.Reasons["run"], "JIT code in a sandboxed child process")), feature(caps.Compile, orElse(caps.Reasons["compile"], caps.Compiler)))
	if !web.HasSite() {
		fmt.Fprintf(e.stderr, "  note: %s\n", web.BuildHint)
	}

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fail(e, "%v", err)
	case <-ctx.Done():
	}
	fmt.Fprintf(e.stderr, "bpfplay: shutting down\n")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fail(e, "shutdown: %v", err)
	}
	return exitOK
}

// feature says whether a feature is on; detail is how it works when on
// (a reason is never set then) or why not.
func feature(on bool, detail string) string {
	if on {
		return "yes, " + detail
	}
	return "no (" + detail + ")"
}

// buildVersion names this build: the module version, or the VCS revision
// when the binary was built from a checkout with VCS stamping.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v = s.Value[:12]
		}
	}
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	return v
}

func orElse(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
