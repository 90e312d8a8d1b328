// Package store defines where share links live: a Store maps a
// content-addressed id to the bytes of a playground state. Because ids
// are hashes of the content, a stored entry never changes; putting the
// same entry twice is a no-op, and putting different bytes under an
// existing id (a hash collision, or a bug) is refused.
//
// Three implementations: Memory (tests, and `bpfplay serve` without
// --data), boltstore (a single-file bbolt database, the server's default)
// and the Workers KV store in worker/.
package store

//go:generate go tool mockgen -typed -source=store.go -destination=mockstore/mockstore.go -package=mockstore

import (
	"bytes"
	"context"
	"errors"
	"sync"
)

// Store keeps share entries. Implementations are safe for concurrent use.
type Store interface {
	// Put stores data under id. When Put returns nil the entry is
	// durable (for a database: on disk, fsync'd) and Get returns it.
	// Putting identical data under an existing id returns nil;
	// different data returns ErrConflict.
	Put(ctx context.Context, id string, data []byte) error
	// Get returns the data stored under id, or ErrNotFound.
	Get(ctx context.Context, id string) ([]byte, error)
}

var (
	// ErrNotFound: no entry under that id.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: the id holds different data.
	ErrConflict = errors.New("store: id already holds different data")
)

// Memory is a Store in a map, for tests and for servers that need no
// persistence. The zero value is ready to use.
type Memory struct {
	mu sync.RWMutex
	m  map[string][]byte
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory { return &Memory{} }

// Put implements Store.
func (s *Memory) Put(ctx context.Context, id string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.m[id]; ok {
		if bytes.Equal(old, data) {
			return nil
		}
		return ErrConflict
	}
	if s.m == nil {
		s.m = make(map[string][]byte)
	}
	s.m[id] = bytes.Clone(data)
	return nil
}

// Get implements Store.
func (s *Memory) Get(ctx context.Context, id string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	data, ok := s.m[id]
	if !ok {
		return nil, ErrNotFound
	}
	return bytes.Clone(data), nil
}

// Len returns the number of entries.
func (s *Memory) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.m)
}
