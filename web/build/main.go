// Command build bundles the web playground into web/dist. It is run by
// scripts/build.sh after the wasm core was compiled:
//
//	go run ./web/build -wasm /tmp/bpfplay.wasm -wasm-elf /tmp/bpfplay-elf.wasm -out web/dist
//
// -wasm is the core the page starts with (scripts/build.sh builds it
// without the ELF reader); -wasm-elf, when given, is the full core the page
// moves to when an ELF object arrives (docs/web.md, "Two cores").
//
// It uses esbuild's Go API (pinned in go.mod) so no JavaScript tool beyond
// npm's package install is needed. Assets get content-hashed names
// (assets/app-HASH.js, ...) so a server can cache them forever; the pages
// (index.html, embed/index.html, demo/index.html) and embed.js keep stable
// names. Every file is also written precompressed (.br, .gz) when that
// saves bytes, and sizes.json records the figures the issue asks for.
package main

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/evanw/esbuild/pkg/api"
)

func main() {
	var (
		webDir   = flag.String("web", "web", "the web/ source directory")
		outDir   = flag.String("out", "web/dist", "output directory (emptied first, except .keep)")
		wasmPath = flag.String("wasm", "", "the compiled core the page starts with (GOOS=js GOARCH=wasm go build ./wasm)")
		wasmELF  = flag.String("wasm-elf", "", "optional: the full core with the ELF reader, loaded when a .o arrives (when -wasm has none)")
		minify   = flag.Bool("minify", true, "minify JavaScript and CSS")
		compress = flag.Bool("compress", true, "write .br and .gz files next to each asset")
		base     = flag.String("base", "/", "URL path the site is served under (absolute, ending in /)")
	)
	flag.Parse()
	if !strings.HasPrefix(*base, "/") || !strings.HasSuffix(*base, "/") {
		fmt.Fprintln(os.Stderr, "web/build: -base must start and end with /")
		os.Exit(2)
	}
	if err := run(*webDir, *outDir, *wasmPath, *wasmELF, *base, *minify, *compress); err != nil {
		fmt.Fprintln(os.Stderr, "web/build:", err)
		os.Exit(1)
	}
}

// assets names the hashed files the scripts need at run time; it is
// compiled into the bundles as the global BPFPLAY_ASSETS (paths relative to
// the site root, Base being the root's URL path).
type assets struct {
	Base     string `json:"base"`
	Worker   string `json:"worker"`
	Wasm     string `json:"wasm"`
	WasmELF  string `json:"wasm_elf,omitempty"`
	WasmExec string `json:"wasm_exec"`
	Boot     string `json:"boot,omitempty"`
	App      string `json:"app,omitempty"`
	AppCSS   string `json:"app_css,omitempty"`
	Embed    string `json:"embed_view,omitempty"`
}

func run(webDir, outDir, wasmPath, wasmELF, base string, minify, compress bool) error {
	if wasmPath == "" {
		return errors.New("-wasm is required (build it with GOOS=js GOARCH=wasm go build -o X ./wasm)")
	}
	if _, err := os.Stat(filepath.Join(webDir, "node_modules", "@codemirror", "view")); err != nil {
		return fmt.Errorf("npm packages missing in %s/node_modules: run `npm ci --prefix %s` (scripts/build.sh does)", webDir, webDir)
	}
	if err := clean(outDir); err != nil {
		return err
	}
	assetDir := filepath.Join(outDir, "assets")
	if err := os.MkdirAll(assetDir, 0o755); err != nil {
		return err
	}
	a := assets{Base: base}
	var err error
	if a.Wasm, err = copyHashed(wasmPath, assetDir, "bpfplay", ".wasm"); err != nil {
		return err
	}
	if wasmELF != "" {
		if a.WasmELF, err = copyHashed(wasmELF, assetDir, "bpfplay-elf", ".wasm"); err != nil {
			return err
		}
	}
	goroot, gerr := exec.Command("go", "env", "GOROOT").Output()
	if gerr != nil {
		return fmt.Errorf("go env GOROOT: %v (wasm_exec.js must come from the toolchain that built the wasm)", gerr)
	}
	wasmExec := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js")
	if a.WasmExec, err = copyHashed(wasmExec, assetDir, "wasm_exec", ".js"); err != nil {
		return fmt.Errorf("wasm_exec.js of this Go toolchain: %w", err)
	}

	// The worker first: the other bundles need its hashed name.
	out, err := bundle(webDir, assetDir, []string{"src/worker.ts"}, "[name]-[hash]", nil, minify)
	if err != nil {
		return err
	}
	a.Worker = out["worker.js"]

	define, _ := json.Marshal(a)
	// boot.js starts the worker (and so the wasm download) from the
	// page's <head>, before app.js is parsed (docs/web.md, "Start-up").
	out, err = bundle(webDir, assetDir, []string{"src/boot.ts", "src/app.ts", "src/embedview.ts", "src/app.css"}, "[name]-[hash]",
		map[string]string{"BPFPLAY_ASSETS": string(define)}, minify)
	if err != nil {
		return err
	}
	a.Boot, a.App, a.AppCSS, a.Embed = out["boot.js"], out["app.js"], out["app.css"], out["embedview.js"]

	// embed.js keeps a stable name: other sites link to it. Its CSS is
	// compiled in as text and injected, scoped to the snippets.
	define, _ = json.Marshal(a)
	if _, err := bundle(webDir, outDir, []string{"src/embed.ts"}, "[name]",
		map[string]string{"BPFPLAY_ASSETS": string(define)}, minify, ".css"); err != nil {
		return err
	}

	pages := map[string]string{ // template -> output, both relative
		"pages/index.html": "index.html",
		"pages/embed.html": "embed/index.html",
		"pages/demo.html":  "demo/index.html",
	}
	for src, dst := range pages {
		if err := writePage(filepath.Join(webDir, src), filepath.Join(outDir, dst), a); err != nil {
			return err
		}
	}
	if err := copyStatic(filepath.Join(webDir, "static"), outDir); err != nil {
		return err
	}
	sizes, err := precompress(outDir, compress, a)
	if err != nil {
		return err
	}
	sizes.Assets = a
	b, _ := json.MarshalIndent(sizes, "", "  ")
	if err := os.WriteFile(filepath.Join(outDir, "sizes.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("web/dist: wasm %s raw, %s brotli; JS+CSS of the playground %s brotli\n",
		kb(sizes.WasmRaw), kb(sizes.WasmBrotli), kb(sizes.AppBrotli))
	if a.WasmELF != "" {
		fmt.Printf("web/dist: the full core (with the ELF reader, loaded when a .o arrives) %s raw, %s brotli\n",
			kb(sizes.WasmELFRaw), kb(sizes.WasmELFBrotli))
	}
	return nil
}

func kb(n int64) string { return fmt.Sprintf("%.1f KB", float64(n)/1024) }

// clean empties dir but keeps .keep (committed so go:embed has a file).
func clean(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == ".keep" {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

func shortHash(b []byte) string {
	h := sha256.Sum256(b)
	return strings.ToUpper(hex.EncodeToString(h[:4]))
}

func copyHashed(src, dstDir, base, ext string) (string, error) {
	b, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	name := base + "-" + shortHash(b) + ext
	return "assets/" + name, os.WriteFile(filepath.Join(dstDir, name), b, 0o644)
}

// bundle runs esbuild and returns a map from the entry's base output name
// ("app.js") to its written path relative to the site root.
func bundle(webDir, outDir string, entries []string, names string, define map[string]string, minify bool, textExt ...string) (map[string]string, error) {
	loaders := map[string]api.Loader{".s": api.LoaderText, ".txt": api.LoaderText}
	for _, ext := range textExt {
		loaders[ext] = api.LoaderText
	}
	opts := api.BuildOptions{
		AbsWorkingDir:     mustAbs(webDir),
		EntryPoints:       entries,
		Bundle:            true,
		Outdir:            mustAbs(outDir),
		EntryNames:        names,
		Format:            api.FormatIIFE,
		Target:            api.ES2020,
		Platform:          api.PlatformBrowser,
		MinifyWhitespace:  minify,
		MinifyIdentifiers: minify,
		MinifySyntax:      minify,
		Sourcemap:         api.SourceMapNone,
		Write:             true,
		Metafile:          true,
		LogLevel:          api.LogLevelWarning,
		Loader:            loaders,
		Define:            define,
		Charset:           api.CharsetUTF8,
		LegalComments:     api.LegalCommentsEndOfFile,
	}
	res := api.Build(opts)
	if len(res.Errors) > 0 {
		msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
		return nil, fmt.Errorf("esbuild:\n%s", strings.Join(msgs, "\n"))
	}
	var meta struct {
		Outputs map[string]struct {
			EntryPoint string `json:"entryPoint"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal([]byte(res.Metafile), &meta); err != nil {
		return nil, err
	}
	site := mustAbs(filepath.Dir(outDir))
	if filepath.Base(outDir) != "assets" {
		site = mustAbs(outDir)
	}
	out := map[string]string{}
	for file, o := range meta.Outputs {
		if o.EntryPoint == "" {
			continue
		}
		base := strings.TrimSuffix(path.Base(o.EntryPoint), path.Ext(o.EntryPoint))
		ext := path.Ext(file)
		rel, err := filepath.Rel(site, filepath.Join(mustAbs(webDir), file))
		if err != nil {
			return nil, err
		}
		out[base+ext] = filepath.ToSlash(rel)
	}
	return out, nil
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		panic("BUG: " + err.Error())
	}
	return a
}

// writePage fills a page template: {{ROOT}} is the site's base path ("/"),
// {{app.js}} etc. name the hashed assets. Paths are absolute so that a
// server can answer /s/{id} with index.html itself.
func writePage(src, dst string, a assets) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	root := a.Base
	r := strings.NewReplacer(
		"{{ROOT}}", root,
		"{{boot.js}}", root+a.Boot,
		"{{app.js}}", root+a.App,
		"{{app.css}}", root+a.AppCSS,
		"{{embedview.js}}", root+a.Embed,
		"{{wasm}}", root+a.Wasm,
		"{{demo_state}}", demoState,
	)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, []byte(r.Replace(string(b))), 0o644)
}

// demoState is the share-link data of the demo page's iframe: the same
// encoding as web/src/state.ts (JSON, raw DEFLATE, base64url).
var demoState = func() string {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write([]byte(`{"v":1,"source":"; XDP_DROP is 1\nr0 = 1\nexit\n","dialect":"kernel","prog_type":"xdp"}`))
	w.Close()
	return base64.RawURLEncoding.EncodeToString(buf.Bytes())
}()

func copyStatic(src, dst string) error {
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
}

// Sizes is dist/sizes.json: what the page costs over the wire.
type Sizes struct {
	Files []FileSize `json:"files"`
	// WasmRaw and WasmBrotli are the core the page starts with;
	// WasmELFRaw and WasmELFBrotli the full core it loads when an ELF
	// object arrives (zero when the build has one core).
	WasmRaw       int64 `json:"wasm_raw"`
	WasmBrotli    int64 `json:"wasm_brotli"`
	WasmELFRaw    int64 `json:"wasm_elf_raw,omitempty"`
	WasmELFBrotli int64 `json:"wasm_elf_brotli,omitempty"`
	// AppBrotli is the JavaScript and CSS the playground page loads
	// (boot, app, worker, wasm_exec, CSS), brotli-compressed.
	AppBrotli int64  `json:"app_js_css_brotli"`
	Assets    assets `json:"assets"`
}

// FileSize is one file's raw, gzip and brotli sizes.
type FileSize struct {
	Path   string `json:"path"`
	Raw    int64  `json:"raw"`
	Gzip   int64  `json:"gzip"`
	Brotli int64  `json:"brotli"`
}

var compressible = map[string]bool{".js": true, ".css": true, ".html": true, ".wasm": true, ".json": true, ".svg": true, ".txt": true}

func precompress(dir string, write bool, a assets) (*Sizes, error) {
	s := &Sizes{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !compressible[filepath.Ext(p)] {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var br, gz bytes.Buffer
		bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
		bw.Write(b)
		if err := bw.Close(); err != nil {
			return err
		}
		gw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		gw.Write(b)
		if err := gw.Close(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		s.Files = append(s.Files, FileSize{Path: rel, Raw: int64(len(b)), Gzip: int64(gz.Len()), Brotli: int64(br.Len())})
		if write {
			if br.Len() < len(b) {
				if err := os.WriteFile(p+".br", br.Bytes(), 0o644); err != nil {
					return err
				}
			}
			if gz.Len() < len(b) {
				if err := os.WriteFile(p+".gz", gz.Bytes(), 0o644); err != nil {
					return err
				}
			}
		}
		return nil
	})
	sort.Slice(s.Files, func(i, j int) bool { return s.Files[i].Path < s.Files[j].Path })
	for _, f := range s.Files {
		switch {
		case f.Path == a.Wasm:
			s.WasmRaw, s.WasmBrotli = f.Raw, f.Brotli
		case f.Path == a.WasmELF:
			s.WasmELFRaw, s.WasmELFBrotli = f.Raw, f.Brotli
		case strings.HasPrefix(f.Path, "assets/") && (strings.HasSuffix(f.Path, ".js") || strings.HasSuffix(f.Path, ".css")):
			if !strings.HasPrefix(path.Base(f.Path), "embedview-") {
				s.AppBrotli += f.Brotli
			}
		}
	}
	return s, err
}
