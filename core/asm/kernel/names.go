package kernel

import "github.com/bpfplay/bpfplay/core/isa"

// aluOps are the compound assignment operators of the ALU operations, as
// every style prints them.
var aluOps = map[isa.ALUOp]string{
	isa.Add: "+=", isa.Sub: "-=", isa.Mul: "*=", isa.Div: "/=", isa.Or: "|=", isa.And: "&=",
	isa.LSh: "<<=", isa.RSh: ">>=", isa.Mod: "%=", isa.Xor: "^=", isa.Mov: "=", isa.ArSh: "s>>=",
}

// jumpOps are the comparison operators of the conditional jumps. Linux
// 6.1 prints JMP32|JA with the name "jmp" in the same pattern.
var jumpOps = map[isa.JumpOp]string{
	isa.JEq: "==", isa.JGT: ">", isa.JGE: ">=", isa.JSet: "&", isa.JNE: "!=", isa.JSGT: "s>",
	isa.JSGE: "s>=", isa.JLT: "<", isa.JLE: "<=", isa.JSLT: "s<", isa.JSLE: "s<=",
}

// sizeNames are the C types of the access sizes.
var sizeNames = map[isa.Size]string{isa.Byte: "u8", isa.Half: "u16", isa.Word: "u32", isa.DWord: "u64"}

// signedSizeNames are the C types of the sign-extending loads.
var signedSizeNames = map[isa.Size]string{isa.Byte: "s8", isa.Half: "s16", isa.Word: "s32"}

// atomicNames are the function names of the fetching atomics.
var atomicNames = map[isa.AtomicOp]string{
	isa.AtomicFetchAdd: "add", isa.AtomicFetchAnd: "and", isa.AtomicFetchOr: "or", isa.AtomicFetchXor: "xor",
}

// maxHelper61 is __BPF_FUNC_MAX_ID of Linux 6.1: helper numbers at or
// above it print as "unknown".
const maxHelper61 = 210

// helperName is the name Linux 6.1's log gives helper number id.
func helperName(id int64) string {
	switch {
	case id == 0:
		return "bpf_unspec"
	case id > 0 && id < maxHelper61 && isa.HelperID(id).Name() != "":
		return isa.HelperID(id).String()
	}
	return "unknown"
}
