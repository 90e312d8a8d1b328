// Package gencheck verifies, from a test, that files produced by a
// `//go:generate go tool mockgen ... -destination=X` directive are what
// the generator makes today: a mock that drifted from its interface fails
// the package's tests (and so CI) with the command that fixes it.
package gencheck

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Mockgen runs every mockgen directive of file (in the test's package
// directory) into a temporary directory and compares the output with the
// committed destination.
func Mockgen(t *testing.T, file string) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	found := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		const prefix = "//go:generate go tool mockgen "
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		found = true
		args := strings.Fields(strings.TrimPrefix(line, "//go:generate go "))
		var dest string
		for i, a := range args {
			if d, ok := strings.CutPrefix(a, "-destination="); ok {
				dest = d
				args[i] = "-destination=" + filepath.Join(t.TempDir(), "mock.go")
			}
		}
		if dest == "" {
			t.Fatalf("%s: mockgen directive without -destination: %s", file, line)
		}
		var tmp string
		for _, a := range args {
			if d, ok := strings.CutPrefix(a, "-destination="); ok {
				tmp = d
			}
		}
		cmd := exec.Command(goTool(), args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		want, err := os.ReadFile(tmp)
		if err != nil {
			t.Fatal(err)
		}
		// The generated header repeats the command line, with our
		// temporary destination in it.
		want = bytes.ReplaceAll(want, []byte(tmp), []byte(dest))
		got, err := os.ReadFile(dest)
		if err != nil {
			t.Fatalf("%s: %v (run go generate)", dest, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date with %s: run `go generate ./server/...` and commit the result", dest, file)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("%s has no mockgen directive", file)
	}
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "/usr/local/go/bin/go" // where the project's machines keep it
}
