package isa

import "fmt"

// ErrorCode classifies decode errors so tests can compare them.
type ErrorCode int

// Decode error codes.
const (
	ErrTruncated        ErrorCode = iota + 1 // input is not whole slots
	ErrUnknownOpcode                         // the opcode byte means nothing
	ErrReservedField                         // a field that must be zero is not
	ErrBadRegister                           // a register number above r10
	ErrLdImm64Truncated                      // ld_imm64 in the last slot
	ErrLdImm64Second                         // the second half of ld_imm64 is malformed
	ErrLdImm64Pseudo                         // unknown pseudo source in ld_imm64
	ErrBadAtomic                             // unknown atomic operation or size
	ErrBadEndian                             // byte swap width not 16, 32 or 64
	ErrEmpty                                 // no instructions at all
)

// Error is a decode error. It names the slot, the field at fault, a
// message for people, and the text Linux 6.1 logs for the same input
// (when it has one) so the verifier can reproduce the kernel's log.
type Error struct {
	Slot   int
	Code   ErrorCode
	Field  string // "opcode", "dst", "src", "off", "imm", "imm2", ...
	Msg    string
	Kernel string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("insn %d: %s (field %s)", e.Slot, e.Msg, e.Field)
	}
	return fmt.Sprintf("insn %d: %s", e.Slot, e.Msg)
}
