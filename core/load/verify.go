package load

import (
	"context"

	"github.com/bpfplay/bpfplay/core/record"
)

// verify runs the verifier; it reports false when the program is
// rejected (or cannot be verified), having filled resp.Verifier.
func verify(ctx context.Context, req *Request, p *program, resp *Response) bool {
	resp.Diagnostics = append(resp.Diagnostics, Diagnostic{Severity: "warning", Stage: "verify",
		Message: "this build has no verifier yet: the program was not checked"})
	return true
}

// verifyRecord verifies a record's program, filling the load fields of
// out; it reports whether the program was accepted.
func verifyRecord(ctx context.Context, in *record.In, out *record.Out) bool {
	out.OK, out.Errno, out.Error = false, 524, "bpfplay: this build has no verifier yet; use --no-verify"
	return false
}
