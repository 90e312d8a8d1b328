package interp

// Internal opcodes of the pre-decoded program. Each eBPF instruction is
// specialised by class, operation, operand source and width so the
// dispatch switch does no further decoding.
const (
	opInvalid uint8 = iota // a slot that is not an instruction (2nd half of ld_imm64, bad opcode)
	opEnd                  // the pc ran past the last instruction

	// ALU64, immediate (imm sign-extended) then register.
	opAdd64I
	opSub64I
	opMul64I
	opDiv64I
	opSDiv64I
	opOr64I
	opAnd64I
	opLsh64I
	opRsh64I
	opNeg64
	opMod64I
	opSMod64I
	opXor64I
	opMov64I
	opArsh64I
	opAdd64R
	opSub64R
	opMul64R
	opDiv64R
	opSDiv64R
	opOr64R
	opAnd64R
	opLsh64R
	opRsh64R
	opMod64R
	opSMod64R
	opXor64R
	opMov64R
	opArsh64R
	opMovSX8_64
	opMovSX16_64
	opMovSX32_64

	// ALU32 (imm as u32), results zero-extended.
	opAdd32I
	opSub32I
	opMul32I
	opDiv32I
	opSDiv32I
	opOr32I
	opAnd32I
	opLsh32I
	opRsh32I
	opNeg32
	opMod32I
	opSMod32I
	opXor32I
	opMov32I
	opArsh32I
	opAdd32R
	opSub32R
	opMul32R
	opDiv32R
	opSDiv32R
	opOr32R
	opAnd32R
	opLsh32R
	opRsh32R
	opMod32R
	opSMod32R
	opXor32R
	opMov32R
	opArsh32R
	opMovSX8_32
	opMovSX16_32

	// Byte order.
	opLe16
	opLe32
	opNop // le64
	opBswap16
	opBswap32
	opBswap64

	// Memory.
	opLdxB
	opLdxH
	opLdxW
	opLdxDW
	opLdxSB
	opLdxSH
	opLdxSW
	opStB
	opStH
	opStW
	opStDW
	opStxB
	opStxH
	opStxW
	opStxDW
	opAtomic32
	opAtomic64
	opLdImm64
	opLdMap      // ld_imm64 src 1/5: imm = index in the program's map table
	opLdMapValue // ld_imm64 src 2/6: imm = map index, off = value offset
	opLdFunc     // ld_imm64 src 4: imm = absolute pc
	opLdPseudo   // ld_imm64 src 3: not supported at run time
	opLdAbs      // LD_ABS: imm offset, size in src field
	opLdInd      // LD_IND

	// Jumps: absolute target in off.
	opJa
	opJeqI
	opJgtI
	opJgeI
	opJsetI
	opJneI
	opJsgtI
	opJsgeI
	opJltI
	opJleI
	opJsltI
	opJsleI
	opJeqR
	opJgtR
	opJgeR
	opJsetR
	opJneR
	opJsgtR
	opJsgeR
	opJltR
	opJleR
	opJsltR
	opJsleR
	opJeq32I
	opJgt32I
	opJge32I
	opJset32I
	opJne32I
	opJsgt32I
	opJsge32I
	opJlt32I
	opJle32I
	opJslt32I
	opJsle32I
	opJeq32R
	opJgt32R
	opJge32R
	opJset32R
	opJne32R
	opJsgt32R
	opJsge32R
	opJlt32R
	opJle32R
	opJslt32R
	opJsle32R

	opCall      // helper: imm = helper number
	opCallLocal // bpf-to-bpf: off = absolute target
	opCallX     // callx: target in dst
	opCallKfunc // kfunc: not supported
	opExit

	// Superinstructions (see fuse.go).
	opLdxHBe16Add // ldxh dst,[src+off]; be16 dst; add64 acc(imm), dst
	opMovRshI     // mov dst, src; rsh dst, imm
	opMovLshI     // mov dst, src; lsh dst, imm
	opMovAndI     // mov dst, src; and dst, imm
	opMovAddI     // mov dst, src; add dst, imm
	opAddJltI     // add dst, int8(src); if dst < imm goto off
	opAddJleI     // add dst, int8(src); if dst <= imm goto off
	opAddJneI     // add dst, int8(src); if dst != imm goto off
	opAddJltR     // add dst, imm; if dst < src goto off
	opAddJleR     // add dst, imm; if dst <= src goto off
	opAddJneR     // add dst, imm; if dst != src goto off
	opAddIJa      // add dst, imm; goto off
	opRshIJa      // rsh dst, imm; goto off
	opAddRJa      // add dst, src; goto off
	opAndIAddR    // and dst, imm; add dst, src
	opAddRAndI    // add dst, src; and dst, imm
)
