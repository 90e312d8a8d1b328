// Package storetest is the behaviour every store.Store must have, as a
// test suite that each implementation runs against itself.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/bpfplay/bpfplay/server/store"
)

// Run checks the Store contract on a fresh, empty store.
func Run(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := []byte(`{"source":"r0 = 0\nexit","dialect":"kernel","prog_type":"xdp"}`)
	b := []byte(`{"source":"r0 = 1\nexit","dialect":"kernel","prog_type":"xdp"}`)

	steps := []struct {
		name    string
		put     bool
		id      string
		data    []byte
		wantErr error
		want    []byte
	}{
		{name: "get missing", id: "AAAAAAAAAAA", wantErr: store.ErrNotFound},
		{name: "put a", put: true, id: "aaaaaaaaaaa", data: a},
		{name: "get a", id: "aaaaaaaaaaa", want: a},
		{name: "put a again is a no-op", put: true, id: "aaaaaaaaaaa", data: a},
		{name: "put different data under a's id", put: true, id: "aaaaaaaaaaa", data: b, wantErr: store.ErrConflict},
		{name: "a unchanged after the conflict", id: "aaaaaaaaaaa", want: a},
		{name: "put b", put: true, id: "bbbbbbbbbbb", data: b},
		{name: "get b", id: "bbbbbbbbbbb", want: b},
		{name: "ids are case-sensitive", id: "AAAAAAAAAAa", wantErr: store.ErrNotFound},
		{name: "put empty data", put: true, id: "eeeeeeeeeee", data: []byte{}},
		{name: "get empty data", id: "eeeeeeeeeee", want: []byte{}},
	}
	for _, st := range steps {
		if st.put {
			err := s.Put(ctx, st.id, st.data)
			if !errors.Is(err, st.wantErr) {
				t.Fatalf("%s: Put(%s) = %v, want %v", st.name, st.id, err, st.wantErr)
			}
			continue
		}
		got, err := s.Get(ctx, st.id)
		if !errors.Is(err, st.wantErr) {
			t.Fatalf("%s: Get(%s) error = %v, want %v", st.name, st.id, err, st.wantErr)
		}
		if err == nil && !bytes.Equal(got, st.want) {
			t.Fatalf("%s: Get(%s) = %q, want %q", st.name, st.id, got, st.want)
		}
	}

	t.Run("returned slices are not aliased", func(t *testing.T) {
		data := []byte(`{"x":1}`)
		if err := s.Put(ctx, "alias000000", data); err != nil {
			t.Fatal(err)
		}
		data[2] = 'y'
		got, err := s.Get(ctx, "alias000000")
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != `{"x":1}` {
			t.Fatalf("the store kept the caller's slice: got %q", got)
		}
		got[2] = 'z'
		again, _ := s.Get(ctx, "alias000000")
		if string(again) != `{"x":1}` {
			t.Fatalf("Get returned the store's own slice: got %q after modifying a copy", again)
		}
	})

	t.Run("concurrent puts and gets", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 8 {
					id := fmt.Sprintf("c%02d%08d", w, i)
					data := []byte(id)
					if err := s.Put(ctx, id, data); err != nil {
						errs <- fmt.Errorf("Put(%s): %w", id, err)
						return
					}
					got, err := s.Get(ctx, id)
					if err != nil || !bytes.Equal(got, data) {
						errs <- fmt.Errorf("Get(%s) = %q, %v", id, got, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})

	t.Run("canceled context", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.Put(cctx, "cancel00000", []byte("x")); err == nil {
			t.Error("Put with a canceled context succeeded")
		}
		if _, err := s.Get(cctx, "aaaaaaaaaaa"); err == nil {
			t.Error("Get with a canceled context succeeded")
		}
	})
}
