package e2e

// The playground with `bpfplay serve` behind it (issue 9): short links,
// C compiled by the server's clang, native runs beside the interpreter;
// and the same page on a static host, where none of it appears.

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// needsServer fails a test whose server feature the site server lacks,
// with what to install.
func needsServer(t *testing.T, compile, run bool) {
	t.Helper()
	if compile && siteCaps.Compiler == nil {
		t.Fatalf("the site server cannot compile C: %s (apt-get install -y clang libbpf-dev)", siteCaps.CompileUnavailable)
	}
	if run && siteCaps.Runner == nil {
		t.Fatalf("the site server cannot run natively: %s (needs linux/amd64 with cgo: jit/native)", siteCaps.RunUnavailable)
	}
}

// waitProbe waits until the page has asked the site for its capabilities.
func waitProbe(t *testing.T, b *browser) {
	t.Helper()
	b.do(t, waitJS(`window.__bpfplay && window.__bpfplay.metrics.server`))
}

// toC switches the source selector to C, which loads the C example.
func toC(t *testing.T, b *browser) {
	t.Helper()
	b.do(t,
		waitJS(`document.querySelector('#dialect option[value="c"]')`),
		chromedp.SetValue(chromedp.CSS("#dialect"), "c"),
		void(chromedp.Evaluate[any](`document.querySelector("#dialect").dispatchEvent(new Event("change"))`)),
	)
}

// verdict waits for a settled verdict of the given kind and returns it.
func verdict(t *testing.T, b *browser, kind string) string {
	t.Helper()
	b.do(t, waitJS(`(() => { const v = document.querySelector("#verdict"); return v && v.dataset.kind === `+jsString(kind)+`; })()`))
	return text(t, b, "#verdict")
}

func TestServerShortLink(t *testing.T) {
	b := newBrowser(t, browserOpt{})
	open(t, b, "/")
	waitProbe(t, b)
	const src = "; short link test\nr0 = 7\nexit\n"
	b.do(t,
		void(chromedp.Evaluate[any](`window.__bpfplay.setSource(`+jsString(src)+`)`)),
		chromedp.SetValue(chromedp.CSS("#prog-type"), "socket_filter"),
		void(chromedp.Evaluate[any](`document.querySelector("#prog-type").dispatchEvent(new Event("change"))`)),
		waitJS(`window.__bpfplay.metrics.lastSource === `+jsString(src)),
		chromedp.Click(chromedp.CSS("#short-link")),
		waitJS(`document.querySelector("#short-url")`),
	)
	url := eval[string](t, b, `document.querySelector("#short-url").value`)
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(site.URL) + `/s/[A-Za-z0-9_-]{11}$`).MatchString(url) {
		t.Fatalf("short link %q: want %s/s/ followed by an 11-character id", url, site.URL)
	}
	b.shot(t, "short-link")
	b.noConsoleErrors(t)

	// The same state twice gives the same link (content-addressed).
	b.do(t, chromedp.Click(chromedp.CSS(`#dialog [aria-label="Close"]`)), chromedp.Click(chromedp.CSS("#short-link")), waitJS(`document.querySelector("#short-url")`))
	if again := eval[string](t, b, `document.querySelector("#short-url").value`); again != url {
		t.Errorf("sharing the same state again gave %q, first %q", again, url)
	}

	// Opened on a phone.
	fresh := newBrowser(t, browserOpt{width: 390, height: 844})
	fresh.do(t, chromedp.Navigate(url), waitJS(`window.__bpfplay && window.__bpfplay.metrics.analyses > 0`))
	got := eval[map[string]any](t, fresh, `window.__bpfplay.state()`)
	if got["source"] != src || got["prog_type"] != "socket_filter" || got["dialect"] != "kernel" {
		t.Errorf("the short link restored source %q, type %v, dialect %v; want %q, socket_filter, kernel", got["source"], got["prog_type"], got["dialect"], src)
	}
	if v := verdict(t, fresh, "ok"); !strings.Contains(v, "Accepted") {
		t.Errorf("restored program: verdict %q", v)
	}
	fresh.do(t, waitJS(`document.querySelector("#short-link")`))
	fresh.shot(t, "short-link-restored-phone")
	fresh.noConsoleErrors(t)

	// A state over the server's 64 KB limit: 413, said in a toast.
	b.do(t, chromedp.Click(chromedp.CSS(`#dialog [aria-label="Close"]`)),
		void(chromedp.Evaluate[any](`window.__bpfplay.setSource("; " + "x".repeat(70000) + "\nr0 = 0\nexit\n")`)),
		chromedp.Click(chromedp.CSS("#short-link")),
		waitJS(`document.querySelector("#toast")`))
	if msg := text(t, b, "#toast"); !strings.Contains(msg, "too large") {
		t.Errorf("a 70 KB state: toast %q, want it to say the program is too large", msg)
	}
	b.noConsoleErrors(t)
}

func TestServerCompileC(t *testing.T) {
	needsServer(t, true, false)
	b := newBrowser(t, browserOpt{})
	open(t, b, "/")
	toC(t, b)
	if v := verdict(t, b, "ok"); !strings.Contains(v, "Accepted") {
		t.Fatalf("the C example: verdict %q", v)
	}
	if title := text(t, b, "#title"); title != "prog.c · xdp_count" {
		t.Errorf("editor title %q, want the compiled program prog.c · xdp_count", title)
	}
	if st := eval[map[string]any](t, b, `window.__bpfplay.state()`); st["dialect"] != "c" || st["prog_type"] != "xdp" {
		t.Errorf("state after compiling: dialect %v, type %v; want c, xdp (from SEC(\"xdp\"))", st["dialect"], st["prog_type"])
	}
	// Run on the default packet (UDP to port 53): the program drops it.
	b.do(t, chromedp.Click(chromedp.CSS("#run")), waitJS(`document.querySelector('[data-testid="r0-name"]')`))
	if name := text(t, b, `[data-testid="r0-name"]`); name != "XDP_DROP" {
		t.Errorf("C example on a DNS packet: r0 %q, want XDP_DROP", name)
	}
	b.shot(t, "c-mode")

	// A C program travels as C in a short link and is compiled again.
	b.do(t, chromedp.Click(chromedp.CSS("#short-link")), waitJS(`document.querySelector("#short-url")`))
	url := eval[string](t, b, `document.querySelector("#short-url").value`)
	b.do(t, chromedp.Click(chromedp.CSS(`#dialog [aria-label="Close"]`)))
	fresh := newBrowser(t, browserOpt{})
	fresh.do(t, chromedp.Navigate(url), waitJS(`window.__bpfplay && window.__bpfplay.metrics.analyses > 0`))
	if v := verdict(t, fresh, "ok"); !strings.Contains(v, "Accepted") || text(t, fresh, "#title") != "prog.c · xdp_count" {
		t.Errorf("the C program's short link: verdict %q, title %q", v, text(t, fresh, "#title"))
	}
	if d := eval[string](t, fresh, `document.querySelector("#dialect").value`); d != "c" {
		t.Errorf("the C program's short link opened with source selector %q", d)
	}
	fresh.noConsoleErrors(t)

	// Without its bounds check the verifier rejects the first packet
	// load: the message stands under that C line (BTF line info).
	b.do(t, void(chromedp.Evaluate[any](`(() => {
		const src = window.__bpfplay.state().source.split("\n");
		const i = src.findIndex((l) => l.includes("The bounds check"));
		src.splice(i, 3);
		window.__bpfplay.setSource(src.join("\n"));
	})()`)))
	if v := verdict(t, b, "bad"); !strings.Contains(v, "Rejected") {
		t.Fatalf("without the bounds check: verdict %q", v)
	}
	want := eval[int](t, b, `window.__bpfplay.state().source.split("\n").findIndex((l) => l.includes("eth->h_proto")) + 1`)
	got := eval[int](t, b, `[...document.querySelectorAll(".cm-content > .cm-line")].findIndex((l) => l.classList.contains("bp-error-line")) + 1`)
	if got != want || want == 0 {
		t.Errorf("the verifier's rejection is marked on line %d, want %d (the eth->h_proto load)", got, want)
	}
	if msg := text(t, b, ".bp-inline-msg"); !strings.Contains(msg, "packet") {
		t.Errorf("inline message %q, want the verifier's message about the packet access", msg)
	}
	b.shot(t, "c-rejected")

	// The gallery offers the C example here.
	b.do(t, chromedp.Click(chromedp.CSS("#examples")), waitJS(`document.querySelector('#gallery [data-example="c-xdp-count"]')`))
	b.shot(t, "c-gallery")
	// Its rejected example: the message under the C line it is about.
	b.do(t, chromedp.Click(chromedp.CSS(`#gallery [data-example="c-missing-check"]`)),
		waitJS(`document.querySelector("#title").textContent === "prog.c · xdp_ipv4_only" && window.__bpfplay.metrics.lastSource === window.__bpfplay.state().source`))
	if v := verdict(t, b, "bad"); !strings.Contains(v, "Rejected") {
		t.Errorf("the rejected C example: verdict %q", v)
	}
	want = eval[int](t, b, `window.__bpfplay.state().source.split("\n").findIndex((l) => l.trim().startsWith("if (eth->h_proto")) + 1`)
	got = eval[int](t, b, `[...document.querySelectorAll(".cm-content > .cm-line")].findIndex((l) => l.classList.contains("bp-error-line")) + 1`)
	if got != want || want == 0 {
		t.Errorf("the rejected C example is marked on line %d, want %d", got, want)
	}
	b.noConsoleErrors(t)
}

func TestServerCompileError(t *testing.T) {
	needsServer(t, true, false)
	b := newBrowser(t, browserOpt{dark: true})
	open(t, b, "/")
	toC(t, b)
	verdict(t, b, "ok")
	const src = "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n\nSEC(\"xdp\")\nint broken(struct xdp_md *ctx)\n{\n\treturn XDP_PASS\n}\n"
	b.do(t, void(chromedp.Evaluate[any](`window.__bpfplay.setSource(`+jsString(src)+`)`)))
	if v := verdict(t, b, "bad"); !strings.Contains(v, "Does not compile") {
		t.Errorf("verdict %q, want Does not compile", v)
	}
	// clang's message under line 7, the line marked.
	msg := text(t, b, ".bp-inline-msg")
	if !strings.Contains(msg, "7:17") || !strings.Contains(msg, "expected ';' after return statement") {
		t.Errorf("inline message %q, want clang's 7:17 expected ';' after return statement", msg)
	}
	line := eval[int](t, b, `[...document.querySelectorAll(".cm-content > .cm-line")].findIndex((l) => l.classList.contains("bp-error-line")) + 1`)
	if line != 7 {
		t.Errorf("error marked on line %d, want 7", line)
	}
	if pane := text(t, b, `[data-testid="clang-error"]`); !strings.Contains(pane, "1 error") {
		t.Errorf("verifier pane says %q", pane)
	}
	b.shot(t, "c-error-dark")
	b.noConsoleErrors(t)
}

func TestServerNativeRun(t *testing.T) {
	needsServer(t, false, true)
	for _, o := range []struct {
		name string
		opt  browserOpt
	}{{"native-run", browserOpt{}}, {"native-run-phone-dark", browserOpt{width: 390, height: 844, dark: true}}} {
		t.Run(o.name, func(t *testing.T) {
			b := newBrowser(t, o.opt)
			open(t, b, "/")
			b.do(t, waitJS(`document.querySelector("#native-toggle")`), chromedp.Click(chromedp.CSS("#native-toggle input")))
			// The first example (XDP, drops UDP to port 53) on its DNS packet.
			b.do(t, chromedp.Click(chromedp.CSS("#run")),
				waitJS(`document.querySelector('[data-testid="r0-native"]') && document.querySelector('[data-testid="r0-interp"]')`))
			nat, in := text(t, b, `[data-testid="r0-native"]`), text(t, b, `[data-testid="r0-interp"]`)
			if nat != "1" || in != "1" {
				t.Errorf("r0 native %q, interpreter %q; want 1 (XDP_DROP) from both", nat, in)
			}
			if agree := eval[string](t, b, `document.querySelector('[data-testid="engines-verdict"]').dataset.agree`); agree != "true" {
				t.Errorf("engines verdict says agree=%s: %s", agree, text(t, b, `[data-testid="engines-verdict"]`))
			}
			if engine := eval[string](t, b, `window.__bpfplay.app.nativeRun.native.engine`); engine != "native" {
				t.Errorf("the native side ran on %q (note: %s)", engine, eval[string](t, b, `window.__bpfplay.app.nativeRun.note`))
			}
			b.do(t, void(chromedp.Evaluate[any](`document.querySelector(".bp-engines").scrollIntoView({ block: "end" })`)))
			b.shot(t, o.name)
			b.noConsoleErrors(t)
		})
	}
}

// TestStaticHostNoServerControls: on a plain static host the page offers
// none of the server's features and logs nothing about their absence.
func TestStaticHostNoServerControls(t *testing.T) {
	b := newBrowser(t, browserOpt{})
	b.do(t, chromedp.Navigate(static.URL+"/"), waitJS(`window.__bpfplay && window.__bpfplay.metrics.analyses > 0`))
	waitProbe(t, b)
	if caps := eval[bool](t, b, `window.__bpfplay.app.caps !== null`); caps {
		t.Errorf("the page found a server on the static host")
	}
	for _, sel := range []string{"#short-link", "#native-toggle", `#dialect option[value="c"]`} {
		if eval[bool](t, b, `!!document.querySelector(`+jsString(sel)+`)`) {
			t.Errorf("%s is on the page of a static host", sel)
		}
	}
	b.do(t, chromedp.Click(chromedp.CSS("#examples")), waitJS(`document.querySelector("#gallery")`))
	if eval[bool](t, b, `!!document.querySelector('#gallery [data-example^="c-"]')`) {
		t.Errorf("the gallery offers a C example on a static host")
	}
	b.shot(t, "static-host")
	b.noConsoleErrors(t)
}
