//go:build !(linux && amd64 && cgo)

package native

import "context"

// Run is not available on this platform.
func Run(ctx context.Context, req *Request) (*Result, error) { return nil, ErrUnsupported }

// Available reports whether native execution works here.
func Available() error { return ErrUnsupported }
