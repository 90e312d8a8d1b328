// Package bridge is the JSON API the web playground calls inside its Web
// Worker. One entry point, Call(method, params), takes and returns JSON, so
// the JavaScript side needs no knowledge of Go types and the same bridge
// can be tested natively, without a browser.
//
// Every method is registered in its own file next to the core package it
// wraps (assemble/disassemble with core/asm, load with core/load, ...).
// "capabilities" lists what this build offers, so the page can say
// "verifier not available in this build" instead of pretending.
package bridge

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
)

// Handler answers one method: params is the request's JSON; the result is
// marshalled into the response's "result" field.
type Handler func(params json.RawMessage) (any, error)

var methods = map[string]Handler{}

// register adds a method; it is called from init functions.
func register(name string, h Handler) {
	if _, dup := methods[name]; dup {
		panic("BUG: bridge method registered twice: " + name)
	}
	methods[name] = h
}

// Response is the envelope of every answer.
type Response struct {
	OK     bool   `json:"ok"`
	Result any    `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
	// Internal marks an error that is a bug in bpfplay (a recovered
	// panic), not a problem with the user's input.
	Internal bool `json:"internal,omitempty"`
}

// Call runs one method and returns the JSON response. It never panics: a
// panic inside a handler becomes an internal error response, so a bug
// shows as a message in the page instead of killing the worker.
func Call(method string, params []byte) (out []byte) {
	defer func() {
		if r := recover(); r != nil {
			out = marshal(Response{Error: fmt.Sprintf("internal error in %s: %v", method, r), Internal: true})
			println("bpfplay: panic in", method, fmt.Sprint(r), "\n", string(debug.Stack()))
		}
	}()
	h, ok := methods[method]
	if !ok {
		return marshal(Response{Error: fmt.Sprintf("%s is not available in this build", method)})
	}
	if len(params) == 0 {
		params = []byte("{}")
	}
	res, err := h(json.RawMessage(params))
	if err != nil {
		return marshal(Response{Error: err.Error()})
	}
	return marshal(Response{OK: true, Result: res})
}

func marshal(r Response) []byte {
	b, err := json.Marshal(r)
	if err != nil {
		b, _ = json.Marshal(Response{Error: "cannot encode the response: " + err.Error(), Internal: true})
	}
	return b
}

// Capabilities describes this build for the page.
type Capabilities struct {
	Methods   []string `json:"methods"`
	Dialects  []string `json:"dialects"` // assembly dialects "assemble" reads
	GoVersion string   `json:"go_version"`
	Version   string   `json:"version"` // module version or VCS revision when known
}

func capabilities(json.RawMessage) (any, error) {
	c := Capabilities{GoVersion: runtime.Version(), Version: "devel", Dialects: dialectNames()}
	for m := range methods {
		c.Methods = append(c.Methods, m)
	}
	sort.Strings(c.Methods)
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				c.Version = s.Value[:12]
			}
		}
	}
	return c, nil
}

// decodeParams unmarshals params into v with a message that names the method.
func decodeParams(method string, params json.RawMessage, v any) error {
	if err := json.Unmarshal(params, v); err != nil {
		return fmt.Errorf("%s: bad request: %v", method, err)
	}
	return nil
}

func init() {
	register("capabilities", capabilities)
}
