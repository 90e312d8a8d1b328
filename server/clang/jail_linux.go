//go:build linux

package clang

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

// The helper's protocol: the parent runs its own executable with
//
//	BPFPLAY_CLANG_JAIL=<workdir>:<cpu seconds>:<address-space bytes>:<file-size bytes>
//
// and argv = [clang, args...]. init (below) applies the limits and the
// Landlock rules, then execs argv. It never returns into the program.
const jailEnv = "BPFPLAY_CLANG_JAIL"

func init() {
	spec, ok := os.LookupEnv(jailEnv)
	if !ok {
		return
	}
	// Everything below runs on this thread and ends in execve, which
	// keeps this thread's Landlock domain and no_new_privs.
	runtime.LockOSThread()
	if err := jail(spec, os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "bpfplay clang sandbox: %v\n", err)
		os.Exit(126)
	}
}

func jail(spec string, argv []string) error {
	parts := strings.Split(spec, ":")
	if len(parts) != 4 || len(argv) == 0 {
		return fmt.Errorf("bad %s=%q", jailEnv, spec)
	}
	workdir := parts[0]
	var lim [3]uint64
	for i := range lim {
		v, err := strconv.ParseUint(parts[i+1], 10, 64)
		if err != nil {
			return fmt.Errorf("bad %s=%q", jailEnv, spec)
		}
		lim[i] = v
	}
	rlimits := []struct {
		res int
		val uint64
	}{
		{syscall.RLIMIT_CPU, lim[0]},
		{syscall.RLIMIT_AS, lim[1]},
		{syscall.RLIMIT_FSIZE, lim[2]},
		{syscall.RLIMIT_NOFILE, 256},
		{syscall.RLIMIT_CORE, 0},
	}
	for _, r := range rlimits {
		if err := syscall.Setrlimit(r.res, &syscall.Rlimit{Cur: r.val, Max: r.val}); err != nil {
			return fmt.Errorf("setrlimit(%d): %w", r.res, err)
		}
	}
	if abi := landlockABI(); abi > 0 {
		const rx = llExecute | llReadFile | llReadDir
		rules := []pathRule{
			{"/usr", rx}, {"/lib", rx}, {"/lib64", rx}, {"/lib32", rx}, {"/bin", rx}, {"/sbin", rx},
			{"/etc/ld.so.cache", llReadFile},
			{"/dev/null", llReadFile | llWriteFile},
			{workdir, fsRights(abi)},
		}
		if err := restrictSelf(abi, rules); err != nil {
			return err
		}
	}
	env := []string{"PATH=/usr/bin:/bin", "TMPDIR=" + workdir, "LC_ALL=C", "HOME=" + workdir}
	return syscall.Exec(argv[0], argv, env)
}
