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
//
// The text lives in fixed-size chunks rather than one growing slice: at
// level 1 a long path prints tens of megabytes (47 MB for the scale
// tests) before a reset takes them back, and a doubling slice copied
// and faulted in twice that. Chunks are kept across resets for reuse.
type vlog struct {
	// expand, when set, prints the instruction of an insnToken: the log
	// then holds "pc: insn" lines as 5-byte tokens, expanded by String.
	// At level 1 a million-instruction path is 47 MB of such lines that
	// a reset takes back, so they are not printed until they survive.
	// Only without a size limit (total 0), where the bytes a line takes
	// do not matter.
	expand func(b []byte, pc int) []byte
	level  int
	chunks [][]byte // byte i of the log is chunks[i/logChunk][i%logChunk]
	n      int      // len_used
	total  int      // buffer size the user gave (0: unlimited)
}

const logChunk = 1 << 20

// full reports that the user's buffer is exhausted (bpf_verifier_log_full).
func (l *vlog) full() bool { return l.total > 0 && l.n >= l.total-1 }

// room is how many more bytes fit.
func (l *vlog) room(n int) int {
	if l.total > 0 {
		return max(0, min(n, l.total-l.n-1))
	}
	return n
}

func (l *vlog) write(s string) { appendLog(l, s) }

func (l *vlog) writeBytes(s []byte) { appendLog(l, s) }

func appendLog[T string | []byte](l *vlog, s T) {
	if l.level == 0 {
		return
	}
	s = s[:l.room(len(s))]
	for len(s) > 0 {
		c := l.tail()
		k := copy(c[len(c):cap(c)], s)
		l.n += k
		s = s[k:]
	}
}

// tail is the chunk the next byte goes to, cut at that byte.
func (l *vlog) tail() []byte {
	i := l.n / logChunk
	for len(l.chunks) <= i {
		l.chunks = append(l.chunks, nil)
	}
	if l.chunks[i] == nil {
		l.chunks[i] = make([]byte, 0, logChunk)
	}
	return l.chunks[i][:l.n%logChunk]
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
	l.n = pos // chunks beyond pos stay allocated for the next writes
}

// insnToken starts the token of an instruction line: the byte, then the
// pc in four bytes, little-endian. The kernel's log is C strings, so the
// byte occurs nowhere else.
const insnToken = 0

// writeInsn writes the token of the line "pc: insn" (without its
// newline: printInsnState cuts that to append the state).
func (l *vlog) writeInsn(pc int) {
	l.writeBytes([]byte{insnToken, byte(pc), byte(pc >> 8), byte(pc >> 16), byte(pc >> 24)})
}

func (l *vlog) String() string {
	b := make([]byte, 0, l.n)
	for i := 0; len(b) < l.n; i++ {
		b = append(b, l.chunks[i][:min(logChunk, l.n-len(b))]...)
	}
	if l.expand == nil {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		k := 0
		for k < len(b) && b[k] != insnToken {
			k++
		}
		out = append(out, b[:k]...)
		b = b[k:]
		if len(b) >= 5 {
			out = l.expand(out, int(uint32(b[1])|uint32(b[2])<<8|uint32(b[3])<<16|uint32(b[4])<<24))
			b = b[5:]
		}
	}
	return string(out)
}

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
