package asm

import (
	"fmt"
	"strings"
)

// Pos is a position in source text. Line and Col count from 1; Col counts
// bytes, so a tab is one column. The zero Pos means "no position".
type Pos struct {
	Line, Col int
}

// IsValid reports whether p carries a position.
func (p Pos) IsValid() bool { return p.Line > 0 }

func (p Pos) String() string {
	if !p.IsValid() {
		return "-"
	}
	if p.Col <= 0 {
		return fmt.Sprintf("%d", p.Line)
	}
	return fmt.Sprintf("%d:%d", p.Line, p.Col)
}

// ErrorCode classifies assembler errors so tests and tools can compare
// them without matching message text.
type ErrorCode int

// Assembler error codes.
const (
	ErrSyntax         ErrorCode = iota + 1 // the text does not parse: unexpected character, missing bracket...
	ErrMnemonic                            // unknown mnemonic or statement
	ErrRegister                            // not a register, or a register that does not exist
	ErrOperandCount                        // wrong number of operands
	ErrOperand                             // an operand of the wrong kind (register where an immediate goes...)
	ErrRange                               // a number does not fit its field
	ErrLabel                               // undefined label
	ErrDuplicateLabel                      // a label defined twice
	ErrEmpty                               // no instructions at all
	ErrData                                // a malformed section of a conformance .data file
)

var codeNames = map[ErrorCode]string{
	ErrSyntax: "syntax", ErrMnemonic: "mnemonic", ErrRegister: "register",
	ErrOperandCount: "operand count", ErrOperand: "operand", ErrRange: "range",
	ErrLabel: "label", ErrDuplicateLabel: "duplicate label", ErrEmpty: "empty", ErrData: "data",
}

func (c ErrorCode) String() string {
	if s, ok := codeNames[c]; ok {
		return s
	}
	return fmt.Sprintf("ErrorCode(%d)", int(c))
}

// Error is one assembler error: where, what kind, and a message that says
// what was found and what was expected.
type Error struct {
	Pos  Pos
	Code ErrorCode
	Msg  string
}

func (e *Error) Error() string {
	if e.Pos.IsValid() {
		return e.Pos.String() + ": " + e.Msg
	}
	return e.Msg
}

// Errorf builds an *Error.
func Errorf(pos Pos, code ErrorCode, format string, a ...any) *Error {
	return &Error{Pos: pos, Code: code, Msg: fmt.Sprintf(format, a...)}
}

// ErrorList is every error an assembly produced, in source order. Its
// Error() is one line: the first error and how many more there are.
type ErrorList []*Error

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0].Error(), len(l)-1)
}

// Unwrap lets errors.As find the individual errors.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Detail returns every error on its own line.
func (l ErrorList) Detail() string {
	var b strings.Builder
	for _, e := range l {
		b.WriteString(e.Error())
		b.WriteByte('\n')
	}
	return b.String()
}

// Err returns nil for an empty list and the list otherwise, so callers can
// write `return prog, errs.Err()` without the typed-nil trap.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Shift returns a copy of the errors with every line moved down by n, for
// text that was cut out of a larger file (a .data file's asm section).
func (l ErrorList) Shift(n int) ErrorList {
	out := make(ErrorList, len(l))
	for i, e := range l {
		c := *e
		if c.Pos.IsValid() {
			c.Pos.Line += n
		}
		out[i] = &c
	}
	return out
}
