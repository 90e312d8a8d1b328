//go:build linux

package clang

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Clang runs one clang binary with limits.
type Clang struct {
	Path    string // absolute path of clang
	version string // first line of clang --version

	// Limits of one compilation (defaults in Find).
	WallTime   time.Duration
	CPUTime    time.Duration
	Memory     uint64 // address-space limit, bytes
	MaxObject  int64  // largest object file, bytes
	MaxDiag    int    // diagnostics kept, bytes
	landlock   int    // Landlock ABI in force, 0 = none
	noNetNS    bool   // could not create a network namespace
	includeDir string // multiarch include dir for <asm/types.h>, if present
}

// Find locates clang (clang, then clang-19 ... clang-14 in PATH) and
// checks that it runs.
func Find() (*Clang, error) {
	var path string
	for _, name := range []string{"clang", "clang-19", "clang-18", "clang-17", "clang-16", "clang-15", "clang-14"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		return nil, ErrNotFound
	}
	return New(path)
}

// New checks the clang at path and returns it with the default limits.
func New(path string) (*Clang, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(abs, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --version: %w", abs, err)
	}
	c := &Clang{
		Path:      abs,
		version:   strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0]),
		WallTime:  20 * time.Second,
		CPUTime:   10 * time.Second,
		Memory:    2 << 30,
		MaxObject: 8 << 20,
		MaxDiag:   64 << 10,
		landlock:  landlockABI(),
	}
	if st, err := os.Stat("/usr/include/x86_64-linux-gnu/asm"); err == nil && st.IsDir() {
		c.includeDir = "/usr/include/x86_64-linux-gnu"
	}
	return c, nil
}

// Version describes the compiler and its sandbox, for
// /api/capabilities.
func (c *Clang) Version() string {
	sb := "rlimits"
	if c.landlock > 0 {
		sb += ", landlock v" + strconv.Itoa(c.landlock)
	} else {
		sb += ", NO file-system confinement (Landlock unavailable)"
	}
	if !c.noNetNS {
		sb += ", no network"
	}
	return c.version + " (" + sb + ")"
}

// Sandboxed reports whether file-system confinement is in force.
func (c *Clang) Sandboxed() bool { return c.landlock > 0 }

// Args returns clang's arguments for prog.c -> prog.o.
func (c *Clang) Args() []string {
	args := []string{c.Path, "-O2", "-g", "-target", "bpf", "-c", "prog.c", "-o", "prog.o",
		"-fno-color-diagnostics", "-fmessage-length=0", "-ferror-limit=50", "-fno-crash-diagnostics"}
	if c.includeDir != "" {
		args = append(args, "-idirafter", c.includeDir)
	}
	return args
}

// Compile compiles src. A program clang rejects, or one that exhausts a
// limit, is a Result with OK false and the reason in Diagnostics; the
// error return is for faults of the machinery (cannot create files,
// cannot start the helper) and for ctx ending.
func (c *Clang) Compile(ctx context.Context, src []byte) (*Result, error) {
	start := time.Now()
	dir, err := os.MkdirTemp("", "bpfplay-clang-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "prog.c"), src, 0o644); err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("clang sandbox: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.WallTime)
	defer cancel()

	spec := fmt.Sprintf("%s:%d:%d:%d", dir, int64((c.CPUTime+time.Second-1)/time.Second), c.Memory, c.MaxObject)
	var stderr limitedBuffer
	stderr.max = c.MaxDiag
	run := func(netns bool) (*exec.Cmd, error) {
		cmd := exec.CommandContext(ctx, self)
		cmd.Args = append([]string{"bpfplay-clang-jail"}, c.Args()...)
		cmd.Dir = dir
		cmd.Env = []string{jailEnv + "=" + spec}
		cmd.Stdout = &stderr
		cmd.Stderr = &stderr
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		if netns {
			cmd.SysProcAttr.Cloneflags = syscall.CLONE_NEWNET
		}
		// Kill the whole group: the clang driver runs cc1 as a child.
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
		return cmd, cmd.Start()
	}
	cmd, err := run(!c.noNetNS)
	if err != nil && !c.noNetNS && errors.Is(err, syscall.EPERM) {
		c.noNetNS = true // not root: rely on Landlock's network rules
		cmd, err = run(false)
	}
	if err != nil {
		return nil, fmt.Errorf("starting clang: %w", err)
	}
	err = cmd.Wait()
	res := &Result{Diagnostics: stderr.String(), TimeMS: float64(time.Since(start).Microseconds()) / 1000}
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.Is(ctxErr, context.DeadlineExceeded) && time.Since(start) >= c.WallTime {
			res.Diagnostics += fmt.Sprintf("\nbpfplay: clang ran longer than %v and was stopped\n", c.WallTime)
			return res, nil
		}
		return nil, ctxErr
	}
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return nil, fmt.Errorf("running clang: %w", err)
		}
		if ee.ExitCode() == 126 && strings.Contains(res.Diagnostics, "bpfplay clang sandbox:") {
			return nil, fmt.Errorf("clang sandbox failed: %s", strings.TrimSpace(res.Diagnostics))
		}
		res.Diagnostics = c.explain(res.Diagnostics, ee)
		return res, nil
	}
	obj, err := os.ReadFile(filepath.Join(dir, "prog.o"))
	if err != nil {
		return nil, fmt.Errorf("clang exited 0 without an object: %w", err)
	}
	res.OK, res.Object = true, obj
	return res, nil
}

// explain shortens a crash report and adds a line for exits caused by
// our limits, which clang itself reports badly or not at all.
func (c *Clang) explain(diag string, ee *exec.ExitError) string {
	crashed := false
	if i := strings.Index(diag, "Stack dump:"); i >= 0 {
		// LLVM's stack dump says nothing to a playground user.
		diag, crashed = diag[:i], true
	} else if strings.Contains(diag, "frontend command failed") || strings.Contains(diag, "LLVM ERROR") {
		crashed = true
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		switch ws.Signal() {
		case syscall.SIGXCPU, syscall.SIGKILL:
			return diag + fmt.Sprintf("\nbpfplay: clang used more than its %v of CPU time and was stopped\n", c.CPUTime)
		case syscall.SIGXFSZ:
			return diag + fmt.Sprintf("\nbpfplay: the object file grew past the limit of %d bytes\n", c.MaxObject)
		}
		return diag + fmt.Sprintf("\nbpfplay: clang was killed by %v\n", ws.Signal())
	}
	if crashed {
		return diag + fmt.Sprintf("\nbpfplay: clang crashed, most likely at its memory limit of %d MiB or CPU limit of %v\n", c.Memory>>20, c.CPUTime)
	}
	return diag
}

// limitedBuffer keeps the first max bytes written and counts the rest.
type limitedBuffer struct {
	buf     bytes.Buffer
	max     int
	dropped int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if room := max(b.max-b.buf.Len(), 0); room < len(p) {
		b.dropped += len(p) - room
		p = p[:room]
	}
	b.buf.Write(p)
	return n, nil // never a short write: clang must not fail on a long log
}

func (b *limitedBuffer) String() string {
	if b.dropped > 0 {
		return b.buf.String() + fmt.Sprintf("\n[%d more bytes of diagnostics dropped]\n", b.dropped)
	}
	return b.buf.String()
}
