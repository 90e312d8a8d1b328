package wasmgen

// Minimal WebAssembly binary encoding.

func uleb(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

func sleb(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func section(out []byte, id byte, body []byte) []byte {
	out = append(out, id)
	out = uleb(out, uint64(len(body)))
	return append(out, body...)
}

func name(b []byte, s string) []byte {
	b = uleb(b, uint64(len(s)))
	return append(b, s...)
}

// Opcodes used by the generator.
const (
	opUnreachable = 0x00
	opBlock       = 0x02
	opLoop        = 0x03
	opIf          = 0x04
	opElse        = 0x05
	opEnd         = 0x0b
	opBr          = 0x0c
	opBrIf        = 0x0d
	opBrTable     = 0x0e
	opReturn      = 0x0f
	opLocalGet    = 0x20
	opLocalSet    = 0x21
	opLocalTee    = 0x22
	opI64Load     = 0x29
	opI64Load8S   = 0x30
	opI64Load8U   = 0x31
	opI64Load16S  = 0x32
	opI64Load16U  = 0x33
	opI64Load32S  = 0x34
	opI64Load32U  = 0x35
	opI64Store    = 0x37
	opI64Store8   = 0x3c
	opI64Store16  = 0x3d
	opI64Store32  = 0x3e
	opI32Const    = 0x41
	opI64Const    = 0x42
	opI32Eqz      = 0x45
	opI64Eqz      = 0x50
	opI64Eq       = 0x51
	opI64Ne       = 0x52
	opI64LtS      = 0x53
	opI64LtU      = 0x54
	opI64GtS      = 0x55
	opI64GtU      = 0x56
	opI64LeS      = 0x57
	opI64LeU      = 0x58
	opI64GeS      = 0x59
	opI64GeU      = 0x5a
	opI32Eq       = 0x46
	opI32Ne       = 0x47
	opI32LtS      = 0x48
	opI32LtU      = 0x49
	opI32GtS      = 0x4a
	opI32GtU      = 0x4b
	opI32LeS      = 0x4c
	opI32LeU      = 0x4d
	opI32GeS      = 0x4e
	opI32GeU      = 0x4f
	opI32Add      = 0x6a
	opI32Sub      = 0x6b
	opI32Mul      = 0x6c
	opI32DivS     = 0x6d
	opI32DivU     = 0x6e
	opI32RemS     = 0x6f
	opI32RemU     = 0x70
	opI32And      = 0x71
	opI32Or       = 0x72
	opI32Xor      = 0x73
	opI32Shl      = 0x74
	opI32ShrS     = 0x75
	opI32ShrU     = 0x76
	opI32Rotl     = 0x77
	opI32Rotr     = 0x78
	opI64Add      = 0x7c
	opI64Sub      = 0x7d
	opI64Mul      = 0x7e
	opI64DivS     = 0x7f
	opI64DivU     = 0x80
	opI64RemS     = 0x81
	opI64RemU     = 0x82
	opI64And      = 0x83
	opI64Or       = 0x84
	opI64Xor      = 0x85
	opI64Shl      = 0x86
	opI64ShrS     = 0x87
	opI64ShrU     = 0x88
	opI32WrapI64  = 0xa7
	opI64ExtendS  = 0xac
	opI64ExtendU  = 0xad
	opI32Ext8S    = 0xc0
	opI32Ext16S   = 0xc1
	opI64Ext8S    = 0xc2
	opI64Ext16S   = 0xc3
	opI64Ext32S   = 0xc4

	typeEmpty = 0x40
	typeI32   = 0x7f
	typeI64   = 0x7e
)
