package api_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bpfplay/bpfplay/server/api"
)

type payload struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

// truncatedBody fails after its text, as a client that hangs up does.
type truncatedBody struct{ r io.Reader }

func (b truncatedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name        string
		body        io.Reader
		contentType string
		status      int // 0: success
		msg         string
	}{
		{name: "ok", body: strings.NewReader(`{"name":"a","n":1}`), contentType: "application/json"},
		{name: "ok without content type", body: strings.NewReader(`{"name":"a"}`)},
		{name: "ok as text/plain with charset", body: strings.NewReader(`{}`), contentType: "text/plain; charset=utf-8"},
		{name: "unknown fields ignored", body: strings.NewReader(`{"zzz":1}`)},
		{name: "empty", body: strings.NewReader(``), status: 400, msg: "empty"},
		{name: "malformed", body: strings.NewReader(`{"name":}`), status: 400, msg: "malformed JSON at byte 9"},
		{name: "truncated JSON", body: strings.NewReader(`{"name":"a`), status: 400, msg: "truncated"},
		{name: "truncated transfer", body: truncatedBody{strings.NewReader(`{"name":"a"`)}, status: 400, msg: "cannot read the request body"},
		{name: "wrong type", body: strings.NewReader(`{"n":"x"}`), status: 400, msg: "field n: expected int, got JSON string"},
		{name: "top-level array", body: strings.NewReader(`[1]`), status: 400, msg: "(top level)"},
		{name: "two values", body: strings.NewReader(`{} {}`), status: 400, msg: "after the JSON value"},
		{name: "too large", body: strings.NewReader(`{"name":"` + strings.Repeat("x", 100) + `"}`), status: 413, msg: "limit of 64 bytes"},
		{name: "multipart", body: strings.NewReader(`{}`), contentType: "multipart/form-data; boundary=x", status: 415, msg: "must be JSON"},
		{name: "garbage content type", body: strings.NewReader(`{}`), contentType: ";;", status: 415},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", tc.body)
			if tc.contentType != "" {
				r.Header.Set("Content-Type", tc.contentType)
			}
			var p payload
			err := api.DecodeJSON(httptest.NewRecorder(), r, 64, &p)
			if tc.status == 0 {
				if err != nil {
					t.Fatalf("DecodeJSON: %v", err)
				}
				return
			}
			var e *api.Error
			if !errors.As(err, &e) || e.Status != tc.status || !strings.Contains(e.Msg, tc.msg) {
				t.Fatalf("DecodeJSON error = %#v, want status %d with %q", err, tc.status, tc.msg)
			}
		})
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		status     int
		body       string
		retryAfter string
	}{
		{name: "api error", err: api.Errorf(404, "not_found", "no %s", "x"), status: 404, body: `{"code":"not_found","error":"no x"}`},
		{name: "wrapped api error", err: fmt.Errorf("ctx: %w", api.Errorf(422, "bad_state", "bad")), status: 422, body: `{"code":"bad_state","error":"bad"}`},
		{name: "other errors are 500 without details", err: errors.New("secret path /var/x"), status: 500, body: `{"code":"internal","error":"internal error"}`},
		{name: "retry after rounds up", err: &api.Error{Status: 429, Code: "rate_limited", Msg: "slow down", RetryAfter: 1500 * time.Millisecond},
			status: 429, body: `{"code":"rate_limited","error":"slow down","retry_after_ms":1500}`, retryAfter: "2"},
		{name: "detail", err: &api.Error{Status: 400, Code: "x", Msg: "m", Detail: map[string]int{"line": 3}}, status: 400, body: `{"code":"x","error":"m","detail":{"line":3}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			api.WriteError(rec, tc.err)
			if rec.Code != tc.status {
				t.Errorf("status = %d, want %d", rec.Code, tc.status)
			}
			if got := strings.TrimSpace(rec.Body.String()); got != tc.body {
				t.Errorf("body = %s, want %s", got, tc.body)
			}
			if got := rec.Header().Get("Retry-After"); got != tc.retryAfter {
				t.Errorf("Retry-After = %q, want %q", got, tc.retryAfter)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			if !json.Valid(rec.Body.Bytes()) {
				t.Errorf("body is not JSON: %s", rec.Body)
			}
		})
	}
}

func TestWriteJSONDoesNotEscapeHTML(t *testing.T) {
	rec := httptest.NewRecorder()
	api.WriteJSON(rec, http.StatusOK, map[string]string{"s": "<a&b>"})
	if got := strings.TrimSpace(rec.Body.String()); got != `{"s":"<a&b>"}` {
		t.Fatalf("body = %s", got)
	}
}
