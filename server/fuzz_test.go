package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/server"
	"github.com/bpfplay/bpfplay/server/store"
)

var fuzzPaths = []string{
	"/api/share", "/api/share/", "/api/share/o8ISJwCf-cQ", "/api/run", "/api/compile",
	"/api/capabilities", "/healthz", "/s/", "/", "/embed", "/assets/app-ABCD1234.js", "/api/",
}

var fuzzMethods = []string{"POST", "GET", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"}

var fuzzTypes = []string{"", "application/json", "text/plain", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "\x00"}

// FuzzAPI throws arbitrary requests at the handler: malformed and
// truncated JSON, bodies cut short by the client, huge bodies, odd
// methods, paths and content types, invalid programs (through the real
// core/load pipeline). The server must
// never panic and never answer 5xx, except 501 (feature off) and 503
// (busy); every API answer must be JSON.
//
//	go test ./server -run '^$' -fuzz FuzzAPI -fuzztime 60s -parallel 1
func FuzzAPI(f *testing.F) {
	seeds := []struct {
		path, method, ctype uint8
		suffix              string
		body                []byte
		cut                 int16
		repeat              uint16
	}{
		{0, 0, 1, "", []byte(state), -1, 1},
		{0, 0, 1, "", []byte(`{"source":1}`), -1, 1},
		{0, 0, 0, "", []byte(`{"source":"`), -1, 1},
		{0, 0, 0, "", []byte(`{"source":"x","dialect":"kernel","prog_type":"xdp","v":1}`), 20, 1},
		{0, 0, 0, "", []byte(`[`), -1, 60000},
		{2, 1, 0, "", nil, -1, 1},
		{1, 1, 0, "AAAAAAAAAAA", nil, -1, 1},
		{1, 1, 0, "%00%ff", nil, -1, 1},
		{3, 0, 1, "", []byte(`{"source":{"text":"r0 = 2\nexit"},"prog_type":"xdp"}`), -1, 1},
		{3, 0, 1, "", []byte(`{"source":{"insns":"zz"}}`), -1, 1},
		{3, 0, 1, "", []byte(`{"source":{"text":"` + strings.Repeat("r0 = 1\n", 100) + `"}}`), -1, 1000},
		{3, 0, 1, "", []byte(`null`), -1, 1},
		{4, 0, 1, "", []byte(`{"source":"int x;"}`), -1, 1},
		{7, 1, 0, "o8ISJwCf-cQ", nil, -1, 1},
		{8, 1, 0, "assets/../../x", nil, -1, 1},
	}
	for _, s := range seeds {
		f.Add(s.path, s.method, s.ctype, s.suffix, s.body, s.cut, s.repeat)
	}
	srv, err := server.New(server.Config{
		Site:   testSite(),
		Store:  store.NewMemory(),
		Runner: &server.Pipeline{Load: nativeByInterp}, // the real pipeline (interpreter for both halves)
		Limits: server.Limits{NoRateLimit: true},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, pathSel, methodSel, typeSel uint8, suffix string, body []byte, cut int16, repeat uint16) {
		path := fuzzPaths[int(pathSel)%len(fuzzPaths)] + suffix
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \t\r\n?#") || strings.Contains(path, "\x00") {
			return // not a request line net/http would accept
		}
		if _, err := url.ParseRequestURI(path); err != nil {
			return
		}
		method := fuzzMethods[int(methodSel)%len(fuzzMethods)]
		if repeat > 1 {
			body = bytes.Repeat(body, int(min(repeat, 2000)))
		}
		var r io.Reader = bytes.NewReader(body)
		if cut >= 0 && int(cut) < len(body) {
			r = &cutReader{data: body[:cut]} // the client hangs up mid-body
		}
		req := httptest.NewRequest(method, "http://bpfplay.test"+path, r)
		if ct := fuzzTypes[int(typeSel)%len(fuzzTypes)]; ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != 501 && rec.Code != 503 {
			t.Fatalf("%s %s (%d bytes) = %d: %s", method, path, len(body), rec.Code, rec.Body)
		}
		if strings.HasPrefix(req.URL.Path, "/api/") && rec.Code != 204 && (rec.Code < 300 || rec.Code >= 400) && method != "HEAD" && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s = %d with a non-JSON body: %q", method, path, rec.Code, rec.Body)
		}
	})
}

// cutReader returns its data, then fails as a dropped connection does.
type cutReader struct {
	data []byte
	off  int
}

func (c *cutReader) Read(p []byte) (int, error) {
	if c.off >= len(c.data) {
		return 0, io.ErrUnexpectedEOF
	}
	n := copy(p, c.data[c.off:])
	c.off += n
	return n, nil
}
