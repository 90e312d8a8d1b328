//go:build !(js && wasm)

package interp

// accelState is empty where there is no WebAssembly engine to compile to.
type accelState struct{} //nolint:unused // the js/wasm build has the real one

var accelDisabled bool //nolint:unused // set by tests; read by the js/wasm build

func (p *Program) runAccel(env *Env) (*Result, bool) { return nil, false }

var accelRuns, accelRedo int
