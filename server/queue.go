package server

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// queue caps how many expensive jobs (native runs, clang) run at once.
// Up to slots jobs run; up to waiters more wait (at most maxWait each) for
// a slot; anyone beyond is turned away at once. Turning away early keeps
// latency bounded: a request that would wait longer than maxWait is told
// to come back instead of holding a connection.
type queue struct {
	slots   chan struct{}
	waiters int64
	maxWait time.Duration
	waiting atomic.Int64
	running atomic.Int64
}

var (
	errQueueFull    = errors.New("queue full")
	errQueueTimeout = errors.New("queue wait timed out")
)

func newQueue(slots, waiters int, maxWait time.Duration) *queue {
	return &queue{slots: make(chan struct{}, max(slots, 1)), waiters: int64(waiters), maxWait: maxWait}
}

// acquire takes a slot; release it with the returned function.
func (q *queue) acquire(ctx context.Context) (release func(), err error) {
	select {
	case q.slots <- struct{}{}:
		return q.take(), nil
	default:
	}
	if q.waiting.Add(1) > q.waiters {
		q.waiting.Add(-1)
		return nil, errQueueFull
	}
	defer q.waiting.Add(-1)
	t := time.NewTimer(q.maxWait)
	defer t.Stop()
	select {
	case q.slots <- struct{}{}:
		return q.take(), nil
	case <-t.C:
		return nil, errQueueTimeout
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (q *queue) take() func() {
	q.running.Add(1)
	return func() {
		q.running.Add(-1)
		<-q.slots
	}
}

// stats returns how many jobs run and wait now.
func (q *queue) stats() (running, waiting int64) {
	return q.running.Load(), q.waiting.Load()
}
