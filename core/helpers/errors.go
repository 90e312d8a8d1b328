package helpers

import (
	"fmt"

	"github.com/bpfplay/bpfplay/core/maps"
)

func errNotKind(mp maps.Map, want string) error {
	return fmt.Errorf("the map is a %s, not a %s", mp.Spec().Type, want)
}

// Errnos helpers return that maps do not define.
const (
	efault       = maps.Errno(14)
	eagain       = maps.Errno(11)
	eafnosupport = maps.Errno(97)
	eacces       = maps.Errno(13)
)
