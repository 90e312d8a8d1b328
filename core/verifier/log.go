package verifier

import (
	"fmt"
	"strconv"
)

// Log levels (BPF_LOG_*).
const (
	logLevel1    = 1
	logLevel2    = 2
	logLevelStat = 4
)

// vlog is the verifier log buffer with the kernel's semantics: text is
// appended at the used length; a reset moves the used length back (the
// kernel writes a NUL there, so what lay beyond is gone). Linux's level-1
// log (only the failing path) is built with such resets. Writes beyond
// the user's buffer size are cut, and the load then fails with ENOSPC.
type vlog struct {
	level int
	buf   []byte
	n     int // len_used
	total int // buffer size the user gave (0: unlimited)
}

// full reports that the user's buffer is exhausted (bpf_verifier_log_full).
func (l *vlog) full() bool { return l.total > 0 && l.n >= l.total-1 }

// room is how many more bytes fit.
func (l *vlog) room(n int) int {
	if l.total > 0 {
		return max(0, min(n, l.total-l.n-1))
	}
	return n
}

func (l *vlog) write(s string) {
	if l.level == 0 {
		return
	}
	s = s[:l.room(len(s))]
	l.grow(len(s))
	l.buf = append(l.buf[:l.n], s...)
	l.n = len(l.buf)
}

func (l *vlog) writeBytes(s []byte) {
	if l.level == 0 {
		return
	}
	s = s[:l.room(len(s))]
	l.grow(len(s))
	l.buf = append(l.buf[:l.n], s...)
	l.n = len(l.buf)
}

// grow makes room for n more bytes by doubling: at level 1 a long path
// prints tens of megabytes before a reset takes them back (the scale
// tests), and append's gentler growth of large slices copied and
// faulted in the buffer several times over.
func (l *vlog) grow(n int) {
	if l.n+n <= cap(l.buf) {
		return
	}
	b := make([]byte, l.n, max(2*cap(l.buf), l.n+n, 4096))
	copy(b, l.buf[:l.n])
	l.buf = b
}

func (l *vlog) printf(format string, a ...any) {
	if l.level == 0 {
		return
	}
	l.write(fmt.Sprintf(format, a...))
}

// reset is bpf_vlog_reset: truncate the visible log to pos.
func (l *vlog) reset(pos int) {
	if l.level == 0 {
		return
	}
	l.n = pos
}

func (l *vlog) String() string { return string(l.buf[:l.n]) }

// verbose writes to the log when any level is on.
func (v *verifier) verbose(format string, a ...any) {
	if v.log.level == 0 {
		return
	}
	v.log.printf(format, a...)
}

// sbuf builds a log line piece by piece without fmt in the hot path.
type sbuf []byte

func (b *sbuf) s(x string)   { *b = append(*b, x...) }
func (b *sbuf) c(x byte)     { *b = append(*b, x) }
func (b *sbuf) d(x int64)    { *b = strconv.AppendInt(*b, x, 10) }
func (b *sbuf) u(x uint64)   { *b = strconv.AppendUint(*b, x, 10) }
func (b *sbuf) hex(x uint64) { *b = strconv.AppendUint(*b, x, 16) }
