// Package api holds the conventions every bpfplay HTTP endpoint follows,
// shared by the server (package server) and the Cloudflare Worker
// (worker/): JSON bodies in and out, and one error shape,
//
//	{"error": "human-readable message", "code": "machine_code"}
//
// with a 4xx status for anything the client got wrong and a 5xx only for
// real faults on our side. The package is pure Go so it builds for
// GOOS=js GOARCH=wasm.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error is an HTTP error with a JSON body. Handlers return it (or wrap it)
// and WriteError turns it into a response.
type Error struct {
	Status int    `json:"-"`
	Code   string `json:"code"`  // stable, machine-readable: "body_too_large", "not_found", ...
	Msg    string `json:"error"` // for people
	// RetryAfter, when positive, is sent as the Retry-After header
	// (rounded up to whole seconds) and as retry_after_ms in the body.
	RetryAfter time.Duration `json:"-"`
	// Detail is optional structured data (e.g. clang's diagnostics).
	Detail any `json:"detail,omitempty"`
}

func (e *Error) Error() string { return e.Msg }

// Errorf builds an *Error.
func Errorf(status int, code, format string, a ...any) *Error {
	return &Error{Status: status, Code: code, Msg: fmt.Sprintf(format, a...)}
}

// Common errors. Their messages say what to do about them.
var (
	ErrNotFound         = &Error{Status: http.StatusNotFound, Code: "not_found", Msg: "not found"}
	ErrMethodNotAllowed = &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Msg: "method not allowed"}
)

// WriteJSON writes v as the JSON body with the given status. HTML
// characters are not escaped: the body is data, never embedded in a page.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only our own types reach here; failing to encode them is a bug
		// in the handler, reported as a real fault.
		status = http.StatusInternalServerError
		buf.Reset()
		fmt.Fprintf(&buf, `{"error":"internal error: cannot encode the response","code":"internal"}`+"\n")
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// WriteError writes err as a JSON error. An *Error (possibly wrapped)
// keeps its status; anything else is a real fault: 500, with a generic
// message (the details belong in the log, not in the response).
func WriteError(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Status: http.StatusInternalServerError, Code: "internal", Msg: "internal error"}
	}
	body := struct {
		*Error
		RetryAfterMS int64 `json:"retry_after_ms,omitempty"`
	}{Error: e}
	if e.RetryAfter > 0 {
		secs := int64((e.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
		body.RetryAfterMS = e.RetryAfter.Milliseconds()
		if body.RetryAfterMS == 0 {
			body.RetryAfterMS = 1
		}
	}
	if e.Status == http.StatusMethodNotAllowed && w.Header().Get("Allow") == "" {
		w.Header().Set("Allow", "GET, HEAD")
	}
	WriteJSON(w, e.Status, body)
}

// ReadBody reads a request body of at most limit bytes. A larger body is
// a 413 error; a body cut short by the client (or the read timeout) a
// 400.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, tooLarge(limit)
		}
		return nil, Errorf(http.StatusBadRequest, "bad_body", "cannot read the request body: %v", err)
	}
	return body, nil
}

func tooLarge(limit int64) *Error {
	return Errorf(http.StatusRequestEntityTooLarge, "body_too_large",
		"the request body is larger than the limit of %d bytes", limit)
}

// DecodeJSON reads a body of at most limit bytes and decodes it into v,
// which must be a pointer. Malformed JSON, a wrong type, or trailing data
// after the value are 400 errors that point at the byte offset.
func DecodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	if err := CheckJSONContentType(r); err != nil {
		return err
	}
	body, err := ReadBody(w, r, limit)
	if err != nil {
		return err
	}
	return Unmarshal(body, v)
}

// Unmarshal decodes one JSON value from body into v with the API's error
// messages: an empty body, malformed JSON, a wrong type, or data after
// the value are 400 errors that point at the byte offset.
func Unmarshal(body []byte, v any) error { return unmarshal(body, v, false) }

// UnmarshalNumbers is Unmarshal with numbers decoded as json.Number
// (exactly as written) when v holds an interface.
func UnmarshalNumbers(body []byte, v any) error { return unmarshal(body, v, true) }

func unmarshal(body []byte, v any, useNumber bool) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return Errorf(http.StatusBadRequest, "bad_json", "the request body is empty; send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if useNumber {
		dec.UseNumber()
	}
	if err := dec.Decode(v); err != nil {
		return JSONError(err)
	}
	// Decode stops after one value; anything but white space after it
	// (a second value, a stray bracket) makes the body invalid.
	if tok, err := dec.Token(); err != io.EOF {
		if err != nil {
			return Errorf(http.StatusBadRequest, "bad_json", "unexpected data after the JSON value at offset %d", dec.InputOffset())
		}
		return Errorf(http.StatusBadRequest, "bad_json", "unexpected data after the JSON value at offset %d (%v)", dec.InputOffset(), tok)
	}
	return nil
}

// JSONError turns an encoding/json error into a 400 with the offset.
func JSONError(err error) *Error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return Errorf(http.StatusBadRequest, "bad_json", "malformed JSON at byte %d: %v", se.Offset, se)
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "(top level)"
		}
		return Errorf(http.StatusBadRequest, "bad_json", "field %s: expected %v, got JSON %s (offset %d)", field, te.Type, te.Value, te.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return Errorf(http.StatusBadRequest, "bad_json", "the JSON body is truncated")
	}
	return Errorf(http.StatusBadRequest, "bad_json", "invalid JSON: %v", err)
}

// CheckJSONContentType accepts a missing Content-Type and the types
// clients send JSON with (application/json, text/plain, and the
// application/x-www-form-urlencoded of `curl -d`); it rejects bodies that
// are clearly something else (multipart uploads, images) with 415.
func CheckJSONContentType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	switch {
	case err != nil:
	case mt == "application/json", mt == "text/plain", mt == "application/x-www-form-urlencoded":
		return nil
	case strings.HasSuffix(mt, "+json"):
		return nil
	}
	return Errorf(http.StatusUnsupportedMediaType, "bad_content_type",
		"the request body must be JSON (Content-Type: application/json), not %q", ct)
}
