package server

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Rate is a token bucket: Burst requests at once, then PerSecond. The
// zero Rate means no limit.
type Rate struct {
	PerSecond float64
	Burst     int
}

func (r Rate) unlimited() bool { return r.PerSecond <= 0 }

// limiter is one token bucket per client for one class of requests. The
// table of clients is bounded: buckets that have refilled completely carry
// no information and are dropped in sweeps; if the table is still full,
// new clients share one overflow bucket (a flood of spoofed addresses then
// limits itself instead of eating memory).
type limiter struct {
	rate    Rate
	max     int
	now     func() time.Time
	mu      sync.Mutex
	clients map[string]*bucket
	over    bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(r Rate, maxClients int, now func() time.Time) *limiter {
	return &limiter{rate: r, max: maxClients, now: now, clients: map[string]*bucket{}}
}

// allow takes a token for client. When none is left it returns how long
// until one is.
func (l *limiter) allow(client string) (ok bool, retryAfter time.Duration) {
	if l.rate.unlimited() {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, found := l.clients[client]
	if !found {
		if len(l.clients) >= l.max {
			l.sweep(now)
		}
		if len(l.clients) >= l.max {
			b = &l.over
		} else {
			b = &bucket{tokens: float64(l.rate.Burst), last: now}
			l.clients[client] = b
		}
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate.PerSecond * float64(time.Second))
	return false, max(wait, time.Millisecond)
}

func (l *limiter) refill(b *bucket, now time.Time) {
	if b.last.IsZero() {
		b.tokens, b.last = float64(l.rate.Burst), now
		return
	}
	if dt := now.Sub(b.last).Seconds(); dt > 0 {
		b.tokens = math.Min(float64(l.rate.Burst), b.tokens+dt*l.rate.PerSecond)
		b.last = now
	}
}

// sweep drops full buckets, at most once a second.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Second {
		return
	}
	l.swept = now
	for k, b := range l.clients {
		l.refill(b, now)
		if b.tokens >= float64(l.rate.Burst) {
			delete(l.clients, k)
		}
	}
}

// clientKey names the client a request counts against: its IP address,
// an IPv6 address by its /64 (one host usually owns a whole /64). Behind
// a reverse proxy (trustProxy) the address is the last entry of
// X-Forwarded-For, the one our own proxy appended.
func clientKey(r *http.Request, trustProxy bool) string {
	host := r.RemoteAddr
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			host = strings.TrimSpace(last)
		}
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	addr = addr.Unmap()
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}
