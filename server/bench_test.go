package server_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/server"
	"github.com/bpfplay/bpfplay/server/store"
	"github.com/bpfplay/bpfplay/server/store/boltstore"
)

// The handler's own cost per request, without the network (the loopback
// figures come from server/cmd/loadgen):
//
//	go test ./server -run '^$' -bench . -benchtime 2s
func BenchmarkShare(b *testing.B) {
	stores := map[string]func(b *testing.B) store.Store{
		"memory": func(b *testing.B) store.Store { return store.NewMemory() },
		"bolt": func(b *testing.B) store.Store {
			s, err := boltstore.Open(b.TempDir(), boltstore.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		},
	}
	for _, name := range []string{"memory", "bolt"} {
		srv, err := server.New(server.Config{Store: stores[name](b), Limits: server.Limits{NoRateLimit: true}})
		if err != nil {
			b.Fatal(err)
		}
		b.Run("get/"+name, func(b *testing.B) {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest("POST", "/api/share", strings.NewReader(state)))
			if rec.Code != 201 {
				b.Fatal(rec.Body)
			}
			for b.Loop() {
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, httptest.NewRequest("GET", "/api/share/"+stateID, nil))
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
		b.Run("create/"+name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				body := fmt.Sprintf(`{"source":"r0 = %d\nexit","dialect":"kernel","prog_type":"xdp"}`, i)
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, httptest.NewRequest("POST", "/api/share", strings.NewReader(body)))
				if rec.Code != 201 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
