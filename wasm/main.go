//go:build js && wasm

// Command wasm is the bpfplay core compiled for the browser. It runs inside
// a Web Worker (web/src/worker.ts) and exposes one synchronous function,
// bpfplayCall(method, paramsJSON) -> responseJSON, backed by package bridge.
// A long run is cancelled by terminating the worker, so nothing here needs
// to poll for cancellation; the interpreter's instruction budget bounds runs
// that nobody cancels.
package main

import (
	"syscall/js"

	"github.com/bpfplay/bpfplay/wasm/bridge"
)

func main() {
	call := js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) < 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeString {
			return `{"ok":false,"error":"bpfplayCall(method, paramsJSON): bad arguments","internal":true}`
		}
		return string(bridge.Call(args[0].String(), []byte(args[1].String())))
	})
	js.Global().Set("bpfplayCall", call)
	if ready := js.Global().Get("bpfplayReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {} // keep the exported function alive
}
