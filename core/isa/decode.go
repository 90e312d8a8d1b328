package isa

import "fmt"

// Program is a sequence of logical instructions.
type Program []Instruction

// NumSlots returns the number of 8-byte slots the program occupies.
func (p Program) NumSlots() int {
	n := 0
	for _, ins := range p {
		n += ins.Width()
	}
	return n
}

// MarshalBinary encodes the program.
func (p Program) MarshalBinary() ([]byte, error) { return p.Encode(), nil }

// Encode returns the program's bytes. It is the exact inverse of Decode.
func (p Program) Encode() []byte {
	b := make([]byte, 0, p.NumSlots()*SlotSize)
	for _, ins := range p {
		b = ins.AppendBinary(b)
	}
	return b
}

// SlotIndex returns, for every slot, the index of the instruction that
// starts there, or -1 for the second half of an ld_imm64. Verifier logs,
// jump offsets and kernel pcs all count slots; this maps them back.
func (p Program) SlotIndex() []int {
	idx := make([]int, 0, len(p)+len(p)/8)
	for i, ins := range p {
		idx = append(idx, i)
		if ins.Width() == 2 {
			idx = append(idx, -1)
		}
	}
	return idx
}

// PCs returns the slot number where each instruction starts.
func (p Program) PCs() []int {
	pcs := make([]int, len(p))
	pc := 0
	for i, ins := range p {
		pcs[i] = pc
		pc += ins.Width()
	}
	return pcs
}

// Decode reads a program from its encoding and checks every slot against
// the instruction set (RFC 9669 and Linux's forms): unknown opcodes,
// non-zero reserved fields, registers above r10, and the pairing of
// ld_imm64 all fail with an *Error naming the slot.
func Decode(b []byte) (Program, error) {
	slots, err := UnmarshalSlots(b)
	if err != nil {
		return nil, err
	}
	return FromSlots(slots)
}

// FromSlots is Decode for slots already split.
//
// The error reported is the one Linux 6.1 reports for the same program
// as far as decoding goes: first the problems it finds while loading,
// over the whole program (unknown opcodes, LDX modes and fields, the
// pairing and pseudo source of ld_imm64, unknown atomic operations; see
// Error.AtLoad), then, in program order, the reserved fields and
// registers the verifier checks when it reaches an instruction.
func FromSlots(slots []Slot) (Program, error) {
	var later *Error // the first do_check-time problem, reported after the load-time pass
	for i := 0; i < len(slots); i++ {
		if slots[i].Op == OpLdImm64 {
			if err := checkSecondHalf(slots, i+1); err != nil {
				return nil, err
			}
		}
		if err := CheckSlot(slots[i]); err != nil {
			err.Slot = i
			if err.AtLoad() {
				return nil, err
			}
			if later == nil {
				later = err
			}
		}
		if slots[i].Op == OpLdImm64 {
			i++
		}
	}
	if later != nil {
		return nil, later
	}
	return Pair(slots)
}

// Pair joins slots into logical instructions without checking reserved
// fields: it only needs each ld_imm64 to have a second slot. It is what
// a runtime that trusts its input (or reports faults itself) uses.
func Pair(slots []Slot) (Program, error) {
	p := make(Program, 0, len(slots))
	for i := 0; i < len(slots); i++ {
		s := slots[i]
		ins := Instruction{OpCode: s.Op, Dst: s.Dst, Src: s.Src, Off: s.Off, Imm: int64(s.Imm)}
		if s.Op == OpLdImm64 {
			if i+1 >= len(slots) {
				return nil, &Error{Slot: i, Code: ErrLdImm64Truncated, Field: "imm2",
					Msg: "ld_imm64 needs a second slot but the program ends", Kernel: "invalid bpf_ld_imm64 insn"}
			}
			i++
			ins.Imm = int64(uint64(uint32(s.Imm)) | uint64(uint32(slots[i].Imm))<<32)
		}
		p = append(p, ins)
	}
	return p, nil
}

func checkSecondHalf(slots []Slot, i int) *Error {
	if i >= len(slots) {
		return &Error{Slot: i - 1, Code: ErrLdImm64Truncated, Field: "imm2",
			Msg: "ld_imm64 needs a second slot but the program ends", Kernel: "invalid bpf_ld_imm64 insn"}
	}
	s := slots[i]
	bad := func(field string) *Error {
		return &Error{Slot: i, Code: ErrLdImm64Second, Field: field,
			Msg:    fmt.Sprintf("second half of ld_imm64 must have opcode, registers and offset zero, found %s", s),
			Kernel: "invalid bpf_ld_imm64 insn"}
	}
	switch {
	case s.Op != 0:
		return bad("opcode")
	case s.Dst != 0:
		return bad("dst")
	case s.Src != 0:
		return bad("src")
	case s.Off != 0:
		return bad("off")
	}
	return nil
}

// CheckSlot checks one slot (the first slot of an instruction) against
// the instruction set. The returned error's Slot is 0; callers set it.
func CheckSlot(s Slot) *Error {
	var err *Error
	switch c := s.Op.Class(); c {
	case ALUClass, ALU64Class:
		err = checkALU(s)
	case JumpClass, Jump32Class:
		err = checkJump(s)
	case LdClass:
		err = checkLd(s)
	case LdXClass:
		err = checkLdX(s)
	case StClass:
		err = checkSt(s)
	default:
		err = checkStX(s)
	}
	if err != nil {
		return err
	}
	// Registers last: Linux checks the opcode and reserved fields first.
	if !s.Dst.Valid() {
		return &Error{Code: ErrBadRegister, Field: "dst", Msg: fmt.Sprintf("register r%d does not exist (r0-r10)", s.Dst),
			Kernel: fmt.Sprintf("R%d is invalid", s.Dst)}
	}
	if !s.Src.Valid() && s.Op != OpLdImm64 && s.Op != OpCall {
		return &Error{Code: ErrBadRegister, Field: "src", Msg: fmt.Sprintf("register r%d does not exist (r0-r10)", s.Src),
			Kernel: fmt.Sprintf("R%d is invalid", s.Src)}
	}
	return nil
}

func unknownOpcode(s Slot) *Error {
	return &Error{Code: ErrUnknownOpcode, Field: "opcode", Msg: fmt.Sprintf("unknown opcode %#02x", uint8(s.Op)),
		Kernel: fmt.Sprintf("unknown opcode %02x", uint8(s.Op))}
}

func reserved(s Slot, field, kernel string) *Error {
	return &Error{Code: ErrReservedField, Field: field,
		Msg:    fmt.Sprintf("%s must be zero for opcode %#02x, found %s", field, uint8(s.Op), s),
		Kernel: kernel}
}

// zeroFields checks that the named fields of s are zero, in the order
// given, and reports the first that is not.
func zeroFields(s Slot, kernel string, fields ...string) *Error {
	for _, f := range fields {
		var nz bool
		switch f {
		case "dst":
			nz = s.Dst != 0
		case "src":
			nz = s.Src != 0
		case "off":
			nz = s.Off != 0
		case "imm":
			nz = s.Imm != 0
		default:
			panic("BUG: unknown field " + f)
		}
		if nz {
			return reserved(s, f, kernel)
		}
	}
	return nil
}

func checkALU(s Slot) *Error {
	op := s.Op.ALUOp()
	src := s.Op.Source()
	is64 := s.Op.Class() == ALU64Class
	switch op {
	case Add, Sub, Mul, Or, And, LSh, RSh, Xor, ArSh:
		if src == ImmSource {
			return zeroFields(s, "BPF_ALU uses reserved fields", "src", "off")
		}
		return zeroFields(s, "BPF_ALU uses reserved fields", "imm", "off")
	case Div, Mod:
		if s.Off != 0 && s.Off != 1 {
			return reserved(s, "off", "BPF_ALU uses reserved fields")
		}
		if src == ImmSource {
			return zeroFields(s, "BPF_ALU uses reserved fields", "src")
		}
		return zeroFields(s, "BPF_ALU uses reserved fields", "imm")
	case Neg:
		if src != ImmSource {
			return reserved(s, "opcode source bit", fmt.Sprintf("unknown opcode %02x", uint8(s.Op)))
		}
		return zeroFields(s, "BPF_NEG uses reserved fields", "src", "off", "imm")
	case Mov:
		if src == ImmSource {
			return zeroFields(s, "BPF_MOV uses reserved fields", "src", "off")
		}
		switch s.Off {
		case 0, 8, 16:
		case 32:
			if !is64 {
				return reserved(s, "off", "BPF_MOV uses reserved fields")
			}
		default:
			return reserved(s, "off", "BPF_MOV uses reserved fields")
		}
		return zeroFields(s, "BPF_MOV uses reserved fields", "imm")
	case End:
		if is64 && src != ImmSource {
			return unknownOpcode(s) // ALU64|END|X does not exist
		}
		if err := zeroFields(s, "BPF_END uses reserved fields", "src", "off"); err != nil {
			return err
		}
		if s.Imm != 16 && s.Imm != 32 && s.Imm != 64 {
			return &Error{Code: ErrBadEndian, Field: "imm", Msg: fmt.Sprintf("byte swap width must be 16, 32 or 64, found %d", s.Imm),
				Kernel: "BPF_END uses reserved fields"}
		}
		return nil
	}
	return unknownOpcode(s)
}

func checkJump(s Slot) *Error {
	op := s.Op.JumpOp()
	is32 := s.Op.Class() == Jump32Class
	src := s.Op.Source()
	switch {
	case op == Ja && !is32:
		if src != ImmSource {
			return unknownOpcode(s)
		}
		return zeroFields(s, "BPF_JA uses reserved fields", "dst", "src", "imm")
	case op == Ja && is32: // gotol: 32-bit offset in imm
		if src != ImmSource {
			return unknownOpcode(s)
		}
		return zeroFields(s, "BPF_JA uses reserved fields", "dst", "src", "off")
	case op == Call && !is32:
		if src == RegSource { // callx: the register is in dst
			return zeroFields(s, "BPF_CALL uses reserved fields", "src", "off", "imm")
		}
		if err := zeroFields(s, "BPF_CALL uses reserved fields", "dst", "off"); err != nil {
			return err
		}
		if s.Src > CallKfunc {
			return reserved(s, "src", "BPF_CALL uses reserved fields")
		}
		return nil
	case op == Exit && !is32:
		if src != ImmSource {
			return unknownOpcode(s)
		}
		return zeroFields(s, "BPF_EXIT uses reserved fields", "dst", "src", "off", "imm")
	case op.IsConditional():
		if !s.Dst.Valid() { // Linux checks a comparison's dst before its fields
			return &Error{Code: ErrBadRegister, Field: "dst", Msg: fmt.Sprintf("register r%d does not exist (r0-r10)", s.Dst),
				Kernel: fmt.Sprintf("R%d is invalid", s.Dst)}
		}
		if src == ImmSource {
			return zeroFields(s, "BPF_JMP/JMP32 uses reserved fields", "src")
		}
		return zeroFields(s, "BPF_JMP/JMP32 uses reserved fields", "imm")
	}
	return unknownOpcode(s)
}

func checkLd(s Slot) *Error {
	switch s.Op.Mode() {
	case ImmMode:
		if s.Op.Size() != DWord {
			return unknownOpcode(s)
		}
		if err := zeroFields(s, "BPF_LD_IMM64 uses reserved fields", "off"); err != nil {
			return err
		}
		if !PseudoSrc(s.Src).Valid() {
			return &Error{Code: ErrLdImm64Pseudo, Field: "src", Msg: fmt.Sprintf("ld_imm64 pseudo source %d is unknown (0-6)", s.Src),
				Kernel: "unrecognized bpf_ld_imm64 insn"}
		}
		return nil
	case AbsMode:
		if s.Op.Size() == DWord {
			return unknownOpcode(s)
		}
		return zeroFields(s, "BPF_LD_[ABS|IND] uses reserved fields", "dst", "src", "off")
	case IndMode:
		if s.Op.Size() == DWord {
			return unknownOpcode(s)
		}
		return zeroFields(s, "BPF_LD_[ABS|IND] uses reserved fields", "dst", "off")
	}
	return unknownOpcode(s)
}

func checkLdX(s Slot) *Error {
	// Linux rejects every LDX mode but MEM, and a non-zero imm, with the
	// same message, before looking at the opcode table.
	const kernel = "BPF_LDX uses reserved fields"
	switch s.Op.Mode() {
	case MemMode:
		return zeroFields(s, kernel, "imm")
	case MemSXMode:
		if s.Op.Size() == DWord {
			err := unknownOpcode(s)
			err.Kernel = kernel
			return err
		}
		return zeroFields(s, kernel, "imm")
	}
	err := unknownOpcode(s)
	err.Kernel = kernel
	return err
}

func checkSt(s Slot) *Error {
	if s.Op.Mode() != MemMode {
		return unknownOpcode(s)
	}
	return zeroFields(s, "BPF_ST uses reserved fields", "src")
}

func checkStX(s Slot) *Error {
	switch s.Op.Mode() {
	case MemMode:
		return zeroFields(s, "BPF_STX uses reserved fields", "imm")
	case AtomicMode:
		if s.Op.Size() != Word && s.Op.Size() != DWord {
			return &Error{Code: ErrBadAtomic, Field: "opcode", Msg: fmt.Sprintf("atomic operations are 32 or 64 bits wide, opcode %#02x is %d", uint8(s.Op), s.Op.Size().Bytes()*8),
				Kernel: fmt.Sprintf("unknown opcode %02x", uint8(s.Op))}
		}
		if !AtomicOp(uint32(s.Imm)).Valid() {
			return &Error{Code: ErrBadAtomic, Field: "imm", Msg: fmt.Sprintf("unknown atomic operation %#x", uint32(s.Imm)),
				Kernel: fmt.Sprintf("BPF_ATOMIC uses invalid atomic opcode %02x", uint32(s.Imm))}
		}
		return nil
	}
	return unknownOpcode(s)
}
