package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The static site: every file of the built web/dist, read into memory at
// start, with its precompressed variants (X.br, X.gz written by the web
// build beside X) and an ETag per variant.
//
// Cache policy (agreed with the web build, see docs/server.md): files
// under assets/ have content-hashed names, so they are cached for a year
// and marked immutable; everything else (pages, embed.js, whose name
// third-party pages hard-code) is "no-cache": the browser revalidates
// with If-None-Match and usually gets a 304.
type site struct {
	files map[string]*asset // by path without the leading slash
	index *asset            // index.html; nil when the site is not built
	hint  string            // what to do when it is not built
}

type asset struct {
	name      string
	ctype     string
	etag      string // of the raw bytes, quoted
	immutable bool
	cors      bool // may be fetched by pages on other origins (embeds)
	raw       []byte
	br, gz    []byte

	gzOnce sync.Once // gz made on first use when the build did not
}

// compressible types are worth a gzip made at run time when the build
// did not precompress (scripts/build.sh --fast).
var compressible = map[string]bool{
	".html": true, ".js": true, ".mjs": true, ".css": true, ".json": true,
	".svg": true, ".wasm": true, ".map": true, ".txt": true, ".md": true,
	".xml": true, ".ico": true,
}

var mimeTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".json":        "application/json; charset=utf-8",
	".map":         "application/json; charset=utf-8",
	".wasm":        "application/wasm",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".ico":         "image/x-icon",
	".webp":        "image/webp",
	".woff2":       "font/woff2",
	".woff":        "font/woff",
	".txt":         "text/plain; charset=utf-8",
	".md":          "text/markdown; charset=utf-8",
	".xml":         "application/xml",
	".o":           "application/octet-stream",
	".webmanifest": "application/manifest+json",
}

// loadSite reads every file of fsys. hint is shown when there is no
// index.html.
func loadSite(fsys fs.FS, hint string) (*site, error) {
	s := &site{files: map[string]*asset{}, hint: hint}
	if fsys == nil {
		return s, nil
	}
	names := map[string]bool{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if base := path.Base(p); strings.HasPrefix(base, ".") || base == "_headers" || base == "_redirects" {
			return nil // .keep, .assetsignore, and the Workers asset service's rule files
		}
		names[p] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the web site: %w", err)
	}
	for p := range names {
		// X.br and X.gz are variants of X, not files of their own.
		if (strings.HasSuffix(p, ".br") || strings.HasSuffix(p, ".gz")) && names[p[:len(p)-3]] {
			continue
		}
		raw, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("reading the web site: %w", err)
		}
		a := &asset{
			name:      p,
			ctype:     contentType(p),
			raw:       raw,
			etag:      etagOf(raw),
			immutable: strings.HasPrefix(p, "assets/"),
			cors:      strings.HasPrefix(p, "assets/") || p == "embed.js",
		}
		if names[p+".br"] {
			if a.br, err = fs.ReadFile(fsys, p+".br"); err != nil {
				return nil, fmt.Errorf("reading the web site: %w", err)
			}
		}
		if names[p+".gz"] {
			if a.gz, err = fs.ReadFile(fsys, p+".gz"); err != nil {
				return nil, fmt.Errorf("reading the web site: %w", err)
			}
		}
		s.files[p] = a
	}
	s.index = s.files["index.html"]
	return s, nil
}

func contentType(name string) string {
	if t, ok := mimeTypes[path.Ext(name)]; ok {
		return t
	}
	return "application/octet-stream"
}

func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// lookup maps a URL path to a file: "/" and "/x/" to their index.html,
// "/embed" to "embed/index.html" as well.
func (s *site) lookup(urlPath string) *asset {
	p := strings.TrimPrefix(path.Clean("/"+urlPath), "/")
	if p == "" {
		return s.index
	}
	if a, ok := s.files[p]; ok {
		return a
	}
	if a, ok := s.files[p+"/index.html"]; ok {
		return a
	}
	return nil
}

// gzipped returns the gzip variant, making it on first use if the build
// did not. Small or incompressible files have none.
func (a *asset) gzipped() []byte {
	a.gzOnce.Do(func() {
		if a.gz != nil || len(a.raw) < 1024 || !compressible[path.Ext(a.name)] {
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(a.raw)
		zw.Close()
		if buf.Len() < len(a.raw) {
			a.gz = buf.Bytes()
		}
	})
	return a.gz
}

// serve writes a with the best encoding the client accepts.
func (a *asset) serve(w http.ResponseWriter, r *http.Request, status int) {
	h := w.Header()
	body, enc := a.raw, ""
	gz := a.gzipped()
	if a.br != nil || gz != nil {
		h.Add("Vary", "Accept-Encoding")
		ae := parseAcceptEncoding(r.Header.Get("Accept-Encoding"))
		switch {
		case a.br != nil && ae.accepts("br"):
			body, enc = a.br, "br"
		case gz != nil && ae.accepts("gzip"):
			body, enc = gz, "gzip"
		}
	}
	etag := a.etag
	if enc != "" {
		h.Set("Content-Encoding", enc)
		etag = strings.TrimSuffix(etag, `"`) + "-" + enc + `"`
	}
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", etag)
	h.Set("X-Content-Type-Options", "nosniff")
	if a.immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if a.cors {
		h.Set("Access-Control-Allow-Origin", "*")
	}
	if strings.HasPrefix(a.ctype, "text/html") {
		setPageHeaders(h)
	}
	// Large files (the wasm core) may take longer than the server's write
	// timeout on a slow link.
	if len(body) > 1<<20 {
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(5 * time.Minute))
	}
	if status != http.StatusOK {
		// An error page (404 for an unknown share link): no ranges,
		// no revalidation.
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			w.Write(body)
		}
		return
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// setPageHeaders adds the headers of HTML pages. The content security
// policy allows what the playground needs (its own scripts and the wasm
// core, inline styles of CodeMirror, workers) and nothing from other
// origins; pages may be framed anywhere (the /embed view is made for
// that).
func setPageHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "+
		"style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "+
		"worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'")
	h.Set("Referrer-Policy", "no-referrer")
}

// acceptEncoding is a parsed Accept-Encoding header: coding -> q > 0.
type acceptEncoding map[string]bool

func parseAcceptEncoding(h string) acceptEncoding {
	ae := acceptEncoding{}
	for _, part := range strings.Split(h, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding == "" {
			continue
		}
		ok := true
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.TrimSpace(k) == "q" {
				q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				ok = err == nil && q > 0
			}
		}
		ae[coding] = ok
	}
	return ae
}

func (ae acceptEncoding) accepts(coding string) bool {
	if ok, listed := ae[coding]; listed {
		return ok
	}
	return ae["*"]
}

// notBuiltPage is served at / when the binary was built without the site.
func (s *site) notBuilt(w http.ResponseWriter, r *http.Request) {
	body := `<!doctype html><meta charset="utf-8"><title>bpfplay: site not built</title>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em">
<h1>bpfplay</h1><p>The server is running, and its API answers (<a href="/api/capabilities">/api/capabilities</a>),
but ` + html.EscapeString(s.hint) + `.</p>`
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	setPageHeaders(h)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		fmt.Fprint(w, body)
	}
}
