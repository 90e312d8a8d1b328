package verifier

import "sync"

// PTR_TO_BTF_ID registers name the kernel struct they point to. bpfplay
// knows those structs by name only, so a register keeps a small number
// for the name (regState.btfID), not the name itself: a string would add
// 16 bytes to every register of every state copy.
var btfNames struct {
	sync.Mutex
	ids   map[string]uint32
	names []string // names[id-1]
}

// btfIDOf is the number of a struct name (from 1; 0 for "").
func btfIDOf(name string) uint32 {
	if name == "" {
		return 0
	}
	btfNames.Lock()
	defer btfNames.Unlock()
	if id, ok := btfNames.ids[name]; ok {
		return id
	}
	if btfNames.ids == nil {
		btfNames.ids = map[string]uint32{}
	}
	btfNames.names = append(btfNames.names, name)
	id := uint32(len(btfNames.names))
	btfNames.ids[name] = id
	return id
}

// btfNameOf is the name btfIDOf numbered id.
func btfNameOf(id uint32) string {
	if id == 0 {
		return ""
	}
	btfNames.Lock()
	defer btfNames.Unlock()
	return btfNames.names[id-1]
}
