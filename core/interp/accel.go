package interp

import "github.com/bpfplay/bpfplay/core/interp/wasmgen"

// WasmLayout is where Run puts frame 0's stack and Env.Mem, for code
// compiled by wasmgen: the same pointers must mean the same bytes.
func WasmLayout() wasmgen.Layout {
	return wasmgen.Layout{StackBase: 1 << regionShift, StackSize: stackSize, MemBase: (maxFrames + 2) << regionShift}
}
