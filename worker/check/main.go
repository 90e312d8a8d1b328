// Command check exercises a running share service (the Cloudflare Worker
// under wrangler dev, or `bpfplay serve`) over HTTP: create a link, read
// it back, and the error paths. It prints one line per check and ends
// with "N passed, M failed"; it exits 1 if any failed.
//
//	go run ./worker/check -url http://127.0.0.1:8787
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/bpfplay/bpfplay/server/share"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8787", "base URL of the share service")
	page := flag.Bool("page", true, "also check that /s/{id} serves the playground page")
	wait := flag.Duration("wait", 0, "first wait up to this long for GET /healthz to answer 200")
	flag.Parse()
	c := &checker{base: strings.TrimSuffix(*base, "/"), client: &http.Client{Timeout: 20 * time.Second}}
	if *wait > 0 && !c.waitHealthy(*wait) {
		fmt.Printf("FAIL the service at %s did not answer /healthz within %v\n0 passed, 1 failed\n", c.base, *wait)
		os.Exit(1)
	}

	state := fmt.Sprintf(`{"v":1,"source":"r0 = 2\nexit ; %d","dialect":"kernel","prog_type":"xdp","maps":[]}`, time.Now().UnixNano())
	canon, err := share.Canonical([]byte(state))
	if err != nil {
		panic("BUG: the check's own state is invalid: " + err.Error())
	}
	wantID, _ := share.IDs(canon)

	var id string
	c.check("create a link", func() error {
		code, body, _, err := c.do("POST", "/api/share", state)
		if err != nil {
			return err
		}
		if code != 201 {
			return fmt.Errorf("status %d: %s", code, body)
		}
		var cr share.Created
		if err := json.Unmarshal(body, &cr); err != nil {
			return fmt.Errorf("answer %s: %v", body, err)
		}
		if cr.ID != wantID || cr.URL != "/s/"+wantID {
			return fmt.Errorf("got %+v, want id %s (content-addressed)", cr, wantID)
		}
		id = cr.ID
		return nil
	})
	c.check("the same state again gives the same link", func() error {
		code, body, _, err := c.do("POST", "/api/share", state)
		if err != nil {
			return err
		}
		if code != 201 || !bytes.Contains(body, []byte(`"id":"`+wantID+`"`)) {
			return fmt.Errorf("status %d: %s", code, body)
		}
		return nil
	})
	c.check("read it back", func() error {
		code, body, h, err := c.do("GET", "/api/share/"+id, "")
		if err != nil {
			return err
		}
		if code != 200 || !bytes.Equal(bytes.TrimSpace(body), canon) {
			return fmt.Errorf("status %d: %s, want %s", code, body, canon)
		}
		if cc := h.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			return fmt.Errorf("Cache-Control %q, want immutable", cc)
		}
		return nil
	})
	expectError := func(name, method, path, body string, status int, code string) {
		c.check(name, func() error {
			got, b, _, err := c.do(method, path, body)
			if err != nil {
				return err
			}
			if got != status || !bytes.Contains(b, []byte(`"code":"`+code+`"`)) {
				return fmt.Errorf("status %d: %s, want %d with code %s", got, b, status, code)
			}
			return nil
		})
	}
	expectError("unknown id: 404", "GET", "/api/share/AAAAAAAAAAA", "", 404, "not_found")
	expectError("malformed id: 400", "GET", "/api/share/not-an-id", "", 400, "bad_id")
	expectError("malformed JSON: 400", "POST", "/api/share", `{"source":`, 400, "bad_json")
	expectError("state without source: 422", "POST", "/api/share", `{"dialect":"kernel","prog_type":"xdp"}`, 422, "bad_state")
	expectError("state over 64 KB: 413", "POST", "/api/share", `{"source":"`+strings.Repeat("x", 70000)+`"}`, 413, "body_too_large")
	c.check("capabilities say share", func() error {
		code, body, _, err := c.do("GET", "/api/capabilities", "")
		if err != nil {
			return err
		}
		var caps struct{ Share bool }
		if code != 200 || json.Unmarshal(body, &caps) != nil || !caps.Share {
			return fmt.Errorf("status %d: %s", code, body)
		}
		return nil
	})
	if *page {
		c.check("the share page serves the playground", func() error {
			code, body, h, err := c.do("GET", "/s/"+id, "")
			if err != nil {
				return err
			}
			if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !bytes.Contains(bytes.ToLower(body), []byte("<!doctype html")) {
				return fmt.Errorf("status %d, %s: %.80s", code, h.Get("Content-Type"), body)
			}
			return nil
		})
	}
	fmt.Printf("%d passed, %d failed\n", c.passed, c.failed)
	if c.failed > 0 {
		os.Exit(1)
	}
}

type checker struct {
	base           string
	client         *http.Client
	passed, failed int
}

// waitHealthy polls /healthz until it answers 200 or d passes.
func (c *checker) waitHealthy(d time.Duration) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if code, _, _, err := c.do("GET", "/healthz", ""); err == nil && code == 200 {
			return true
		}
	}
	return false
}

func (c *checker) check(name string, f func() error) {
	if err := f(); err != nil {
		c.failed++
		fmt.Printf("FAIL %s: %v\n", name, err)
		return
	}
	c.passed++
	fmt.Printf("ok   %s\n", name)
}

func (c *checker) do(method, path, body string) (int, []byte, http.Header, error) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return 0, nil, nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header, err
}
