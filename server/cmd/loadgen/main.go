// Command loadgen is a bounded load generator for bpfplay's server, for
// loopback benchmarks. Every run stops by itself (after -d or -n), and it
// refuses targets that are not on this machine.
//
//	go run ./server/cmd/loadgen                       # the standard suite, in-process server
//	go run ./server/cmd/loadgen -url http://127.0.0.1:8080 -suite share
//	go run ./server/cmd/loadgen -mode get -c 64 -rate 2000 -d 10s
//
// Modes: create (POST /api/share, a new state each time), get (GET
// /api/share/{id} over a set of stored ids), run (POST /api/run with the
// run queue full: every request must be answered 200, or 503/429 with
// Retry-After; nothing may be lost). With -rate, requests are sent at a
// fixed rate (open loop) and latency counts from the scheduled send time,
// so a stalled server cannot hide its queueing (no coordinated omission);
// without, -c workers send back to back (closed loop).
//
// Without -url the server runs in this process on 127.0.0.1 with a bbolt
// store in a temporary directory (fsync on), rate limits off, and for
// -mode run the real pipeline (-runner pipeline, the default: verify,
// JIT, a native run in the sandboxed child process, an interpreter run),
// the native runner alone on the raw instructions (-runner native), or a
// stand-in that holds each run's slot for -runtime (-runner sleep).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bpfplay/bpfplay/core/load"
	"github.com/bpfplay/bpfplay/jit/native"
	"github.com/bpfplay/bpfplay/server"
	"github.com/bpfplay/bpfplay/server/store/boltstore"
)

type config struct {
	url     string
	mode    string
	suite   string
	c       int
	rate    float64
	d       time.Duration
	n       int64
	ids     int
	runtime time.Duration
	slots   int
	queue   int
	jsonOut bool
	runner  string
	noSync  bool
	warmup  time.Duration
}

func main() {
	var cfg config
	flag.StringVar(&cfg.url, "url", "", "server to load (loopback only); empty: an in-process server")
	flag.StringVar(&cfg.mode, "mode", "", "create, get or run (one measurement); empty: -suite")
	flag.StringVar(&cfg.suite, "suite", "all", "with no -mode: share (create+get at c=16,64 and get at 2000/s) or all (share + run)")
	flag.IntVar(&cfg.c, "c", 16, "concurrency (workers)")
	flag.Float64Var(&cfg.rate, "rate", 0, "requests per second (open loop); 0: closed loop, as fast as the workers go")
	flag.DurationVar(&cfg.d, "d", 5*time.Second, "duration of one measurement (bounded: at most 60s)")
	flag.Int64Var(&cfg.n, "n", 0, "stop after this many requests (0: only -d)")
	flag.IntVar(&cfg.ids, "ids", 1000, "stored states that get reads")
	flag.DurationVar(&cfg.runtime, "runtime", 50*time.Millisecond, "in-process server, -runner sleep: how long each run holds its slot")
	flag.StringVar(&cfg.runner, "runner", "pipeline", "in-process server: pipeline (server.Pipeline over core/load: verify, JIT, native run in a child process, interpreter run), native (jit/native alone on the raw instructions) or sleep (a stand-in holding the slot for -runtime)")
	flag.IntVar(&cfg.slots, "slots", 2, "in-process server: native run slots")
	flag.IntVar(&cfg.queue, "queue", 8, "in-process server: run queue length")
	flag.BoolVar(&cfg.jsonOut, "json", false, "print results as JSON lines")
	flag.BoolVar(&cfg.noSync, "nosync", false, "in-process server: bbolt without fsync (to see the disk's share of create latency)")
	flag.DurationVar(&cfg.warmup, "warmup", 500*time.Millisecond, "warm-up before each measurement (not counted)")
	flag.Parse()
	if cfg.d > time.Minute {
		cfg.d = time.Minute
	}
	if err := mainErr(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func mainErr(cfg config) error {
	base := cfg.url
	if base == "" {
		addr, stop, err := startServer(cfg)
		if err != nil {
			return err
		}
		defer stop()
		base = "http://" + addr
	} else if err := checkLoopback(base); err != nil {
		return err
	}
	base = strings.TrimSuffix(base, "/")
	fmt.Fprintf(os.Stderr, "loadgen: target %s, GOMAXPROCS %d, %s\n", base, runtime.GOMAXPROCS(0), loadavg())

	type plan struct {
		mode string
		c    int
		rate float64
	}
	var plans []plan
	switch {
	case cfg.mode != "":
		plans = []plan{{cfg.mode, cfg.c, cfg.rate}}
	case cfg.suite == "share" || cfg.suite == "all":
		plans = []plan{{"create", 16, 0}, {"create", 64, 0}, {"get", 16, 0}, {"get", 64, 0}, {"get", 16, 2000}, {"get", 64, 2000}}
		if cfg.suite == "all" {
			plans = append(plans, plan{"run", 32, 0})
		}
	default:
		return fmt.Errorf("unknown -suite %q", cfg.suite)
	}
	l := &loader{base: base, cfg: cfg, client: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0, DisableCompression: true},
	}}
	if !cfg.jsonOut {
		fmt.Printf("%-7s %4s %7s %8s %9s %8s %8s %8s %8s  %s\n", "mode", "c", "rate", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "statuses")
	}
	for _, p := range plans {
		r, err := l.measure(p.mode, p.c, p.rate)
		if err != nil {
			return err
		}
		r.print(cfg.jsonOut)
		if p.mode == "run" && r.lost > 0 {
			return fmt.Errorf("%d run requests got no valid answer", r.lost)
		}
	}
	fmt.Fprintf(os.Stderr, "loadgen: done, %s\n", loadavg())
	return nil
}

// checkLoopback refuses anything but this machine.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-url %s: only loopback targets (127.0.0.0/8, ::1, localhost) are allowed", raw)
	}
	return nil
}

// startServer runs a server in this process on a loopback port.
func startServer(cfg config) (string, func(), error) {
	dir, err := os.MkdirTemp("", "bpfplay-loadgen-")
	if err != nil {
		return "", nil, err
	}
	db, err := boltstore.Open(dir, boltstore.Options{NoSync: cfg.noSync})
	if err != nil {
		return "", nil, err
	}
	var runner server.Runner = sleepRunner{cfg.runtime}
	switch cfg.runner {
	case "pipeline":
		p := &server.Pipeline{Load: load.Load}
		if err := p.Probe(context.Background()); err != nil {
			return "", nil, fmt.Errorf("-runner pipeline: %w (use -runner sleep)", err)
		}
		runner = p
	case "sleep":
	case "native":
		if err := native.Available(); err != nil {
			return "", nil, fmt.Errorf("-runner native: %w (use -runner sleep)", err)
		}
		runner = nativeRunner{}
	default:
		return "", nil, fmt.Errorf("unknown -runner %q", cfg.runner)
	}
	srv, err := server.New(server.Config{
		Store:  db,
		Runner: runner,
		Limits: server.Limits{NoRateLimit: true, RunSlots: cfg.slots, RunQueue: cfg.queue, RunQueueWait: 2 * time.Second},
	})
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	hs := srv.HTTPServer("")
	go hs.Serve(ln)
	return ln.Addr().String(), func() {
		hs.Close()
		db.Close()
		os.RemoveAll(dir)
	}, nil
}

// sleepRunner stands in for the native runner: it holds a slot for a
// fixed time, as a short native run (fork, JIT, run, collect) would.
type sleepRunner struct{ d time.Duration }

func (s sleepRunner) Run(ctx context.Context, _ json.RawMessage) (*server.RunResult, error) {
	select {
	case <-time.After(s.d):
		return &server.RunResult{Native: map[string]any{"retval": 0}, NativeNS: s.d.Nanoseconds()}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// nativeRunner runs source.insns natively through the JIT's sandboxed
// runner (jit/native): a child process per run, as /api/run will once
// core/load drives it.
type nativeRunner struct{}

func (nativeRunner) Run(ctx context.Context, raw json.RawMessage) (*server.RunResult, error) {
	var req load.Request
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	t0 := time.Now()
	res, err := native.Run(ctx, &native.Request{Insns: req.Source.Insns, Limits: native.Limits{WallTime: 5 * time.Second}})
	if err != nil {
		return nil, err
	}
	return &server.RunResult{Native: map[string]any{"r0": res.R0}, NativeNS: time.Since(t0).Nanoseconds()}, nil
}

type loader struct {
	base   string
	cfg    config
	client *http.Client
	seq    atomic.Int64
	ids    []string
}

type result struct {
	Mode       string         `json:"mode"`
	C          int            `json:"c"`
	Rate       float64        `json:"rate"`
	Requests   int            `json:"requests"`
	RPS        float64        `json:"rps"`
	P50        float64        `json:"p50_ms"`
	P90        float64        `json:"p90_ms"`
	P99        float64        `json:"p99_ms"`
	Max        float64        `json:"max_ms"`
	Statuses   map[string]int `json:"statuses"`
	RetryAfter int            `json:"rejected_with_retry_after"`
	lost       int
}

func (r result) print(asJSON bool) {
	if asJSON {
		b, _ := json.Marshal(r)
		fmt.Println(string(b))
		return
	}
	keys := make([]string, 0, len(r.Statuses))
	for k := range r.Statuses {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var st []string
	for _, k := range keys {
		st = append(st, fmt.Sprintf("%s:%d", k, r.Statuses[k]))
	}
	rate := "max"
	if r.Rate > 0 {
		rate = fmt.Sprintf("%.0f/s", r.Rate)
	}
	extra := ""
	if r.Mode == "run" {
		extra = fmt.Sprintf(" (%d rejections, all with Retry-After: %v; lost: %d)", r.Statuses["503"]+r.Statuses["429"], r.RetryAfter == r.Statuses["503"]+r.Statuses["429"], r.lost)
	}
	fmt.Printf("%-7s %4d %7s %8d %9.0f %8.2f %8.2f %8.2f %8.2f  %s%s\n", r.Mode, r.C, rate, r.Requests, r.RPS, r.P50, r.P90, r.P99, r.Max, strings.Join(st, " "), extra)
}

// request builds one request of the mode.
func (l *loader) request(mode string) (*http.Request, error) {
	switch mode {
	case "create":
		n := l.seq.Add(1)
		body := fmt.Sprintf(`{"v":1,"source":"r0 = %d\nexit","dialect":"kernel","prog_type":"xdp","run":{"data":"%x"}}`, n, time.Now().UnixNano())
		r, err := http.NewRequest("POST", l.base+"/api/share", strings.NewReader(body))
		if err == nil {
			r.Header.Set("Content-Type", "application/json")
		}
		return r, err
	case "get":
		id := l.ids[int(l.seq.Add(1))%len(l.ids)]
		return http.NewRequest("GET", l.base+"/api/share/"+id, nil)
	case "run":
		r, err := http.NewRequest("POST", l.base+"/api/run", strings.NewReader(l.runBody()))
		if err == nil {
			r.Header.Set("Content-Type", "application/json")
		}
		return r, err
	}
	return nil, fmt.Errorf("unknown mode %q", mode)
}

// runBody is the /api/run request: the program as text for the
// pipeline; the native runner alone reads the same program's raw slots.
func (l *loader) runBody() string {
	if l.cfg.runner == "native" {
		return `{"source":{"insns":"b700000002000000 9500000000000000"},"run":{"data":"00"}}`
	}
	return `{"source":{"text":"r0 = 2\nexit"},"prog_type":"xdp","run":{"data":"` + strings.Repeat("00", 64) + `"}}`
}

// seed stores the states that get reads.
func (l *loader) seed() error {
	if len(l.ids) >= l.cfg.ids {
		return nil
	}
	for len(l.ids) < l.cfg.ids {
		req, err := l.request("create")
		if err != nil {
			return err
		}
		resp, err := l.client.Do(req)
		if err != nil {
			return err
		}
		var c struct{ ID string }
		err = json.NewDecoder(resp.Body).Decode(&c)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 201 {
			return fmt.Errorf("seeding: status %d, %v", resp.StatusCode, err)
		}
		l.ids = append(l.ids, c.ID)
	}
	return nil
}

type sample struct {
	lat    time.Duration
	status int
	retry  bool
	err    bool
}

func (l *loader) one(mode string) sample {
	req, err := l.request(mode)
	if err != nil {
		return sample{err: true}
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return sample{err: true}
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return sample{status: resp.StatusCode, retry: resp.Header.Get("Retry-After") != ""}
}

func (l *loader) measure(mode string, c int, rate float64) (result, error) {
	if mode == "get" {
		if err := l.seed(); err != nil {
			return result{}, err
		}
	}
	if l.cfg.warmup > 0 {
		l.drive(mode, c, rate, l.cfg.warmup, 0)
	}
	samples, elapsed := l.drive(mode, c, rate, l.cfg.d, l.cfg.n)
	r := result{Mode: mode, C: c, Rate: rate, Requests: len(samples), Statuses: map[string]int{}}
	lats := make([]time.Duration, 0, len(samples))
	for _, s := range samples {
		lats = append(lats, s.lat)
		switch {
		case s.err:
			r.Statuses["conn-error"]++
		default:
			r.Statuses[fmt.Sprint(s.status)]++
		}
		if (s.status == 503 || s.status == 429) && s.retry {
			r.RetryAfter++
		}
		// A run request is lost when it got no answer, or an answer that
		// is neither a result nor an honest "come back later".
		answered := s.status == 200 || ((s.status == 503 || s.status == 429) && s.retry)
		if mode == "run" && (s.err || !answered) {
			r.lost++
		}
	}
	slices.Sort(lats)
	ms := func(q float64) float64 {
		if len(lats) == 0 {
			return 0
		}
		i := min(int(q*float64(len(lats))), len(lats)-1)
		return float64(lats[i].Microseconds()) / 1000
	}
	r.P50, r.P90, r.P99 = ms(0.50), ms(0.90), ms(0.99)
	if len(lats) > 0 {
		r.Max = float64(lats[len(lats)-1].Microseconds()) / 1000
	}
	r.RPS = float64(len(samples)) / elapsed.Seconds()
	return r, nil
}

// drive sends requests for d (or n requests) and returns the samples.
func (l *loader) drive(mode string, c int, rate float64, d time.Duration, n int64) ([]sample, time.Duration) {
	var (
		mu      sync.Mutex
		samples []sample
		sent    atomic.Int64
		wg      sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(d)
	record := func(s sample) {
		mu.Lock()
		samples = append(samples, s)
		mu.Unlock()
	}
	more := func() bool {
		if time.Now().After(deadline) {
			return false
		}
		return n == 0 || sent.Add(1) <= n
	}
	if rate <= 0 {
		for range c {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for more() {
					t0 := time.Now()
					s := l.one(mode)
					s.lat = time.Since(t0)
					record(s)
				}
			}()
		}
		wg.Wait()
		return samples, time.Since(start)
	}
	// Open loop: a ticker schedules sends; c workers take them. A send
	// that waits for a free worker counts its wait as latency.
	interval := time.Duration(float64(time.Second) / rate)
	jobs := make(chan time.Time, 100000)
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for due := range jobs {
				if wait := time.Until(due); wait > 0 {
					time.Sleep(wait)
				}
				s := l.one(mode)
				s.lat = time.Since(due)
				record(s)
			}
		}()
	}
	for i := 0; ; i++ {
		due := start.Add(time.Duration(i) * interval)
		if due.After(deadline) || (n > 0 && int64(i) >= n) {
			break
		}
		jobs <- due
	}
	close(jobs)
	wg.Wait()
	return samples, time.Since(start)
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load average unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "load average unknown"
	}
	return "load average " + strings.Join(f[:3], " ")
}
