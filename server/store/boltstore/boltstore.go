// Package boltstore is the server's default share store: one bbolt
// database file (go.etcd.io/bbolt) with one bucket, id -> state.
//
// Durability: bbolt commits a write transaction with fdatasync before
// Update/Batch return, so when Put returns nil the entry survives a
// crash or a kill -9 of the server. Concurrent Puts are grouped into one
// transaction (bbolt's Batch), which turns many fsyncs into one without
// weakening that guarantee: each Put still returns only after the commit
// that holds it is on disk.
package boltstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/bpfplay/bpfplay/server/store"
)

// FileName is the database's name inside the --data directory.
const FileName = "shares.db"

var bucket = []byte("shares")

// Store is a store.Store in a bbolt file.
type Store struct {
	db *bolt.DB
}

// Options tune the database. The zero value is the default.
type Options struct {
	// MaxBatchDelay is how long a Put waits for others to share its
	// commit (default 2 ms: short against an fsync, long enough to group
	// a burst).
	MaxBatchDelay time.Duration
	// NoSync disables fsync. Only for benchmarks that measure everything
	// but the disk; never in a server.
	NoSync bool
}

// Open opens (creating if needed) the database in dir/shares.db. A
// second process opening the same file waits up to a second for the
// lock, then fails with a clear error.
func Open(dir string, opt Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("share store: %w", err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: time.Second, NoSync: opt.NoSync})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("share store %s: locked by another process (is another bpfplay serve using --data %s?)", path, dir)
		}
		return nil, fmt.Errorf("share store %s: %w", path, err)
	}
	db.MaxBatchDelay = opt.MaxBatchDelay
	if db.MaxBatchDelay == 0 {
		db.MaxBatchDelay = 2 * time.Millisecond
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucket)
		return err
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("share store %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.db.Path() }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Put implements store.Store.
func (s *Store) Put(ctx context.Context, id string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// Fast path without a write transaction: the entry is already there
	// (the same program shared again).
	if old, err := s.Get(ctx, id); err == nil {
		if bytes.Equal(old, data) {
			return nil
		}
		return store.ErrConflict
	}
	// bbolt keeps the value slice until the commit; the caller may reuse
	// its buffer once we return, and Batch may run fn twice.
	data = bytes.Clone(data)
	if data == nil {
		data = []byte{}
	}
	return s.db.Batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		if old := b.Get([]byte(id)); old != nil {
			if bytes.Equal(old, data) {
				return nil
			}
			return store.ErrConflict
		}
		return b.Put([]byte(id), data)
	})
}

// Get implements store.Store.
func (s *Store) Get(ctx context.Context, id string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucket).Get([]byte(id))
		if v == nil {
			return store.ErrNotFound
		}
		out = bytes.Clone(v) // v is only valid inside the transaction
		if out == nil {
			out = []byte{}
		}
		return nil
	})
	return out, err
}

// Len returns the number of entries.
func (s *Store) Len() (int, error) {
	var n int
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucket).Stats().KeyN
		return nil
	})
	return n, err
}
