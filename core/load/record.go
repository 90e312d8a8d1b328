package load

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/bpfplay/bpfplay/core/cbpf"
	"github.com/bpfplay/bpfplay/core/interp/testrun"
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/record"
)

// RecordOptions adjust how program records are processed.
type RecordOptions struct {
	// NoVerify runs programs without the verifier, as Linux's test_bpf
	// module does; ok then only says the record could be read.
	NoVerify bool
	// JIT runs the program natively too (jit_run), and without the
	// verifier JIT-compiles the program as written (jited). Verified
	// programs always get jited: the JIT's image of the xlated program.
	JIT bool
	// Budget caps executed instructions per run (0: the default).
	Budget int64
}

// Errnos a record can get from the pipeline itself.
const (
	errnoEINVAL = 22
)

// Record processes one program record the way the kernel oracle does
// (load, then BPF_PROG_TEST_RUN when the record has test_run) and
// answers in the oracle's output format, so the two can be compared line
// by line. It never fails: a record it cannot process gets ok=false, an
// errno and an error message.
func Record(ctx context.Context, in *record.In, opt RecordOptions) *record.Out {
	out := &record.Out{Name: in.Name}
	if in.CBPF {
		return classicRecord(in, out)
	}
	if !createMaps(in, out) {
		return out
	}
	out.OK = true
	var xl *xlatedProg
	if !opt.NoVerify {
		accepted, x := verifyRecord(ctx, in, out)
		if !accepted {
			return out
		}
		xl = x
	}
	if in.TestRun != nil {
		out.Run = runRecord(ctx, in, opt)
	}
	switch {
	case xl != nil:
		jitXlatedRecord(ctx, in, out, xl, opt.JIT)
	case opt.JIT && opt.NoVerify:
		jitRecord(ctx, in, out)
	}
	return out
}

func runRecord(ctx context.Context, in *record.In, opt RecordOptions) *record.Run {
	var cancel atomic.Bool
	stop := context.AfterFunc(ctx, func() { cancel.Store(true) })
	defer stop()
	res, err := testrun.Run(in, &testrun.Options{Budget: opt.Budget, Cancel: &cancel, RawCtx: in.Source == "test_bpf"})
	if err != nil {
		return &record.Run{OK: false, Errno: errnoEINVAL, Error: err.Error()}
	}
	r := res.Run
	return &r
}

// classicRecord loads a classic program: Linux's classic checks, then a
// run of the program it converts to.
func classicRecord(in *record.In, out *record.Out) *record.Out {
	p, err := cbpf.DecodeRaw(in.Insns)
	if err == nil {
		err = cbpf.Check(p)
	}
	if err != nil {
		out.Errno, out.Error = errnoEINVAL, err.Error()
		return out
	}
	out.OK = true
	if in.TestRun == nil {
		return out
	}
	skb := cbpf.TestBPFSkb(in.TestRun.Data)
	if in.Source != "test_bpf" {
		skb = cbpf.TestRunSkb(in.TestRun.Data)
	}
	ret, err := cbpf.Run(p, skb)
	if err != nil {
		out.Run = &record.Run{OK: false, Errno: errnoEINVAL, Error: err.Error()}
		return out
	}
	out.Run = &record.Run{OK: true, Retval: ret}
	return out
}

// createMaps checks the record's maps the way loading it would create
// them (mapCreateError); a refused map fails the record at the
// map_create stage, as in the oracle's answers.
func createMaps(in *record.In, out *record.Out) bool {
	i, errno, msg := mapCreateError(in)
	if errno == 0 {
		return true
	}
	out.OK, out.Errno, out.Error, out.Stage = false, int(errno), fmt.Sprintf("map %d: %s", i, msg), "map_create"
	return false
}

// mapCreateError creates a record's maps, before the program, as
// loading it does: BPF_MAP_CREATE's rules, then the updates of the
// initial entries. It returns the index, errno and reason of the first
// map the kernel would refuse, or errno 0. A type the runtime does not
// model is left to the verifier (which only needs its spec).
func mapCreateError(in *record.In) (int, maps.Errno, string) {
	for i := range in.Maps {
		_, err := maps.FromRecord(&in.Maps[i])
		if err == nil {
			continue
		}
		var ce *maps.CreateError
		var errno maps.Errno
		switch {
		case errors.As(err, &ce) && ce.Unmodelled:
			continue
		case errors.As(err, &ce):
			return i, ce.Errno, fmt.Sprintf("BPF_MAP_CREATE: %s (%s)", ce.Errno, ce.Msg)
		case errors.As(err, &errno):
			return i, errno, err.Error()
		default:
			return i, maps.EINVAL, err.Error()
		}
	}
	return 0, 0, ""
}
