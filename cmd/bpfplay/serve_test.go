package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--log", "xml"}, "--log must be json or text"},
		{[]string{"serve", "extra"}, `unexpected argument "extra"`},
	}
	for _, tc := range tests {
		code, _, stderr := runCmd("", tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("bpfplay %v = %d, %q; want %d with %q", tc.args, code, stderr, exitUsage, tc.want)
		}
	}
}

// startServe runs `bpfplay serve` on a free loopback port until the
// returned function is called; it returns the base URL.
func startServe(t *testing.T, data string) (string, func() int) {
	t.Helper()
	var stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- serve(ctx, &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr},
			serveOptions{addr: "127.0.0.1:0", data: data, noNative: true, log: slog.New(slog.NewJSONHandler(&stderr, nil))})
	}()
	re := regexp.MustCompile(`serving the playground on (http://[0-9.:]+)/`)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			return m[1], func() int { cancel(); return <-done }
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d: %s", code, stderr.String())
		default:
		}
	}
	cancel()
	t.Fatalf("serve did not start: %s", stderr.String())
	return "", nil
}

// TestServe starts the command, stores a share, stops it gracefully,
// starts it again on the same --data and reads the share back.
func TestServe(t *testing.T) {
	data := t.TempDir()
	state := `{"source":"r0 = 2\nexit","dialect":"kernel","prog_type":"xdp"}`
	base, stop := startServe(t, data)
	resp, err := http.Post(base+"/api/share", "application/json", strings.NewReader(state))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// The id of this state, computed outside Go (see server/share).
	if resp.StatusCode != 201 || !strings.Contains(string(body), `"id":"o8ISJwCf-cQ"`) {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	resp, err = http.Get(base + "/api/capabilities")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"run":false`) || !strings.Contains(string(body), "--no-native") {
		t.Errorf("capabilities with --no-native: %s", body)
	}
	if code := stop(); code != exitOK {
		t.Fatalf("serve exited with %d after shutdown", code)
	}

	base, stop = startServe(t, data)
	defer stop()
	resp, err = http.Get(base + "/api/share/o8ISJwCf-cQ")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(bytes.TrimSpace(body)) != `{"dialect":"kernel","prog_type":"xdp","source":"r0 = 2\nexit"}` {
		t.Fatalf("after restart: %d %s", resp.StatusCode, body)
	}
}
