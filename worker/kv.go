//go:build js && wasm

package main

import (
	"context"
	"fmt"

	"github.com/syumai/workers/cloudflare/kv"

	"github.com/bpfplay/bpfplay/server/store"
)

// kvStore is a store.Store on a Workers KV namespace.
//
// KV is eventually consistent across Cloudflare's locations, and a write
// is acknowledged once the central store has it. Content-addressed ids
// make this safe: an entry never changes, so no reader can see an old
// version of it; a link opened elsewhere within the first minute may 404
// and work on reload.
type kvStore struct {
	ns *kv.Namespace
}

func openKV(binding string) (*kvStore, error) {
	ns, err := kv.NewNamespace(binding)
	if err != nil {
		return nil, fmt.Errorf("KV namespace %s: %w (is it bound in wrangler.toml?)", binding, err)
	}
	return &kvStore{ns: ns}, nil
}

// missing is what GetString returns for a key that does not exist: the
// JavaScript null, stringified by syscall/js. No stored state can be this
// string, since every state is a JSON object.
const missing = "<null>"

func (s *kvStore) Get(ctx context.Context, id string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := s.ns.GetString(id, nil)
	if err != nil {
		return nil, fmt.Errorf("KV get %s: %w", id, err)
	}
	if v == missing {
		return nil, store.ErrNotFound
	}
	return []byte(v), nil
}

func (s *kvStore) Put(ctx context.Context, id string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	old, err := s.Get(ctx, id)
	switch {
	case err == nil && string(old) == string(data):
		return nil
	case err == nil:
		return store.ErrConflict
	case err != store.ErrNotFound:
		return err
	}
	if err := s.ns.PutString(id, string(data), nil); err != nil {
		return fmt.Errorf("KV put %s: %w", id, err)
	}
	return nil
}
