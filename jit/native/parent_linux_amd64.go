//go:build linux && amd64 && cgo

package native

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Available reports whether native execution works here: the binary can
// re-execute itself.
func Available() error {
	_, err := os.Executable()
	return err
}

// Run executes the request in a child process and returns its result,
// or a *Fault when the program did not end normally (or an error when
// the child could not be started). The parent is never at risk: the
// child has its own address space and limits.
func Run(ctx context.Context, req *Request) (*Result, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("native: %w", err)
	}
	lim := req.Limits.withDefaults()
	r := *req
	r.Limits = lim
	in, err := json.Marshal(&r)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, lim.WallTime)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = []string{childEnv + "=1", "GOMAXPROCS=1", "GOTRACEBACK=single"}
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr limitedBuffer
	stdout.max, stderr.max = 256<<20, 64<<10
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	cmd.WaitDelay = time.Second
	start := time.Now()
	runErr := cmd.Run()
	elapsed := time.Since(start)

	var setup *setupInfo
	var res *Result
	var fault *faultInfo
	sc := bufio.NewScanner(bytes.NewReader(stdout.Bytes()))
	sc.Buffer(make([]byte, 1<<20), 512<<20)
	for sc.Scan() {
		var m childMsg
		if json.Unmarshal(sc.Bytes(), &m) != nil {
			continue
		}
		if m.Setup != nil {
			setup = m.Setup
		}
		if m.Result != nil {
			res = m.Result
		}
		if m.Fault != nil {
			fault = m.Fault
		}
	}
	if fault != nil {
		return nil, &Fault{Kind: fault.Kind, PC: fault.PC, Msg: fault.Msg}
	}
	if runErr == nil && res != nil {
		return res, nil
	}
	// The child died.
	if ctx.Err() != nil {
		return nil, &Fault{Kind: "timeout", PC: -1, Msg: fmt.Sprintf("killed after %v of wall-clock time", elapsed.Round(time.Millisecond))}
	}
	if f := parseFault(stderr.String(), setup); f != nil {
		return nil, f
	}
	var ee *exec.ExitError
	if errors.As(runErr, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			switch ws.Signal() {
			case syscall.SIGXCPU, syscall.SIGKILL:
				if ee.ProcessState.UserTime()+ee.ProcessState.SystemTime() >= lim.CPUTime-time.Second/2 {
					return nil, &Fault{Kind: "cpu-limit", PC: -1, Msg: fmt.Sprintf("CPU time limit (%v) reached", lim.CPUTime)}
				}
			}
			return nil, &Fault{Kind: "crash", PC: -1, Msg: "killed by " + ws.Signal().String() + tail(stderr.String())}
		}
	}
	if strings.Contains(stderr.String(), "out of memory") || strings.Contains(stderr.String(), "cannot allocate memory") {
		return nil, &Fault{Kind: "memory", PC: -1, Msg: fmt.Sprintf("memory limit (%d MiB) reached", lim.Memory>>20)}
	}
	if runErr == nil {
		runErr = errors.New("no result")
	}
	return nil, &Fault{Kind: "crash", PC: -1, Msg: runErr.Error() + tail(stderr.String())}
}

var faultLine = regexp.MustCompile(`bpfplay-native-fault sig=0x([0-9a-f]+) addr=0x([0-9a-f]+)(?: syscall=0x([0-9a-f]+))? rip=0x([0-9a-f]+)`)

// parseFault reads the fault handler's report.
func parseFault(stderr string, setup *setupInfo) *Fault {
	m := faultLine.FindStringSubmatch(stderr)
	if m == nil {
		return nil
	}
	sig, _ := strconv.ParseUint(m[1], 16, 32)
	addr, _ := strconv.ParseUint(m[2], 16, 64)
	rip, _ := strconv.ParseUint(m[4], 16, 64)
	pc := -1
	if setup != nil {
		pc = slotOf(setup.Base, setup.InsnOffsets, rip)
	}
	s := syscall.Signal(sig)
	switch s {
	case syscall.SIGSYS:
		nr, _ := strconv.ParseUint(m[3], 16, 32)
		return &Fault{Kind: "seccomp", PC: pc, Msg: fmt.Sprintf("system call %d is not allowed", nr)}
	case syscall.SIGFPE:
		return &Fault{Kind: "signal", PC: pc, Msg: "division error (SIGFPE)"}
	}
	where := "in the machine code"
	if pc < 0 {
		where = fmt.Sprintf("outside the program (rip %#x)", rip)
	}
	return &Fault{Kind: "signal", PC: pc, Msg: fmt.Sprintf("%s accessing %#x %s", s, addr, where)}
}

func tail(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if len(s) > 400 {
		s = "..." + s[len(s)-400:]
	}
	return ": " + s
}

// limitedBuffer keeps at most max bytes.
type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room < len(p) {
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}
