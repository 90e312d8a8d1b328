package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bpfplay/bpfplay/server"
	"github.com/bpfplay/bpfplay/server/share"
	"github.com/bpfplay/bpfplay/server/store/boltstore"
)

const helperEnv = "BPFPLAY_TEST_SERVER_DIR"

// TestMain doubles as the server process of TestDurabilityKill9: with
// helperEnv set, this test binary serves a bbolt-backed server until it
// is killed, instead of running tests.
func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		helperServer(dir)
	}
	os.Exit(m.Run())
}

func helperServer(dir string) {
	db, err := boltstore.Open(dir, boltstore.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	srv, err := server.New(server.Config{Store: db, Limits: server.Limits{NoRateLimit: true}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	// Publish the address atomically: write, then rename.
	tmp := filepath.Join(dir, "addr.tmp")
	os.WriteFile(tmp, []byte(ln.Addr().String()), 0o644)
	os.Rename(tmp, filepath.Join(dir, "addr"))
	srv.HTTPServer("").Serve(ln)
	os.Exit(0)
}

type helper struct {
	cmd  *exec.Cmd
	addr string
}

func startHelper(t *testing.T, dir string) *helper {
	t.Helper()
	os.Remove(filepath.Join(dir, "addr"))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(filepath.Join(dir, "addr")); err == nil {
			return &helper{cmd: cmd, addr: string(b)}
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatal("the helper server did not start")
	return nil
}

// TestDurabilityKill9: a server under a stream of share requests is
// killed with SIGKILL; after a restart on the same database, every id it
// acknowledged (201) reads back byte for byte. Requests in flight at the
// kill (sent, no answer) may or may not have been stored; the test
// reports how many there were and how many survived. Three rounds.
func TestDurabilityKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts server processes; run without -short")
	}
	dir := t.TempDir()
	type entry struct{ id, canon string }
	var (
		mu    sync.Mutex
		acked []entry
	)
	var seq atomic.Int64
	totalInFlight, totalInFlightStored := 0, 0
	const workers = 16
	for round := range 3 {
		h := startHelper(t, dir)
		client := &http.Client{Timeout: 10 * time.Second}
		var inFlightMu sync.Mutex
		var inFlight []string // canonical states sent but not acknowledged
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		var roundAcks atomic.Int64
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					n := seq.Add(1)
					body := fmt.Sprintf(`{"source":"r0 = %d\nexit","dialect":"kernel","prog_type":"xdp","v":1,"pad":%q}`, n, strings.Repeat("x", int(n%500)))
					c, err := share.Canonical([]byte(body))
					if err != nil {
						t.Error(err)
						return
					}
					resp, err := client.Post("http://"+h.addr+"/api/share", "application/json", strings.NewReader(body))
					if err != nil {
						inFlightMu.Lock()
						inFlight = append(inFlight, string(c))
						inFlightMu.Unlock()
						return // the server is gone
					}
					var cr share.Created
					err = json.NewDecoder(resp.Body).Decode(&cr)
					resp.Body.Close()
					if err != nil || resp.StatusCode != 201 {
						inFlightMu.Lock()
						inFlight = append(inFlight, string(c))
						inFlightMu.Unlock()
						return
					}
					mu.Lock()
					acked = append(acked, entry{cr.ID, string(c)})
					mu.Unlock()
					roundAcks.Add(1)
				}
			}()
		}
		// Let the stream run, then kill at an arbitrary moment.
		time.Sleep(time.Duration(700+300*round) * time.Millisecond)
		if err := h.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		h.cmd.Wait()
		stop()
		wg.Wait()

		// Restart and read everything back.
		h2 := startHelper(t, dir)
		mu.Lock()
		all := append([]entry(nil), acked...)
		mu.Unlock()
		lost := 0
		for _, e := range all {
			got, code := get(t, client, h2.addr, e.id)
			if code != 200 || got != e.canon {
				lost++
				if lost < 5 {
					t.Errorf("acknowledged %s reads back %d %q, want %q", e.id, code, got, e.canon)
				}
			}
		}
		stored := 0
		for _, c := range inFlight {
			id, _ := share.IDs([]byte(c))
			if got, code := get(t, client, h2.addr, id); code == 200 && got == c {
				stored++
			}
		}
		totalInFlight += len(inFlight)
		totalInFlightStored += stored
		t.Logf("round %d: %d acknowledged this round, %d in total all read back (%d lost); %d in flight at the kill, %d of them stored",
			round+1, roundAcks.Load(), len(all), lost, len(inFlight), stored)
		if lost > 0 {
			t.Fatalf("round %d: %d acknowledged shares lost", round+1, lost)
		}
		h2.cmd.Process.Signal(syscall.SIGKILL)
		h2.cmd.Wait()
		if roundAcks.Load() == 0 {
			t.Fatalf("round %d: no request was acknowledged before the kill", round+1)
		}
	}
	t.Logf("summary: %d acknowledged, 0 lost; %d requests in flight at the 3 kills, %d of those stored", len(acked), totalInFlight, totalInFlightStored)
}

func get(t *testing.T, c *http.Client, addr, id string) (string, int) {
	t.Helper()
	resp, err := c.Get("http://" + addr + "/api/share/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(bytes.TrimSpace(b)), resp.StatusCode
}
