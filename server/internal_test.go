package server

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Unix(1000, 0)
	clock := func() time.Time { return now }
	l := newLimiter(Rate{PerSecond: 2, Burst: 3}, 2, clock)
	steps := []struct {
		advance time.Duration
		client  string
		ok      bool
		retry   time.Duration
	}{
		{0, "a", true, 0},
		{0, "a", true, 0},
		{0, "a", true, 0},
		{0, "a", false, 500 * time.Millisecond}, // burst spent; 2/s refills one in 0.5 s
		{250 * time.Millisecond, "a", false, 250 * time.Millisecond},
		{250 * time.Millisecond, "a", true, 0},
		{0, "b", true, 0}, // another client has its own bucket
		// The table holds 2 clients; a third shares the overflow bucket
		// while a and b are not full (no sweep can free them).
		{0, "c", true, 0},
		{0, "d", true, 0},
		{0, "e", true, 0},
		{0, "f", false, 500 * time.Millisecond},
		// Two seconds later a and b are full again and swept out: c gets
		// its own bucket.
		{2 * time.Second, "c", true, 0},
	}
	for i, st := range steps {
		now = now.Add(st.advance)
		ok, retry := l.allow(st.client)
		if ok != st.ok || retry != st.retry {
			t.Fatalf("step %d (%s): allow = %v, %v; want %v, %v", i, st.client, ok, retry, st.ok, st.retry)
		}
	}
	if _, found := l.clients["c"]; !found {
		t.Fatalf("c has no bucket after the sweep: %v", l.clients)
	}
}

func TestUnlimited(t *testing.T) {
	l := newLimiter(Rate{}, 1, time.Now)
	for i := range 1000 {
		if ok, _ := l.allow(fmt.Sprint(i)); !ok {
			t.Fatal("an unlimited limiter refused")
		}
	}
	if len(l.clients) != 0 {
		t.Fatal("an unlimited limiter keeps clients")
	}
}

func TestClientKey(t *testing.T) {
	tests := []struct {
		remote string
		xff    []string
		trust  bool
		want   string
	}{
		{"192.0.2.1:5000", nil, false, "192.0.2.1"},
		{"192.0.2.1:5000", []string{"203.0.113.9"}, false, "192.0.2.1"}, // not trusted: ignored
		{"192.0.2.1:5000", []string{"10.0.0.1, 203.0.113.9"}, true, "203.0.113.9"},
		{"192.0.2.1:5000", []string{"10.0.0.1", "203.0.113.9"}, true, "203.0.113.9"},
		{"[2001:db8:1:2:3:4:5:6]:443", nil, false, "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:ffff::1]:443", nil, false, "2001:db8:1:2::/64"},
		{"[::ffff:192.0.2.1]:80", nil, false, "192.0.2.1"},
		{"@", nil, false, "@"}, // unix socket or garbage: used as is
	}
	for _, tc := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		for _, v := range tc.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := clientKey(r, tc.trust); got != tc.want {
			t.Errorf("clientKey(%s, %v, trust=%v) = %s, want %s", tc.remote, tc.xff, tc.trust, got, tc.want)
		}
	}
}

func TestAcceptEncoding(t *testing.T) {
	tests := []struct {
		header   string
		br, gzip bool
	}{
		{"", false, false},
		{"gzip, deflate, br, zstd", true, true},
		{"gzip;q=1.0, br;q=0", false, true},
		{"BR", true, false},
		{"*", true, true},
		{"*;q=0, gzip", false, true},
		{"br;q=0.001", true, false},
		{"br;q=x", false, false},
		{" , ;q=1, gzip ; q=0.5 ", false, true},
	}
	for _, tc := range tests {
		ae := parseAcceptEncoding(tc.header)
		if ae.accepts("br") != tc.br || ae.accepts("gzip") != tc.gzip {
			t.Errorf("%q: br %v gzip %v, want %v %v", tc.header, ae.accepts("br"), ae.accepts("gzip"), tc.br, tc.gzip)
		}
	}
}

func TestQueue(t *testing.T) {
	q := newQueue(1, 1, 50*time.Millisecond)
	ctx := context.Background()
	rel, err := q.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// One may wait; it times out because the slot stays taken.
	done := make(chan error)
	go func() {
		_, err := q.acquire(ctx)
		done <- err
	}()
	for {
		if _, w := q.stats(); w == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	// A third finds the queue full at once.
	if _, err := q.acquire(ctx); !errors.Is(err, errQueueFull) {
		t.Fatalf("third acquire = %v, want errQueueFull", err)
	}
	if err := <-done; !errors.Is(err, errQueueTimeout) {
		t.Fatalf("waiter = %v, want errQueueTimeout", err)
	}
	// A canceled waiter leaves the queue.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := q.acquire(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled acquire = %v", err)
	}
	rel()
	rel2, err := q.acquire(ctx)
	if err != nil {
		t.Fatalf("acquire after release = %v", err)
	}
	rel2()
	if r, w := q.stats(); r != 0 || w != 0 {
		t.Fatalf("stats = %d running, %d waiting; want 0, 0", r, w)
	}
}
