//go:build linux

package clang

import (
	"bytes"
	"context"
	"debug/elf"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func findClang(t *testing.T) *Clang {
	t.Helper()
	c, err := Find()
	if err != nil {
		t.Fatalf("%v\n(the compile tests need Debian's clang: apt-get install -y clang libbpf-dev)", err)
	}
	return c
}

const xdpPass = `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
`

// explosion expands to 2^24 tokens: clang needs far more CPU and memory
// than any real program.
var explosion = func() string {
	var b strings.Builder
	b.WriteString("#define E0 1+\n")
	for i := 1; i <= 24; i++ {
		b.WriteString("#define E" + itoa(i) + " E" + itoa(i-1) + " E" + itoa(i-1) + "\n")
	}
	b.WriteString("int x = E24 1;\n")
	return b.String()
}()

func itoa(i int) string { return strconv.Itoa(i) }

func TestCompile(t *testing.T) {
	c := findClang(t)
	secret, err := os.ReadFile("/etc/hostname")
	if err != nil || len(bytes.TrimSpace(secret)) == 0 {
		secret = []byte("localhost")
	}
	tests := []struct {
		name    string
		src     string
		ok      bool
		diag    []string // substrings of the diagnostics
		notDiag []string // must not appear in diagnostics or object
		limits  func(*Clang)
		sandbox bool // needs Landlock
	}{
		{name: "xdp program", src: xdpPass, ok: true},
		{name: "syntax error at its line", src: "int f(void) {\n\treturn 1\n}\n", diag: []string{"prog.c:2:10: error: expected ';'"}},
		{name: "unknown header", src: "#include <no/such.h>\n", diag: []string{"fatal error: 'no/such.h' file not found"}},
		{name: "include of a system file outside /usr is denied", src: "#include \"/etc/hostname\"\n", sandbox: true,
			diag: []string{"cannot open file '/etc/hostname': Permission denied"}, notDiag: []string{strings.TrimSpace(string(secret))}},
		{name: "include of the environment is denied", src: "#include \"/proc/self/environ\"\n", sandbox: true,
			diag: []string{"cannot open file '/proc/self/environ': Permission denied"}, notDiag: []string{"PATH=", jailEnv}},
		{name: "incbin of a system file is denied", src: "asm(\".incbin \\\"/etc/hostname\\\"\");\n", sandbox: true,
			diag:    []string{"Could not find incbin file '/etc/hostname'"},
			notDiag: []string{strings.TrimSpace(string(secret))}},
		{name: "CPU limit", src: explosion, limits: func(c *Clang) { c.CPUTime = time.Second; c.WallTime = 10 * time.Second },
			diag: []string{"bpfplay: clang"}},
		{name: "wall-clock limit", src: explosion, limits: func(c *Clang) { c.CPUTime = time.Minute; c.WallTime = 500 * time.Millisecond },
			diag: []string{"ran longer than 500ms and was stopped"}},
		{name: "memory limit", src: explosion, limits: func(c *Clang) { c.Memory = 300 << 20; c.WallTime = 20 * time.Second },
			diag: []string{"bpfplay: clang"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.sandbox && !c.Sandboxed() {
				t.Fatalf("Landlock is not available on this kernel (%s); the server would compile without file-system confinement", c.Version())
			}
			cc := *c
			if tc.limits != nil {
				tc.limits(&cc)
			}
			res, err := cc.Compile(context.Background(), []byte(tc.src))
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if res.OK != tc.ok {
				t.Fatalf("OK = %v, want %v; diagnostics:\n%s", res.OK, tc.ok, res.Diagnostics)
			}
			for _, d := range tc.diag {
				if !strings.Contains(res.Diagnostics, d) {
					t.Errorf("diagnostics lack %q:\n%s", d, res.Diagnostics)
				}
			}
			for _, d := range tc.notDiag {
				if strings.Contains(res.Diagnostics, d) || bytes.Contains(res.Object, []byte(d)) {
					t.Errorf("output leaks %q:\n%s", d, res.Diagnostics)
				}
			}
			if !tc.ok {
				return
			}
			f, err := elf.NewFile(bytes.NewReader(res.Object))
			if err != nil {
				t.Fatalf("object is not ELF: %v", err)
			}
			if f.Machine != elf.EM_BPF {
				t.Fatalf("object machine = %v, want EM_BPF", f.Machine)
			}
			if f.Section("xdp") == nil {
				t.Fatalf("object has no xdp section")
			}
		})
	}
}

func TestCompileCanceled(t *testing.T) {
	c := findClang(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Compile(ctx, []byte(xdpPass)); err == nil {
		t.Fatal("Compile with a canceled context succeeded")
	}
}

func TestVersion(t *testing.T) {
	c := findClang(t)
	if v := c.Version(); !strings.Contains(v, "clang version") || !strings.Contains(v, "rlimits") {
		t.Fatalf("Version = %q", v)
	}
}
