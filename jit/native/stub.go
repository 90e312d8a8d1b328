//go:build !(linux && amd64 && cgo)

package native

import "context"

// Run is not available on this platform.
func Run(ctx context.Context, req *Request) (*Result, error) { return nil, ErrUnsupported }

// RunBatch is not available on this platform.
func RunBatch(ctx context.Context, reqs []*Request) ([]*Result, []error) {
	errs := make([]error, len(reqs))
	for i := range errs {
		errs[i] = ErrUnsupported
	}
	return make([]*Result, len(reqs)), errs
}

// Available reports whether native execution works here.
func Available() error { return ErrUnsupported }
