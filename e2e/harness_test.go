package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/bpfplay/bpfplay/core/load"
	"github.com/bpfplay/bpfplay/server"
	"github.com/bpfplay/bpfplay/server/clang"
	"github.com/bpfplay/bpfplay/server/store"
	"github.com/bpfplay/bpfplay/web"
)

// artifacts is where screenshots and figures go.
const artifacts = "artifacts"

// site is the real server; static is web/dist on a plain file server.
var site, static *httptest.Server

// siteCaps is the site server's configuration (what it can compile and run).
var siteCaps server.Config

func TestMain(m *testing.M) {
	if !web.HasSite() {
		fmt.Fprintln(os.Stderr, "e2e: web/dist has no index.html: "+web.BuildHint+" (scripts/e2e.sh does it for you)")
		os.Exit(1)
	}
	if _, err := chromePath(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	os.MkdirAll(artifacts, 0o755)
	site = httptest.NewServer(siteHandler())
	static = httptest.NewServer(staticHandler())
	code := m.Run()
	site.Close()
	static.Close()
	os.Exit(code)
}

// siteHandler is the real server's handler (bpfplay serve), with an
// in-memory share store, clang when the machine has it and the native
// runner when its start-up probe passes (as cmd/bpfplay/serve.go decides);
// the tests of those features (server_test.go) fail with the reason when
// either is missing.
func siteHandler() http.Handler {
	cfg := server.Config{Site: web.Site(), SiteHint: web.BuildHint, Store: store.NewMemory(), Limits: server.Limits{NoRateLimit: true}}
	if c, err := clang.Find(); err != nil {
		cfg.CompileUnavailable = err.Error()
	} else {
		cfg.Compiler = c
	}
	pipe := &server.Pipeline{Load: load.Load}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	if err := pipe.Probe(ctx); err != nil {
		cfg.RunUnavailable = err.Error()
	} else {
		cfg.Runner = pipe
	}
	cancel()
	siteCaps = cfg
	s, err := server.New(cfg)
	if err != nil {
		panic("BUG: server.New: " + err.Error())
	}
	return s
}

// staticHandler serves web/dist as a plain static host would (no API):
// the playground must work there too.
func staticHandler() http.Handler {
	fsys := web.Site()
	files := http.FileServer(http.FS(fsys))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/embed" {
			http.Redirect(w, r, "/embed/", http.StatusMovedPermanently)
			return
		}
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			w.Header().Set("Content-Type", "application/wasm")
		}
		files.ServeHTTP(w, r)
	})
}

func chromePath() (string, error) {
	if p := os.Getenv("BPFPLAY_CHROME"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium found: run scripts/install-chromium.sh (Debian: apt-get install -y chromium) or set BPFPLAY_CHROME")
}

// browser is one fresh headless Chromium with its console watched.
type browser struct {
	ctx    context.Context
	mu     sync.Mutex
	errors []string // console errors and uncaught exceptions
	logs   []string
}

type browserOpt struct {
	width, height int
	dark          bool
}

func newBrowser(t *testing.T, o browserOpt) *browser {
	t.Helper()
	if o.width == 0 {
		o.width, o.height = 1440, 900
	}
	exe, _ := chromePath()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(o.width, o.height),
	}
	if o.dark {
		opts = append(opts, chromedp.Flag("blink-settings", "preferredColorScheme=0"))
	}
	b := &browser{}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx, chromedp.WithListener(b.listen))
	t.Cleanup(func() { cancelC(); cancelA() })
	b.ctx = ctx
	// The first Run starts the browser; its context must have no timeout.
	// The viewport is emulated so screenshots have exactly this size.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(o.width), int64(o.height))); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return b
}

func (b *browser) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range e.Args {
			if len(a.Value) > 0 {
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			} else {
				parts = append(parts, a.Description)
			}
		}
		line := string(e.Type) + ": " + strings.Join(parts, " ")
		b.logs = append(b.logs, line)
		if e.Type == runtime.ConsoleAPICalledTypeError {
			b.errors = append(b.errors, line)
		}
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		b.errors = append(b.errors, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber, msg))
	}
}

// timeout bounds one step; the browser itself lives as long as the test.
const timeout = 60 * time.Second

func (b *browser) do(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fail(t, err)
	}
}

func (b *browser) fail(t *testing.T, err error) {
	t.Helper()
	b.mu.Lock()
	logs := strings.Join(b.logs, "\n")
	b.mu.Unlock()
	b.shot(t, "failure-"+sanitize(t.Name()))
	t.Fatalf("%v\nconsole:\n%s", err, logs)
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail(t, fmt.Errorf("evaluating %s: %w", expr, err))
	}
	return v
}

// text returns the text of the first element matching a CSS selector.
func text(t *testing.T, b *browser, sel string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.fail(t, fmt.Errorf("text of %s: %w", sel, err))
	}
	return v
}

// noConsoleErrors fails the test when the page logged an error.
func (b *browser) noConsoleErrors(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.errors) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(b.errors, "\n"))
	}
	b.mu.Unlock()
	// Errors the page caught itself (shown as a toast) are bugs too.
	if u := eval[[]string](t, b, `(window.__bpfplay && window.__bpfplay.metrics.uncaught) || []`); len(u) > 0 {
		t.Errorf("uncaught errors in the page: %q", u)
	}
	b.mu.Lock()
}

// shot saves a screenshot of the viewport to artifacts/NAME.png.
func (b *browser) shot(t *testing.T, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(artifacts, name+".png"), buf, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}

// waitJS polls a JavaScript expression until it is truthy.
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return void(chromedp.Poll[bool]("!!("+expr+")", chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(40*time.Second)))
}

// void drops an action's value.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

func sanitize(s string) string {
	return strings.NewReplacer("/", "-", " ", "_").Replace(s)
}

// figures collects measured numbers into artifacts/figures.json.
var figures = struct {
	sync.Mutex
	m map[string]any
}{m: map[string]any{}}

func recordFigure(t *testing.T, name string, v any) {
	t.Logf("figure %s = %v", name, v)
	figures.Lock()
	defer figures.Unlock()
	figures.m[name] = v
	b, _ := json.MarshalIndent(figures.m, "", "  ")
	os.WriteFile(filepath.Join(artifacts, "figures.json"), b, 0o644)
}

// readSizes reads web/dist/sizes.json, written by web/build.
func readSizes(t *testing.T) map[string]any {
	b, err := fs.ReadFile(web.Site(), "sizes.json")
	if err != nil {
		t.Fatalf("sizes.json: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
