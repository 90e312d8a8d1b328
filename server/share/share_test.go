package share_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/mock/gomock"

	"github.com/bpfplay/bpfplay/server/api"
	"github.com/bpfplay/bpfplay/server/share"
	"github.com/bpfplay/bpfplay/server/store"
	"github.com/bpfplay/bpfplay/server/store/mockstore"
)

func TestCanonical(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     string // canonical form
		status   int    // error status when want is empty
		errMatch string
	}{
		{
			name: "keys sorted, white space dropped",
			in:   "{ \"source\": \"r0 = 2\\nexit\",\n \"prog_type\": \"xdp\", \"dialect\": \"kernel\" }",
			want: `{"dialect":"kernel","prog_type":"xdp","source":"r0 = 2\nexit"}`,
		},
		{
			name: "nested values kept, numbers as written, no HTML escaping",
			in:   `{"source":"<&>","prog_type":"socket_filter","dialect":"cbpf","a":[1,2.50,{"z":null,"y":true}]}`,
			want: `{"a":[1,2.50,{"y":true,"z":null}],"dialect":"cbpf","prog_type":"socket_filter","source":"<&>"}`,
		},
		{
			name: "unicode escapes decoded",
			in:   `{"source":"\u00e9\u2028","prog_type":"xdp","dialect":"kernel"}`,
			want: "{\"dialect\":\"kernel\",\"prog_type\":\"xdp\",\"source\":\"é\\u2028\"}",
		},
		{name: "empty body", in: "", status: 400, errMatch: "empty"},
		{name: "white space only", in: " \n\t", status: 400, errMatch: "empty"},
		{name: "truncated", in: `{"source":"r0`, status: 400, errMatch: "truncated"},
		{name: "malformed", in: `{"source":}`, status: 400, errMatch: "at byte 11"},
		{name: "trailing value", in: `{"source":"","dialect":"kernel","prog_type":"xdp"} {}`, status: 400, errMatch: "after the JSON value"},
		{name: "trailing bracket", in: `{"source":"","dialect":"kernel","prog_type":"xdp"}]`, status: 400, errMatch: "after the JSON value"},
		{name: "invalid UTF-8", in: "{\"source\":\"\xff\",\"dialect\":\"kernel\",\"prog_type\":\"xdp\"}", status: 400, errMatch: "UTF-8"},
		{name: "array", in: `[1,2]`, status: 422, errMatch: "not an array"},
		{name: "null", in: `null`, status: 422, errMatch: "not null"},
		{name: "string", in: `"x"`, status: 422, errMatch: "JSON object"},
		{name: "no source", in: `{"dialect":"kernel","prog_type":"xdp"}`, status: 422, errMatch: `no "source"`},
		{name: "source not a string", in: `{"source":1,"dialect":"kernel","prog_type":"xdp"}`, status: 422, errMatch: `"source" must be a string, not a number`},
		{name: "no dialect", in: `{"source":"","prog_type":"xdp"}`, status: 422, errMatch: `no "dialect"`},
		{name: "empty dialect", in: `{"source":"","dialect":"","prog_type":"xdp"}`, status: 422, errMatch: `"dialect" is ""`},
		{name: "dialect with spaces", in: `{"source":"","dialect":"a b","prog_type":"xdp"}`, status: 422, errMatch: `must match`},
		{name: "prog_type null", in: `{"source":"","dialect":"kernel","prog_type":null}`, status: 422, errMatch: `not null`},
		{name: "prog_type upper case", in: `{"source":"","dialect":"kernel","prog_type":"XDP"}`, status: 422, errMatch: `must match`},
		{name: "too deep", in: strings.Repeat("[", 20000) + strings.Repeat("]", 20000), status: 400, errMatch: "depth"},
		{name: "too large", in: `{"source":"` + strings.Repeat("x", share.MaxStateSize) + `","dialect":"kernel","prog_type":"xdp"}`, status: 413, errMatch: "limit is 65536"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := share.Canonical([]byte(tc.in))
			if tc.want != "" {
				if err != nil {
					t.Fatalf("Canonical: %v", err)
				}
				if string(got) != tc.want {
					t.Fatalf("Canonical =\n%s\nwant\n%s", got, tc.want)
				}
				return
			}
			var e *api.Error
			if !errors.As(err, &e) {
				t.Fatalf("Canonical = %q, %v; want an *api.Error with status %d", got, err, tc.status)
			}
			if e.Status != tc.status || !strings.Contains(e.Msg, tc.errMatch) {
				t.Fatalf("error = %d %q, want %d containing %q", e.Status, e.Msg, tc.status, tc.errMatch)
			}
		})
	}
}

// The expected ids were computed outside Go:
//
//	printf '%s' "$canonical" | sha256sum | cut -c1-16 | xxd -r -p | base64 | tr '+/' '-_' | tr -d =
//
// (cut -c1-32 for the long form).
func TestIDs(t *testing.T) {
	tests := []struct{ canonical, short, long string }{
		{`{"dialect":"kernel","prog_type":"xdp","source":"r0 = 2\nexit"}`, "o8ISJwCf-cQ", "o8ISJwCf-cR-LMmaK8G4vQ"},
		{`{"a":[1,2.50,{"z":null,"y":true}],"dialect":"cbpf","prog_type":"socket_filter","source":"<&>"}`, "67JF5rzLO9o", "67JF5rzLO9r4mGEcOBuUzQ"},
	}
	for _, tc := range tests {
		short, long := share.IDs([]byte(tc.canonical))
		if short != tc.short || long != tc.long {
			t.Errorf("IDs(%s) = %s, %s; want %s, %s", tc.canonical, short, long, tc.short, tc.long)
		}
		if !share.ValidID(short) || !share.ValidID(long) {
			t.Errorf("ValidID rejects the ids it made: %s %s", short, long)
		}
	}
}

func TestValidID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"o8ISJwCf-cQ", true},
		{"o8ISJwCf-cR-LMmaK8G4vQ", true},
		{"AAAAAAAAAAA", true},
		{"o8ISJwCf-cR", false}, // spare bits of the last character set
		{"o8ISJwCf+cQ", false}, // not base64url
		{"o8ISJwCf/cQ", false},
		{"o8ISJwCf-c", false},
		{"o8ISJwCf-cQ=", false},
		{"", false},
		{"../../etc/x", false},
		{"o8ISJwCf-cQAAAAAAAAAAAA", false},
	}
	for _, tc := range tests {
		if got := share.ValidID(tc.id); got != tc.want {
			t.Errorf("ValidID(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

const state = `{"source":"r0 = 2\nexit","dialect":"kernel","prog_type":"xdp"}`
const canon = `{"dialect":"kernel","prog_type":"xdp","source":"r0 = 2\nexit"}`

func TestHandlers(t *testing.T) {
	type call struct {
		put  bool
		id   string
		data string
		err  error
		ret  string
	}
	tests := []struct {
		name        string
		method      string
		path        string
		body        string
		contentType string
		calls       []call // expected store calls, in order
		status      int
		wantBody    string // substring
		wantHeader  map[string]string
	}{
		{
			name: "create", method: "POST", path: "/api/share", body: state, contentType: "application/json",
			calls:  []call{{put: true, id: "o8ISJwCf-cQ", data: canon}},
			status: 201, wantBody: `{"id":"o8ISJwCf-cQ","url":"/s/o8ISJwCf-cQ"}`,
			wantHeader: map[string]string{"Location": "/api/share/o8ISJwCf-cQ"},
		},
		{
			name: "create after a 64-bit collision uses the long id", method: "POST", path: "/api/share", body: state,
			calls: []call{
				{put: true, id: "o8ISJwCf-cQ", data: canon, err: store.ErrConflict},
				{put: true, id: "o8ISJwCf-cR-LMmaK8G4vQ", data: canon},
			},
			status: 201, wantBody: `"url":"/s/o8ISJwCf-cR-LMmaK8G4vQ"`,
		},
		{
			name: "create with a failing store is a 500 without details", method: "POST", path: "/api/share", body: state,
			calls:  []call{{put: true, id: "o8ISJwCf-cQ", data: canon, err: errors.New("disk on fire")}},
			status: 500, wantBody: `{"code":"internal","error":"internal error"}`,
		},
		{name: "create with malformed JSON", method: "POST", path: "/api/share", body: `{`, status: 400, wantBody: `"code":"bad_json"`},
		{name: "create without source", method: "POST", path: "/api/share", body: `{"dialect":"kernel","prog_type":"xdp"}`, status: 422, wantBody: `"code":"bad_state"`},
		{name: "create too large", method: "POST", path: "/api/share", body: strings.Repeat(" ", share.MaxStateSize+1), status: 413, wantBody: `"code":"body_too_large"`},
		{name: "create as multipart", method: "POST", path: "/api/share", body: state, contentType: "multipart/form-data; boundary=x", status: 415, wantBody: `"code":"bad_content_type"`},
		{
			name: "get", method: "GET", path: "/api/share/o8ISJwCf-cQ",
			calls:  []call{{id: "o8ISJwCf-cQ", ret: canon}},
			status: 200, wantBody: canon,
			wantHeader: map[string]string{"Cache-Control": "public, max-age=31536000, immutable", "ETag": `"o8ISJwCf-cQ"`, "Content-Type": "application/json; charset=utf-8"},
		},
		{
			name: "get unknown", method: "GET", path: "/api/share/AAAAAAAAAAA",
			calls:  []call{{id: "AAAAAAAAAAA", err: store.ErrNotFound}},
			status: 404, wantBody: `"code":"not_found"`,
		},
		{name: "get malformed id", method: "GET", path: "/api/share/nope", status: 400, wantBody: `"code":"bad_id"`},
		{name: "get revalidation", method: "GET", path: "/api/share/o8ISJwCf-cQ", status: 304, wantHeader: map[string]string{"ETag": `"o8ISJwCf-cQ"`}},
		{
			name: "get with a failing store is a 500", method: "GET", path: "/api/share/o8ISJwCf-cQ",
			calls:  []call{{id: "o8ISJwCf-cQ", err: errors.New("i/o error")}},
			status: 500, wantBody: `"code":"internal"`,
		},
		{name: "wrong method", method: "DELETE", path: "/api/share/o8ISJwCf-cQ", status: 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctrl := gomock.NewController(t)
			ms := mockstore.NewMockStore(ctrl)
			var order []any
			for _, c := range tc.calls {
				if c.put {
					order = append(order, ms.EXPECT().Put(gomock.Any(), c.id, []byte(c.data)).Return(c.err).Call)
				} else {
					var ret []byte
					if c.ret != "" {
						ret = []byte(c.ret)
					}
					order = append(order, ms.EXPECT().Get(gomock.Any(), c.id).Return(ret, c.err).Call)
				}
			}
			if len(order) > 1 {
				calls := make([]any, len(order))
				copy(calls, order)
				gomock.InOrder(calls...)
			}
			mux := http.NewServeMux()
			(&share.Service{Store: ms}).Register(mux)
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			if tc.status == 304 {
				req.Header.Set("If-None-Match", `"o8ISJwCf-cQ"`)
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tc.status, rec.Body)
			}
			if !strings.Contains(rec.Body.String(), tc.wantBody) {
				t.Errorf("body = %s, want it to contain %s", rec.Body, tc.wantBody)
			}
			for k, v := range tc.wantHeader {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestSameStateSameLink(t *testing.T) {
	s := &share.Service{Store: store.NewMemory()}
	ctx := context.Background()
	a, err := s.Create(ctx, []byte(state))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Create(ctx, []byte("{\"prog_type\":\"xdp\",\n\"dialect\":\"kernel\",\"source\":\"r0 = 2\\nexit\"}"))
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatalf("two spellings of one state got two links: %v and %v", a, b)
	}
	got, err := s.Get(ctx, a.ID)
	if err != nil || string(got) != canon {
		t.Fatalf("Get = %s, %v; want %s", got, err, canon)
	}
}
