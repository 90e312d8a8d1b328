package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

func TestLoad(t *testing.T) {
	b := newBrowser(t, browserOpt{})
	b.do(t,
		chromedp.Navigate(site.URL+"/"),
		waitJS(`window.__bpfplay && window.__bpfplay.metrics.firstVerdictMs > 0`),
	)
	verdict := text(t, b, "#verdict")
	b.shot(t, "load")
	if verdict == "" {
		t.Error("no verdict on screen")
	}
	b.noConsoleErrors(t)
}
