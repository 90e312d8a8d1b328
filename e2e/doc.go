// Package e2e drives the web playground in headless Chromium (through
// github.com/chromedp/chromedp) against the site in web/dist, served the
// way the real server serves it. Run it with scripts/e2e.sh, which builds
// the site and installs Chromium when missing, or directly:
//
//	scripts/build.sh --web && go test ./e2e/
//
// Screenshots and measured figures land in e2e/artifacts/ (gitignored).
package e2e
