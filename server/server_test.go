package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"go.uber.org/mock/gomock"

	"github.com/bpfplay/bpfplay/server"
	"github.com/bpfplay/bpfplay/server/api"
	"github.com/bpfplay/bpfplay/server/clang"
	"github.com/bpfplay/bpfplay/server/internal/gencheck"
	"github.com/bpfplay/bpfplay/server/mockserver"
	"github.com/bpfplay/bpfplay/server/store"
	"github.com/bpfplay/bpfplay/server/store/mockstore"
)

// testSite is a built site in miniature: pages, hashed assets with their
// precompressed variants, a large asset without variants.
func testSite() fstest.MapFS {
	big := strings.Repeat("console.log('bpfplay');\n", 200) // 4.8 KB, compressible
	return fstest.MapFS{
		"index.html":                {Data: []byte("<!doctype html><title>bpfplay</title><script src=\"/assets/app-ABCD1234.js\"></script>")},
		"embed/index.html":          {Data: []byte("<!doctype html><title>embed</title>")},
		"embed.js":                  {Data: []byte("/* embed */")},
		"assets/app-ABCD1234.js":    {Data: []byte("console.log(1)")},
		"assets/app-ABCD1234.js.br": {Data: []byte("BROTLI-BYTES")},
		"assets/app-ABCD1234.js.gz": {Data: []byte("GZIP-BYTES")},
		"assets/core-EFGH5678.wasm": {Data: []byte("\x00asm\x01\x00\x00\x00")},
		"assets/big-IJKL9012.js":    {Data: []byte(big)},
		"sizes.json":                {Data: []byte(`{}`)},
		".keep":                     {Data: nil},
		"_headers":                  {Data: []byte("/assets/*\n  Cache-Control: immutable\n")},
	}
}

const (
	state   = `{"source":"r0 = 2\nexit","dialect":"kernel","prog_type":"xdp"}`
	canon   = `{"dialect":"kernel","prog_type":"xdp","source":"r0 = 2\nexit"}`
	stateID = "o8ISJwCf-cQ" // see share.TestIDs
)

type mocks struct {
	store    *mockstore.MockStore
	runner   *mockserver.MockRunner
	compiler *mockserver.MockCompiler
}

type testCase struct {
	name    string
	method  string
	path    string
	body    string
	header  map[string]string
	config  func(*server.Config) // adjust the server (default: mocks for everything)
	expect  func(m mocks)        // mock expectations
	status  int
	body2   []string          // substrings of the response body
	exact   string            // the whole body, when set
	headers map[string]string // response headers ("" = must be absent)
	noBody  bool
}

func run(t *testing.T, tests []testCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctrl := gomock.NewController(t)
			m := mocks{
				store:    mockstore.NewMockStore(ctrl),
				runner:   mockserver.NewMockRunner(ctrl),
				compiler: mockserver.NewMockCompiler(ctrl),
			}
			m.compiler.EXPECT().Version().Return("clang test").AnyTimes()
			if tc.expect != nil {
				tc.expect(m)
			}
			cfg := server.Config{
				Site:     testSite(),
				Store:    m.store,
				Runner:   m.runner,
				Compiler: m.compiler,
				Version:  "test",
			}
			if tc.config != nil {
				tc.config(&cfg)
			}
			srv, err := server.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			method := tc.method
			if method == "" {
				method = "GET"
			}
			req := httptest.NewRequest(method, tc.path, strings.NewReader(tc.body))
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("%s %s = %d, want %d; body: %s", method, tc.path, rec.Code, tc.status, rec.Body)
			}
			body := rec.Body.String()
			if tc.exact != "" && strings.TrimSpace(body) != tc.exact {
				t.Errorf("body = %s\nwant %s", body, tc.exact)
			}
			for _, s := range tc.body2 {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q: %s", s, body)
				}
			}
			if tc.noBody && body != "" {
				t.Errorf("body = %q, want none", body)
			}
			for k, v := range tc.headers {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			// Every API answer is JSON; every error has a code.
			if strings.HasPrefix(tc.path, "/api/") || tc.path == "/healthz" {
				if rec.Code != 304 && rec.Code != 204 && !json.Valid(rec.Body.Bytes()) {
					t.Errorf("API answer is not JSON: %s", body)
				}
				if rec.Code >= 400 && tc.path != "/healthz" && !strings.Contains(body, `"code":`) {
					t.Errorf("API error without a code: %s", body)
				}
			}
		})
	}
}

func TestStatic(t *testing.T) {
	run(t, []testCase{
		{name: "index", path: "/", status: 200, body2: []string{"<title>bpfplay</title>"},
			headers: map[string]string{"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache",
				"Access-Control-Allow-Origin": "", "X-Content-Type-Options": "nosniff"}},
		{name: "index by name", path: "/index.html", status: 200, body2: []string{"<title>bpfplay</title>"}},
		{name: "index has a content security policy", path: "/", status: 200,
			headers: map[string]string{"Referrer-Policy": "no-referrer", "Content-Security-Policy": "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; " +
				"style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; " +
				"worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'"}},
		{name: "HEAD has no body", method: "HEAD", path: "/", status: 200, noBody: true},
		{name: "hashed asset, brotli", path: "/assets/app-ABCD1234.js", header: map[string]string{"Accept-Encoding": "gzip, deflate, br"},
			status: 200, exact: "BROTLI-BYTES",
			headers: map[string]string{"Content-Encoding": "br", "Cache-Control": "public, max-age=31536000, immutable",
				"Content-Type": "text/javascript; charset=utf-8", "Vary": "Accept-Encoding", "Access-Control-Allow-Origin": "*"}},
		{name: "hashed asset, gzip", path: "/assets/app-ABCD1234.js", header: map[string]string{"Accept-Encoding": "gzip"},
			status: 200, exact: "GZIP-BYTES", headers: map[string]string{"Content-Encoding": "gzip"}},
		{name: "brotli refused with q=0", path: "/assets/app-ABCD1234.js", header: map[string]string{"Accept-Encoding": "br;q=0, gzip;q=0.5"},
			status: 200, exact: "GZIP-BYTES", headers: map[string]string{"Content-Encoding": "gzip"}},
		{name: "wildcard accepts brotli", path: "/assets/app-ABCD1234.js", header: map[string]string{"Accept-Encoding": "*"},
			status: 200, exact: "BROTLI-BYTES"},
		{name: "identity", path: "/assets/app-ABCD1234.js", status: 200, exact: "console.log(1)",
			headers: map[string]string{"Content-Encoding": "", "Vary": "Accept-Encoding"}},
		{name: "wasm type", path: "/assets/core-EFGH5678.wasm", status: 200,
			headers: map[string]string{"Content-Type": "application/wasm", "Cache-Control": "public, max-age=31536000, immutable"}},
		{name: "gzip made at run time without a build variant", path: "/assets/big-IJKL9012.js", header: map[string]string{"Accept-Encoding": "gzip"},
			status: 200, headers: map[string]string{"Content-Encoding": "gzip"}},
		{name: "a stale ETag gets the full answer", path: "/assets/app-ABCD1234.js", header: map[string]string{"Accept-Encoding": "br", "If-None-Match": `"0123456789abcdef01234567-br"`},
			status: 200, exact: "BROTLI-BYTES"},
		{name: "embed without slash", path: "/embed", status: 200, body2: []string{"<title>embed</title>"}},
		{name: "embed with slash", path: "/embed/", status: 200, body2: []string{"<title>embed</title>"}},
		{name: "embed.js for other origins", path: "/embed.js", status: 200,
			headers: map[string]string{"Access-Control-Allow-Origin": "*", "Cache-Control": "no-cache"}},
		{name: "dot files are not served", path: "/.keep", status: 404},
		{name: "the Workers header rules are not served", path: "/_headers", status: 404},
		{name: "variants are not files", path: "/assets/app-ABCD1234.js.br", status: 404},
		{name: "unknown file", path: "/nope.js", status: 404, body2: []string{"Open the playground"}, headers: map[string]string{"Content-Type": "text/html; charset=utf-8"}},
		{name: "dot-dot is cleaned by a redirect", path: "/assets/../../../etc/passwd", status: 307, headers: map[string]string{"Location": "/etc/passwd"}},
		{name: "outside the site", path: "/etc/passwd", status: 404},
		{name: "POST on a page", method: "POST", path: "/", status: 405, body2: []string{`"code":"method_not_allowed"`},
			headers: map[string]string{"Allow": "GET, HEAD"}},
		{name: "OPTIONS", method: "OPTIONS", path: "/api/share", status: 204, headers: map[string]string{"Allow": "POST, OPTIONS"}},
		{name: "site not built", path: "/", config: func(c *server.Config) { c.Site = fstest.MapFS{}; c.SiteHint = "run scripts/build.sh please" },
			status: 200, body2: []string{"run scripts/build.sh please", "/api/capabilities"}},
		{name: "site not built, share page", path: "/s/" + stateID, config: func(c *server.Config) { c.Site = nil },
			status: 200, body2: []string{"scripts/build.sh"}},
	})
}

// TestRevalidation: the ETag of each variant answers If-None-Match with 304.
func TestRevalidation(t *testing.T) {
	srv, err := server.New(server.Config{Site: testSite(), Store: store.NewMemory()})
	if err != nil {
		t.Fatal(err)
	}
	for _, ae := range []string{"", "gzip", "br"} {
		req := httptest.NewRequest("GET", "/assets/app-ABCD1234.js", nil)
		req.Header.Set("Accept-Encoding", ae)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		tag := rec.Header().Get("ETag")
		if rec.Code != 200 || tag == "" {
			t.Fatalf("%q: %d, ETag %q", ae, rec.Code, tag)
		}
		req.Header.Set("If-None-Match", tag)
		rec = httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != 304 {
			t.Errorf("%q: revalidation with %s = %d, want 304", ae, tag, rec.Code)
		}
	}
}

func TestShare(t *testing.T) {
	run(t, []testCase{
		{name: "create", method: "POST", path: "/api/share", body: state, header: map[string]string{"Content-Type": "application/json"},
			expect: func(m mocks) { m.store.EXPECT().Put(gomock.Any(), stateID, []byte(canon)).Return(nil) },
			status: 201, exact: `{"id":"` + stateID + `","url":"/s/` + stateID + `"}`},
		{name: "create, store down", method: "POST", path: "/api/share", body: state,
			expect: func(m mocks) {
				m.store.EXPECT().Put(gomock.Any(), stateID, gomock.Any()).Return(errors.New("disk full"))
			},
			status: 500, exact: `{"code":"internal","error":"internal error"}`},
		{name: "create, bad JSON", method: "POST", path: "/api/share", body: `{"source":`, status: 400, body2: []string{"truncated"}},
		{name: "create, missing fields", method: "POST", path: "/api/share", body: `{}`, status: 422, body2: []string{`no \"source\"`}},
		{name: "create, too large", method: "POST", path: "/api/share", body: `{"source":"` + strings.Repeat("a", 70000) + `"}`, status: 413},
		{name: "create, GET not allowed", path: "/api/share", status: 405, headers: map[string]string{"Allow": "POST"}},
		{name: "get", path: "/api/share/" + stateID,
			expect: func(m mocks) { m.store.EXPECT().Get(gomock.Any(), stateID).Return([]byte(canon), nil) },
			status: 200, exact: canon, headers: map[string]string{"Cache-Control": "public, max-age=31536000, immutable"}},
		{name: "get unknown", path: "/api/share/AAAAAAAAAAA",
			expect: func(m mocks) { m.store.EXPECT().Get(gomock.Any(), "AAAAAAAAAAA").Return(nil, store.ErrNotFound) },
			status: 404, body2: []string{`"code":"not_found"`}},
		{name: "get malformed id", path: "/api/share/x%2F..", status: 400, body2: []string{`"code":"bad_id"`}},
		{name: "get, store down", path: "/api/share/" + stateID,
			expect: func(m mocks) { m.store.EXPECT().Get(gomock.Any(), stateID).Return(nil, errors.New("io")) },
			status: 500},
		{name: "share page", path: "/s/" + stateID,
			expect: func(m mocks) { m.store.EXPECT().Get(gomock.Any(), stateID).Return([]byte(canon), nil) },
			status: 200, body2: []string{"<title>bpfplay</title>"}, headers: map[string]string{"Cache-Control": "no-cache"}},
		{name: "share page, unknown id", path: "/s/AAAAAAAAAAA",
			expect: func(m mocks) { m.store.EXPECT().Get(gomock.Any(), "AAAAAAAAAAA").Return(nil, store.ErrNotFound) },
			status: 404, body2: []string{"<title>bpfplay</title>"}, headers: map[string]string{"Cache-Control": "no-store"}},
		{name: "share page, malformed id", path: "/s/nope", status: 404, body2: []string{"<title>bpfplay</title>"}},
		{name: "share page, store down", path: "/s/" + stateID,
			expect: func(m mocks) { m.store.EXPECT().Get(gomock.Any(), stateID).Return(nil, errors.New("io")) },
			status: 404},
		{name: "unknown API", path: "/api/nope", status: 404, body2: []string{"no API endpoint /api/nope"}},
	})
}

// blockingRunner holds every run until release is closed.
type blockingRunner struct {
	started chan struct{}
	release chan struct{}
}

func (b *blockingRunner) Run(ctx context.Context, req json.RawMessage) (*server.RunResult, error) {
	b.started <- struct{}{}
	select {
	case <-b.release:
		return &server.RunResult{Native: map[string]int{"retval": 2}}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func TestRun(t *testing.T) {
	runReq := `{"source":{"text":"r0 = 2\nexit"},"prog_type":"xdp","run":{"data":"00"}}`
	run(t, []testCase{
		{name: "run", method: "POST", path: "/api/run", body: runReq,
			expect: func(m mocks) {
				m.runner.EXPECT().Run(gomock.Any(), json.RawMessage(runReq)).Return(&server.RunResult{
					Native: map[string]any{"retval": 2}, Interp: map[string]any{"retval": 2}, NativeNS: 1200, InterpNS: 3400}, nil)
			},
			status: 200, exact: `{"native":{"retval":2},"interp":{"retval":2},"native_ns":1200,"interp_ns":3400}`},
		{name: "no runner", method: "POST", path: "/api/run", body: runReq,
			config: func(c *server.Config) { c.Runner = nil; c.RunUnavailable = "disabled by --no-native" },
			status: 501, exact: `{"code":"not_implemented","error":"disabled by --no-native"}`},
		{name: "malformed", method: "POST", path: "/api/run", body: `{"source":`, status: 400},
		{name: "not an object", method: "POST", path: "/api/run", body: `[1]`, status: 400},
		{name: "null", method: "POST", path: "/api/run", body: `null`, status: 400, body2: []string{"not null"}},
		{name: "empty", method: "POST", path: "/api/run", status: 400, body2: []string{"empty"}},
		{name: "too large", method: "POST", path: "/api/run", body: `{"x":"` + strings.Repeat("a", 2<<20) + `"}`, status: 413},
		{name: "not JSON", method: "POST", path: "/api/run", body: "x", header: map[string]string{"Content-Type": "image/png"}, status: 415},
		{name: "request the pipeline refuses", method: "POST", path: "/api/run", body: `{}`,
			expect: func(m mocks) {
				m.runner.EXPECT().Run(gomock.Any(), gomock.Any()).Return(nil, api.Errorf(422, "bad_request", "no source"))
			},
			status: 422, exact: `{"code":"bad_request","error":"no source"}`},
		{name: "runner fault", method: "POST", path: "/api/run", body: `{}`,
			expect: func(m mocks) {
				m.runner.EXPECT().Run(gomock.Any(), gomock.Any()).Return(nil, errors.New("fork failed"))
			},
			status: 500, exact: `{"code":"internal","error":"internal error"}`},
		{name: "runner panics", method: "POST", path: "/api/run", body: `{}`,
			expect: func(m mocks) {
				m.runner.EXPECT().Run(gomock.Any(), gomock.Any()).DoAndReturn(func(context.Context, json.RawMessage) (*server.RunResult, error) { panic("boom") })
			},
			status: 500, body2: []string{`"code":"internal"`}},
		{name: "run past its deadline", method: "POST", path: "/api/run", body: `{}`,
			config: func(c *server.Config) { c.Limits.RunTimeout = 20 * time.Millisecond },
			expect: func(m mocks) {
				m.runner.EXPECT().Run(gomock.Any(), gomock.Any()).DoAndReturn(func(ctx context.Context, _ json.RawMessage) (*server.RunResult, error) {
					<-ctx.Done()
					return nil, ctx.Err()
				})
			},
			status: 503, body2: []string{`"code":"timeout"`}, headers: map[string]string{"Retry-After": "1"}},
		{name: "GET not allowed", path: "/api/run", status: 405},
	})
}

func TestCompile(t *testing.T) {
	obj := []byte("\x7fELF...")
	run(t, []testCase{
		{name: "compile", method: "POST", path: "/api/compile", body: `{"source":"int x;"}`,
			expect: func(m mocks) {
				m.compiler.EXPECT().Compile(gomock.Any(), []byte("int x;")).Return(&clang.Result{OK: true, Object: obj, TimeMS: 5}, nil)
			},
			status: 200, exact: `{"ok":true,"object":"` + base64.StdEncoding.EncodeToString(obj) + `","diagnostics":"","time_ms":5}`},
		{name: "diagnostics", method: "POST", path: "/api/compile", body: `{"source":"int x"}`,
			expect: func(m mocks) {
				m.compiler.EXPECT().Compile(gomock.Any(), gomock.Any()).Return(&clang.Result{Diagnostics: "prog.c:1:6: error: expected ';'"}, nil)
			},
			status: 200, body2: []string{`"ok":false`, `prog.c:1:6: error`}},
		{name: "no clang", method: "POST", path: "/api/compile", body: `{"source":"int x;"}`,
			config: func(c *server.Config) { c.Compiler = nil; c.CompileUnavailable = clang.ErrNotFound.Error() },
			status: 501, body2: []string{"apt-get install -y clang"}},
		{name: "no source", method: "POST", path: "/api/compile", body: `{}`, status: 422},
		{name: "source not a string", method: "POST", path: "/api/compile", body: `{"source":1}`, status: 400, body2: []string{"field source"}},
		{name: "too large", method: "POST", path: "/api/compile", body: `{"source":"` + strings.Repeat("a", 70000) + `"}`, status: 413},
		{name: "compiler fault", method: "POST", path: "/api/compile", body: `{"source":"int x;"}`,
			expect: func(m mocks) {
				m.compiler.EXPECT().Compile(gomock.Any(), gomock.Any()).Return(nil, errors.New("mkdtemp"))
			},
			status: 500},
	})
}

func TestCapabilitiesAndHealth(t *testing.T) {
	run(t, []testCase{
		{name: "everything on", path: "/api/capabilities", status: 200,
			exact: `{"version":"test","share":true,"run":true,"compile":true,"compiler":"clang test","limits":{"share_bytes":65536,"run_bytes":1048576,"compile_bytes":65536,"run_timeout_ms":30000}}`},
		{name: "run and compile off", path: "/api/capabilities", status: 200,
			config: func(c *server.Config) { c.Runner, c.Compiler, c.RunUnavailable = nil, nil, "no runner" },
			body2:  []string{`"run":false`, `"compile":false`, `"run":"no runner"`, `"compile":"C compilation is not available on this server"`}},
		{name: "healthy", path: "/healthz", status: 200,
			expect: func(m mocks) { m.store.EXPECT().Get(gomock.Any(), "healthcheck").Return(nil, store.ErrNotFound) },
			body2:  []string{`"status":"ok"`}},
		{name: "store broken", path: "/healthz", status: 503,
			expect: func(m mocks) {
				m.store.EXPECT().Get(gomock.Any(), "healthcheck").Return(nil, errors.New("bolt: closed"))
			},
			body2: []string{`"status":"unhealthy"`, "bolt: closed"}},
		{name: "healthz POST", method: "POST", path: "/healthz", status: 405},
	})
}

// TestRunQueue fills the native-run slots and the queue: excess requests
// get 503 with Retry-After at once, the queued ones run when slots free,
// and nothing is lost.
func TestRunQueue(t *testing.T) {
	br := &blockingRunner{started: make(chan struct{}, 16), release: make(chan struct{})}
	srv, err := server.New(server.Config{
		Store: store.NewMemory(), Runner: br,
		Limits: server.Limits{NoRateLimit: true, RunSlots: 2, RunQueue: 3, RunQueueWait: 10 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	const n = 9
	type answer struct {
		code  int
		retry string
	}
	answers := make(chan answer, n)
	var wg sync.WaitGroup
	send := func() {
		defer wg.Done()
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("POST", "/api/run", strings.NewReader(`{}`)))
		answers <- answer{rec.Code, rec.Header().Get("Retry-After")}
	}
	// Two take the slots...
	for range 2 {
		wg.Add(1)
		go send()
	}
	<-br.started
	<-br.started
	// ...three wait in the queue, four are turned away.
	wg.Add(n - 2)
	for range n - 2 {
		go send()
	}
	rejected := 0
	for range 4 {
		a := <-answers
		if a.code != 503 || a.retry == "" {
			t.Fatalf("an excess request got %d (Retry-After %q), want 503 with Retry-After", a.code, a.retry)
		}
		rejected++
	}
	close(br.release)
	wg.Wait()
	close(answers)
	ok := 0
	for a := range answers {
		if a.code != 200 {
			t.Errorf("a queued request got %d, want 200", a.code)
		}
		ok++
	}
	if ok != 5 || rejected != 4 {
		t.Fatalf("%d ran and %d were rejected, want 5 and 4", ok, rejected)
	}
}

// TestRateLimit: a client past its burst gets 429 with Retry-After; other
// clients are unaffected.
func TestRateLimit(t *testing.T) {
	srv, err := server.New(server.Config{
		Store:  store.NewMemory(),
		Limits: server.Limits{ShareCreate: server.Rate{PerSecond: 0.5, Burst: 2}},
	})
	if err != nil {
		t.Fatal(err)
	}
	post := func(addr string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/api/share", strings.NewReader(state))
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	for i, want := range []int{201, 201, 429} {
		rec := post("192.0.2.1:1234")
		if rec.Code != want {
			t.Fatalf("request %d = %d, want %d: %s", i, rec.Code, want, rec.Body)
		}
		if want == 429 {
			if ra := rec.Header().Get("Retry-After"); ra != "2" {
				t.Errorf("Retry-After = %q, want 2 (one token per 2 s)", ra)
			}
			if !strings.Contains(rec.Body.String(), `"code":"rate_limited"`) {
				t.Errorf("body = %s", rec.Body)
			}
		}
	}
	if rec := post("192.0.2.2:1234"); rec.Code != 201 {
		t.Fatalf("another client = %d, want 201", rec.Code)
	}
	if rec := post("[2001:db8::1]:1"); rec.Code != 201 {
		t.Fatalf("IPv6 client = %d", rec.Code)
	}
}

func TestMocksUpToDate(t *testing.T) {
	gencheck.Mockgen(t, "run.go")
	gencheck.Mockgen(t, "compile.go")
}

// TestRequestLog: one JSON line per request with the fields operators
// grep for.
func TestRequestLog(t *testing.T) {
	var buf strings.Builder
	var mu sync.Mutex
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return buf.Write(p) })
	srv, err := server.New(server.Config{Store: store.NewMemory(), Logger: newJSONLogger(w)})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/api/share/AAAAAAAAAAA?x=secret", nil)
	req.RemoteAddr = "198.51.100.7:5555"
	srv.ServeHTTP(httptest.NewRecorder(), req)
	var line map[string]any
	if err := json.Unmarshal([]byte(buf.String()), &line); err != nil {
		t.Fatalf("log is not one JSON line: %q", buf.String())
	}
	want := map[string]any{"msg": "request", "method": "GET", "path": "/api/share/AAAAAAAAAAA", "status": float64(404), "client": "198.51.100.7"}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("log %s = %v, want %v", k, line[k], v)
		}
	}
	if strings.Contains(buf.String(), "secret") {
		t.Errorf("the log holds the query string: %s", buf.String())
	}
	for _, k := range []string{"ms", "bytes", "id"} {
		if _, ok := line[k]; !ok {
			t.Errorf("log lacks %s: %s", k, buf.String())
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

var _ io.Writer = writerFunc(nil)
