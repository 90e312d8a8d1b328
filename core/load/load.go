// Package load is bpfplay's load pipeline, the one entry point the wasm
// bridge, the server and the CLI's batch share. It mirrors the kernel's
// bpf_prog_load: the source becomes instructions (assembly, classic BPF
// conversion, an ELF section), the verifier checks them and rewrites
// them into the program the kernel would run, a runtime is selected (the
// JIT, or the interpreter variant sized by the stack depth), and the
// loaded program can then be run on a packet or context.
//
// Every stage reports in the response, so the UI can show each step; a
// stage that cannot run says why in Diagnostics rather than failing the
// whole request.
package load

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/bpfplay/bpfplay/core/cbpf"
	"github.com/bpfplay/bpfplay/core/interp/testrun"
	"github.com/bpfplay/bpfplay/core/progtype"
)

// Load runs the pipeline for one request. It never panics on bad input;
// problems with the input come back as error diagnostics.
func Load(ctx context.Context, req *Request) *Response {
	resp := &Response{}
	p, err := resolve(req)
	if err != nil {
		resp.fail(err)
		return resp
	}
	if req.ProgType == "" {
		req.ProgType, req.AttachType = p.progType, p.attachType
	}
	if req.ProgType == "" {
		req.ProgType = "socket_filter"
	}
	pt, ok := progtype.Lookup(req.ProgType)
	if !ok {
		resp.Diagnostics = append(resp.Diagnostics, Diagnostic{Severity: "error", Stage: "input",
			Message: "unknown program type " + quote(req.ProgType) + " (the kernel's names: socket_filter, xdp, sched_cls, kprobe, ...)"})
		return resp
	}
	resp.ProgType = pt.Name
	resp.Listing = p.listing()
	resp.Classic = p.classic
	for i, m := range p.maps {
		resp.Maps = append(resp.Maps, MapInfo{Name: nameAt(p.mapName, i), Type: m.Type, KeySize: m.KeySize, ValueSize: m.ValueSize, MaxEntries: m.MaxEntries})
	}
	resp.OK = true

	if p.classic == nil {
		// Maps come first: a map the kernel refuses fails the load
		// before the verifier runs.
		if i, errno, msg := mapCreateError(p.record(req)); errno != 0 {
			resp.Diagnostics = append(resp.Diagnostics, Diagnostic{Severity: "error", Stage: "maps",
				Message: fmt.Sprintf("map %s: %s (errno %d)", quote(nameAt(p.mapName, i)), msg, int(errno))})
			resp.OK = false
			return resp
		}
	}
	if !req.NoVerify && p.classic == nil {
		if !verify(ctx, req, p, resp) {
			resp.OK = false
			return resp
		}
	}
	if req.JIT {
		compileJIT(req, p, resp)
	}
	switch {
	case req.Run != nil && p.classic != nil:
		runClassic(req, p, pt, resp)
	case req.Run != nil && req.Run.Engine == "native" && runNative(ctx, req, p, pt, p.states, resp):
	case req.Run != nil:
		runProgram(ctx, req, p, pt, resp)
	}
	return resp
}

func (r *Response) fail(err error) {
	r.OK = false
	var ie *inputError
	if errors.As(err, &ie) {
		r.Diagnostics = append(r.Diagnostics, ie.diags...)
		return
	}
	r.Diagnostics = append(r.Diagnostics, Diagnostic{Severity: "error", Stage: "internal", Message: err.Error()})
}

// runProgram runs the loaded program in the interpreter.
func runProgram(ctx context.Context, req *Request, p *program, pt *progtype.Type, resp *Response) {
	in := p.record(req)
	var cancel atomic.Bool
	stop := context.AfterFunc(ctx, func() { cancel.Store(true) })
	defer stop()
	opts := &testrun.Options{Budget: req.Run.Budget, Cancel: &cancel, State: runState(req.Run)}
	if req.Run.Trace {
		opts.Trace = traceLimit
	}
	res, err := testrun.Run(in, opts)
	rr := &RunResult{Engine: "interpreter"}
	resp.Run = rr
	if err != nil {
		rr.Error = err.Error()
		resp.OK = false
		return
	}
	rr.DurationNs = res.Duration.Nanoseconds()
	rr.OK = res.Run.OK
	rr.Errno = res.Run.Errno
	rr.Error = res.Run.Error
	rr.Retval = res.Run.Retval
	rr.DataOut = res.Run.DataOut
	if ir := res.Interp; ir != nil {
		rr.R0 = ir.R0
		rr.Insns = ir.Insns
		rr.Trace = ir.Trace
		rr.Truncated = ir.TraceTruncated
		if f := ir.Fault; f != nil {
			rr.Fault = &Fault{PC: f.PC, Kind: f.Kind.String(), Msg: f.Msg, Addr: f.Addr}
		}
	}
	rr.RetvalName = pt.ReturnName(uint64(rr.Retval))
	if res.State != nil {
		rr.TracePipe = res.State.TracePipe.String()
	}
	rr.Output = outputRecords(res.Maps, p.mapName)
	for i, entries := range res.MapsAfter() {
		mc := MapContents{Name: nameAt(p.mapName, i), Entries: entries}
		if i < len(p.maps) {
			mc.Type = p.maps[i].Type
		}
		rr.Maps = append(rr.Maps, mc)
	}
	if !rr.OK {
		resp.OK = false
	}
}

// traceLimit bounds a traced run's step log, so a long loop cannot
// exhaust a browser tab's memory.
const traceLimit = 10000

func nameAt(names []string, i int) string {
	if i < len(names) {
		return names[i]
	}
	return ""
}

func quote(s string) string { return "\"" + s + "\"" }

// runClassic runs classic input the way a packet socket filter sees a
// frame (what tcpdump attaches to), with the semantics of the eBPF Linux
// converts it to.
func runClassic(req *Request, p *program, pt *progtype.Type, resp *Response) {
	start := time.Now()
	ret, err := cbpf.Run(p.cprog, cbpf.PacketSkb(req.Run.Data))
	rr := &RunResult{Engine: "classic", DurationNs: time.Since(start).Nanoseconds()}
	resp.Run = rr
	if err != nil {
		rr.Error = err.Error()
		resp.OK = false
		return
	}
	rr.OK, rr.R0, rr.Retval = true, uint64(ret), ret
	rr.RetvalName = pt.ReturnName(uint64(ret))
}
