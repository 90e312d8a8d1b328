package share

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"unicode/utf8"

	"github.com/bpfplay/bpfplay/server/api"
)

// MaxStateSize is the largest state accepted, in bytes of the request
// body.
const MaxStateSize = 64 << 10

// Required string fields of a state and the pattern their values must
// match (the empty pattern: any string). Everything else the web app
// keeps (inputs, maps, options) is stored as sent.
var required = []struct {
	name    string
	pattern *regexp.Regexp
}{
	{"source", nil},
	{"dialect", regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)},
	{"prog_type", regexp.MustCompile(`^[a-z0-9_]{1,64}$`)},
}

// Canonical validates a state and returns its canonical encoding. Errors
// are *api.Error with status 400 or 422 and say what is wrong.
func Canonical(body []byte) ([]byte, error) {
	if len(body) > MaxStateSize {
		return nil, api.Errorf(http.StatusRequestEntityTooLarge, "body_too_large",
			"the state is %d bytes; the limit is %d", len(body), MaxStateSize)
	}
	if !utf8.Valid(body) {
		return nil, api.Errorf(http.StatusBadRequest, "bad_json", "the state is not valid UTF-8")
	}
	var v any
	if err := api.UnmarshalNumbers(body, &v); err != nil {
		return nil, err
	}
	state, ok := v.(map[string]any)
	if !ok {
		return nil, api.Errorf(http.StatusUnprocessableEntity, "bad_state", "the state must be a JSON object, not %s", jsonKind(v))
	}
	for _, f := range required {
		v, ok := state[f.name]
		if !ok {
			return nil, api.Errorf(http.StatusUnprocessableEntity, "bad_state", "the state has no %q field", f.name)
		}
		s, ok := v.(string)
		if !ok {
			return nil, api.Errorf(http.StatusUnprocessableEntity, "bad_state", "the state's %q must be a string, not %s", f.name, jsonKind(v))
		}
		if f.pattern != nil && !f.pattern.MatchString(s) {
			return nil, api.Errorf(http.StatusUnprocessableEntity, "bad_state", "the state's %q is %q; it must match %s", f.name, truncate(s, 40), f.pattern)
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(state); err != nil {
		// Everything in state came from the decoder; failing to encode
		// it back is a broken invariant.
		panic("BUG: share: cannot re-encode a decoded state: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
