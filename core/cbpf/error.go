package cbpf

import (
	"errors"
	"fmt"
)

// Error is a problem with a classic program's text or bytes, with the
// place it was found. Line and Col count from 1 (0: not applicable, e.g.
// for raw bytes, where Insn says which instruction).
type Error struct {
	Format Format
	Line   int
	Col    int
	Insn   int    // instruction index, -1 when unknown
	Field  string // the field at fault: "code", "jt", "jf", "k", "count", "label", ...
	Msg    string
}

func (e *Error) Error() string {
	where := ""
	switch {
	case e.Line > 0 && e.Col > 0:
		where = fmt.Sprintf("line %d:%d: ", e.Line, e.Col)
	case e.Line > 0:
		where = fmt.Sprintf("line %d: ", e.Line)
	case e.Insn >= 0:
		where = fmt.Sprintf("insn %d: ", e.Insn)
	}
	field := ""
	if e.Field != "" {
		field = e.Field + ": "
	}
	return fmt.Sprintf("%s: %s%s%s", e.Format, where, field, e.Msg)
}

// ErrInvalid is the error Linux reports (EINVAL) for a classic program it
// refuses; CheckError wraps it.
var ErrInvalid = errors.New("EINVAL")

// CheckError is why Linux refuses a classic program: the kernel answers
// EINVAL (errno 22) and says nothing more, so Reason is bpfplay's.
type CheckError struct {
	Insn   int // the offending instruction, -1 for the program as a whole
	Reason string
}

func (e *CheckError) Error() string {
	if e.Insn < 0 {
		return "invalid classic program (EINVAL): " + e.Reason
	}
	return fmt.Sprintf("invalid classic program (EINVAL): insn %d: %s", e.Insn, e.Reason)
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *CheckError) Unwrap() error { return ErrInvalid }

// Errno is the errno Linux returns: 22 (EINVAL).
func (e *CheckError) Errno() int { return 22 }
