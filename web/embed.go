// Package web holds the playground's static site. The site is built by
// scripts/build.sh into web/dist (TypeScript bundle, CSS, the wasm core,
// wasm_exec.js) and embedded here so one Go binary serves it.
//
// web/dist is build output and is not committed, except for dist/.keep,
// which keeps the embed pattern valid on a fresh clone; a server should
// check for dist/index.html and explain how to build the site when it is
// missing (see HasSite).
package web

import (
	"embed"
	"io/fs"
)

// Dist is the built site, rooted at "dist" (so paths read "dist/index.html").
//
//go:embed all:dist
var Dist embed.FS

// Site returns the built site rooted at its top directory, so that
// "index.html" names the playground page.
func Site() fs.FS {
	sub, err := fs.Sub(Dist, "dist")
	if err != nil {
		panic("BUG: embedded dist directory missing: " + err.Error())
	}
	return sub
}

// HasSite reports whether the site was built before this binary was
// compiled (scripts/build.sh), i.e. whether Site contains index.html.
func HasSite() bool {
	_, err := fs.Stat(Site(), "index.html")
	return err == nil
}

// BuildHint is the message to show when HasSite is false.
const BuildHint = "the web playground is not built into this binary: run scripts/build.sh (it builds web/dist, then the binary)"
