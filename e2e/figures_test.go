package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bpfplay/bpfplay/wasm/bridge"
)

// These tests measure; they fail only when the page breaks, never on a
// number (timing is noisy on a shared machine). The figures land in
// artifacts/figures.json and the test log.

func TestFigureSizes(t *testing.T) {
	s := readSizes(t)
	recordFigure(t, "wasm_brotli_bytes", s["wasm_brotli"])
	recordFigure(t, "app_js_css_brotli_bytes", s["app_js_css_brotli"])
}

// program100 is a 100-instruction program in the conformance dialect.
func program100() string {
	var b strings.Builder
	b.WriteString("mov %r0, 0\n")
	for i := 0; i < 98; i++ {
		fmt.Fprintf(&b, "add %%r0, %d\n", i)
	}
	b.WriteString("exit\n")
	return b.String()
}

func TestFigureVerifyAsYouType(t *testing.T) {
	b := newBrowser(t, browserOpt{})
	open(t, b, "/")
	src := program100()
	setProgram(t, b, "conformance", "socket_filter", src)
	// Then one keystroke at the end, ten times: the time from the edit to
	// the verdict on screen, without the debounce.
	var total, core float64
	const n = 10
	for i := 0; i < n; i++ {
		want := eval[int](t, b, `window.__bpfplay.metrics.analyses`) + 1
		b.do(t, void(chromedp.Evaluate[any](`(() => { const a = window.__bpfplay.app; a.editor.view.dispatch({changes: {from: a.editor.view.state.doc.length, insert: " "}}); a.analyzeSoon(0); })()`)),
			waitJS(fmt.Sprintf(`window.__bpfplay.metrics.analyses >= %d`, want)))
		total += eval[float64](t, b, `window.__bpfplay.metrics.lastAnalyzeMs`)
		core += eval[float64](t, b, `window.__bpfplay.metrics.lastCoreMs`)
	}
	caps := capabilities(t, b)
	what := "assemble"
	if caps["load"] {
		what = "load (verify)"
	}
	recordFigure(t, "verify_as_you_type_100_insns_ms", map[string]any{"call": what, "edit_to_screen_ms": total / n, "in_core_ms": core / n})
	b.noConsoleErrors(t)
}

func TestFigureInterpreterSpeed(t *testing.T) {
	b := newBrowser(t, browserOpt{})
	open(t, b, "/")
	if !capabilities(t, b)["bench"] {
		t.Fatal("the core has no bench method")
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "bench", "*.data"))
	out := map[string]any{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".data")
		wasm := eval[map[string]any](t, b, fmt.Sprintf(`window.__bpfplay.app.core.call("bench", {data: %s, repeat: 3})`, jsString(string(data))))
		native, err := bridge.Bench(string(data), 3)
		if err != nil {
			t.Fatal(err)
		}
		if wasm["r0"] != native.R0 {
			t.Errorf("%s: r0 in the browser %v, natively %v", name, wasm["r0"], native.R0)
		}
		w := wasm["ns_per_insn"].(float64)
		out[name] = map[string]float64{"wasm_ns_per_insn": w, "native_ns_per_insn": native.NsPerInsn, "ratio": w / native.NsPerInsn}
	}
	recordFigure(t, "interpreter_wasm_vs_native", out)
}
