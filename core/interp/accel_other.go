//go:build !(js && wasm)

package interp

// accelState is empty where there is no WebAssembly engine to compile to.
type accelState struct{}

var accelDisabled bool

func (p *Program) runAccel(env *Env) (*Result, bool) { return nil, false }

var accelRuns, accelRedo int
