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
	res, errs := RunBatch(ctx, []*Request{req})
	return res[0], errs[0]
}

// RunBatch runs several requests, in as few child processes as faults
// allow: one child prepares all programs, then runs them in turn; when
// one faults, a new child takes over the rest. The limits of the first
// request apply to each child as a whole. Results and errors are indexed
// like reqs.
func RunBatch(ctx context.Context, reqs []*Request) ([]*Result, []error) {
	res := make([]*Result, len(reqs))
	errs := make([]error, len(reqs))
	for done := 0; done < len(reqs); {
		n := runChild(ctx, reqs[done:], res[done:], errs[done:])
		if n == 0 {
			// Nothing happened (the child could not start): fail the rest.
			for i := done; i < len(reqs); i++ {
				if errs[i] == nil && res[i] == nil {
					errs[i] = errors.New("native: the runner did not start")
				}
			}
			break
		}
		done += n
	}
	return res, errs
}

// runChild runs reqs in one child and returns how many got an answer
// (the last of them possibly the fault that ended the child). It reads
// the child's messages as they come, so that each request gets its own
// wall-clock deadline from the moment its program starts.
func runChild(ctx context.Context, reqs []*Request, res []*Result, errs []error) int {
	exe, err := os.Executable()
	if err != nil {
		errs[0] = fmt.Errorf("native: %w", err)
		return 1
	}
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	limits := make([]Limits, len(reqs))
	mem := int64(1) << 62
	for i, r := range reqs {
		limits[i] = r.Limits.withDefaults()
		mem = min(mem, limits[i].Memory)
	}
	for i, r := range reqs {
		rr := *r
		rr.Limits = limits[i]
		rr.Limits.Memory = mem // one address space for the batch: the strictest limit
		if err := enc.Encode(&rr); err != nil {
			errs[i] = err
			return i + 1
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = []string{childEnv + "=1", "GOMAXPROCS=1", "GOTRACEBACK=single"}
	cmd.Stdin = &in
	var stderr limitedBuffer
	stderr.max = 64 << 10
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	cmd.WaitDelay = time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		errs[0] = err
		return 1
	}
	if err := cmd.Start(); err != nil {
		errs[0] = fmt.Errorf("native: starting the runner: %w", err)
		return 1
	}
	lines := make(chan []byte)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 512<<20)
		for sc.Scan() {
			lines <- append([]byte(nil), sc.Bytes()...)
		}
	}()

	setups := map[int]*setupInfo{}
	answered := 0 // requests with a result or a fault
	running := -1 // the request whose program runs now
	var started time.Time
	// Preparing each program gets its request's wall time.
	deadline := time.NewTimer(limits[0].WallTime)
	defer deadline.Stop()
	timedOut := false
read:
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				break read
			}
			var m childMsg
			if json.Unmarshal(line, &m) != nil || m.Index < 0 || m.Index >= len(reqs) {
				continue
			}
			switch {
			case m.Setup != nil:
				setups[m.Index] = m.Setup
				if m.Index+1 < len(reqs) {
					deadline.Reset(limits[m.Index+1].WallTime)
				}
			case m.Start:
				running, started = m.Index, time.Now()
				deadline.Reset(limits[m.Index].WallTime)
			case m.Result != nil:
				res[m.Index] = m.Result
				answered = max(answered, m.Index+1)
			case m.Fault != nil:
				errs[m.Index] = &Fault{Kind: m.Fault.Kind, PC: m.Fault.PC, Msg: m.Fault.Msg}
				answered = max(answered, m.Index+1)
			}
		case <-deadline.C:
			timedOut = true
			cancel() // kills the child
		case <-ctx.Done():
			// The caller gave up (or the deadline fired): drain.
			for range lines {
			}
			break read
		}
	}
	runErr := cmd.Wait()
	if runErr == nil && answered == len(reqs) {
		return answered
	}
	if answered > 0 && errs[answered-1] != nil && !timedOut {
		// The child reported its own fault (a helper's) and exited.
		return answered
	}
	// The child died while preparing or running request `answered`.
	i := answered
	if i >= len(reqs) {
		return answered
	}
	if timedOut {
		what := "preparing the programs"
		if running == i {
			what = fmt.Sprintf("%v", time.Since(started).Round(time.Millisecond))
		}
		errs[i] = &Fault{Kind: "timeout", PC: -1, Msg: fmt.Sprintf("killed after %s of wall-clock time (limit %v)", what, limits[i].WallTime)}
		return i + 1
	}
	if ctx.Err() != nil {
		errs[i] = ctx.Err()
		return len(reqs) // the caller gave up: stop
	}
	errs[i] = deathCause(runErr, stderr.String(), setups[i], limits[i])
	return i + 1
}

// deathCause explains why a child died.
func deathCause(runErr error, stderr string, setup *setupInfo, lim Limits) error {
	if f := parseFault(stderr, setup); f != nil {
		return f
	}
	var ee *exec.ExitError
	if errors.As(runErr, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			if ws.Signal() == syscall.SIGXCPU {
				return &Fault{Kind: "cpu-limit", PC: -1, Msg: fmt.Sprintf("CPU time limit (%v) reached", lim.CPUTime)}
			}
			return &Fault{Kind: "crash", PC: -1, Msg: "killed by " + ws.Signal().String() + tail(stderr)}
		}
	}
	if strings.Contains(stderr, "out of memory") || strings.Contains(stderr, "cannot allocate memory") {
		return &Fault{Kind: "memory", PC: -1, Msg: fmt.Sprintf("memory limit (%d MiB) reached", lim.Memory>>20)}
	}
	if runErr == nil {
		runErr = errors.New("no result")
	}
	return &Fault{Kind: "crash", PC: -1, Msg: runErr.Error() + tail(stderr)}
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
	case syscall.SIGXCPU:
		return &Fault{Kind: "cpu-limit", PC: pc, Msg: "CPU time limit reached"}
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
