package isa

import (
	"fmt"
	"strings"
)

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

// AtLoad reports whether Linux 6.1 finds this problem while loading the
// program, in one pass over every instruction before verification
// (unknown opcodes, LDX modes and fields, ld_imm64 pairing and pseudo
// sources, unknown atomic operations), so that the load fails with it
// whatever paths the verifier would take. The other problems (reserved
// fields, registers) the verifier reports only when it reaches the
// instruction, as EINVAL with the Kernel text.
func (e *Error) AtLoad() bool {
	switch e.Code {
	case ErrUnknownOpcode, ErrLdImm64Truncated, ErrLdImm64Second, ErrLdImm64Pseudo, ErrBadAtomic, ErrTruncated, ErrEmpty:
		return true
	}
	return strings.HasPrefix(e.Kernel, "unknown opcode") || e.Kernel == "BPF_LDX uses reserved fields"
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("insn %d: %s (field %s)", e.Slot, e.Msg, e.Field)
	}
	return fmt.Sprintf("insn %d: %s", e.Slot, e.Msg)
}
