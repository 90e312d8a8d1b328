//go:build bpfplay_noelf

package load

// fromELF in a core built without the ELF reader (-tags bpfplay_noelf:
// the browser's start-up core, docs/web.md "Two cores"): the page sends
// ELF objects to the full core instead.
func fromELF([]byte, string) (*program, error) {
	return nil, inputErr("input", "this build of the core reads no ELF objects (built with -tags bpfplay_noelf)")
}
