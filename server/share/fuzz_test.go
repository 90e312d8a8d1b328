package share_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/bpfplay/bpfplay/server/api"
	"github.com/bpfplay/bpfplay/server/share"
)

// FuzzCanonical: any body gives a canonical state or a 4xx *api.Error,
// never a panic; a canonical state is valid JSON, canonical again
// (idempotent), and keeps its id.
//
//	go test ./server/share -run '^$' -fuzz FuzzCanonical -fuzztime 60s -parallel 1
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		state, canon, `{}`, `[]`, `null`, `{"source":"","dialect":"a","prog_type":"b","x":[1e400,-0,0.1e-5]}`,
		`{"source":"\ud800","dialect":"a","prog_type":"b"}`, `{"a":1,"a":2,"source":"","dialect":"a","prog_type":"b"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := share.Canonical(body)
		if err != nil {
			var e *api.Error
			if !errors.As(err, &e) || e.Status < 400 || e.Status > 499 {
				t.Fatalf("Canonical(%q) error %v is not a 4xx *api.Error", body, err)
			}
			return
		}
		if !json.Valid(c) {
			t.Fatalf("canonical form is not JSON: %q", c)
		}
		again, err := share.Canonical(c)
		if err != nil || !bytes.Equal(again, c) {
			t.Fatalf("not idempotent: %q -> %q (%v)", c, again, err)
		}
		a, _ := share.IDs(c)
		if !share.ValidID(a) {
			t.Fatalf("invalid id %q", a)
		}
	})
}
