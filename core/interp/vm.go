package interp

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/bpfplay/bpfplay/core/helpers"
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/progtype"
)

// DefaultBudget is the instruction budget when Env.Budget is 0.
const DefaultBudget = 1_000_000

// MaxTailCalls is Linux's MAX_TAIL_CALL_CNT: a program may tail-call 33
// times; the 34th falls through.
const MaxTailCalls = 33

// Env is everything a run gets besides the program.
type Env struct {
	// Ctx is the context built by progtype.NewRun. r1 points to it:
	// a model region for skb/xdp, raw bytes otherwise.
	Ctx *progtype.Run
	// Mem, when Ctx is nil, is plain input memory: r1 = its address,
	// r2 = its length (the conformance suite's convention). nil: r1 = 0.
	Mem []byte
	// Budget caps executed instructions (0: DefaultBudget; < 0: none).
	Budget int64
	// Cancel stops the run at the next check (every 64Ki instructions)
	// when it becomes true.
	Cancel *atomic.Bool
	// Trace records up to this many steps (0: no trace).
	Trace int
	// State is the helpers' world; nil: helpers.NewState(1).
	State *helpers.State
}

// Result is the outcome of a run.
type Result struct {
	R0    uint64
	Insns int64  // executed instructions (ld_imm64 and the final exit count one each)
	Fault *Fault // nil when the program exited normally
	// Trace is the step log (Env.Trace > 0).
	Trace          []Step
	TraceTruncated bool
}

// Fault is a runtime error: the program stopped without exiting.
type Fault struct {
	PC   int // slot of the faulting instruction
	Kind FaultKind
	Msg  string
	Addr uint64 // for memory faults
}

// FaultKind classifies faults so tests and UIs can compare them.
type FaultKind uint8

// Fault kinds.
const (
	FaultMemory    FaultKind = iota + 1 // load/store outside the regions
	FaultBudget                         // instruction budget exhausted
	FaultCancelled                      // Env.Cancel was set
	FaultInsn                           // invalid instruction or jump target
	FaultCall                           // call depth, unknown helper, bad callee
	FaultHelper                         // a helper refused its arguments
)

func (f *Fault) Error() string { return fmt.Sprintf("pc %d: %s", f.PC, f.Msg) }

// frame is one bpf-to-bpf call level.
type frame struct {
	prog     *Program
	ret      int        // pc to return to in prog of the caller
	saved    [10]uint64 // the caller's r1..r10
	callback bool       // entered from a helper (bpf_loop): exit returns to it
}

// vm is the state of one run.
type vm struct {
	regs    [16]uint64
	sp      space
	env     *Env
	state   *helpers.State
	prog    *Program // the program whose code runs (changes on tail calls)
	mapAddr []uint64 // addresses of prog.Maps in this run
	frames  [maxFrames + 1]frame
	depth   int
	stacks  [maxFrames + 1]uint64 // stack top (r10) of each frame
	tails   int
	ctxAddr uint64
	pktAddr uint64 // region of the packet, 0 when none
	pktBase int    // offset in the packet buffer of the region's first byte

	remaining int64 // budget not yet handed to the loop
	unlimited bool
	fault     *Fault

	trace    []Step
	traceMax int
	traceOn  bool
	tracePre traceSnap

	progMaps   map[*Program][]uint64
	funcs      map[funcRef]uint64
	helperPC   int
	flowKeys   uint64
	sock       uint64 // the skb's struct bpf_sock, once mapped
	traceTrunc bool
	stackMem   []byte         // all frames' stacks
	maxDepth   int            // deepest frame used (its stack needs clearing)
	pointees   map[int]uint64 // PtrMem fields of the context, mapped
	pc         int            // the loop's pc while step or refill runs
	left       int64          // the loop's unused chunk while step runs
}

var stackNames = func() (n [maxFrames + 1]string) {
	for i := range n {
		n[i] = "stack#" + itoa(i)
	}
	return
}()

// vms are reused between runs: a run's fixed cost is then a few
// hundred nanoseconds, not a dozen allocations.
var vmPool = sync.Pool{New: func() any {
	return &vm{stackMem: make([]byte, (maxFrames+1)*stackSize),
		sp: space{byPtr: map[*byte]uint64{}, byMap: map[maps.Map]uint64{}}}
}}

func newVM(env *Env) *vm {
	v := vmPool.Get().(*vm)
	v.env = env
	return v
}

// release clears what the run referenced and returns v to the pool.
func (v *vm) release() {
	clear(v.stackMem[:(v.maxDepth+1)*stackSize])
	clear(v.sp.spans)
	clear(v.sp.regions)
	v.sp.spans, v.sp.regions = v.sp.spans[:0], v.sp.regions[:0]
	clear(v.sp.byPtr)
	clear(v.sp.byMap)
	*v = vm{stackMem: v.stackMem, sp: v.sp}
	vmPool.Put(v)
}

// Run executes the program once.
func (p *Program) Run(env *Env) *Result {
	if env == nil {
		env = &Env{}
	}
	if r, ok := p.runAccel(env); ok {
		return r
	}
	v := newVM(env)
	defer v.release()
	v.sp.reset()
	v.state = env.State
	if v.state == nil {
		v.state = helpers.NewState(1)
	}
	switch {
	case env.Budget < 0:
		v.unlimited = true
		v.remaining = 1 << 62
	case env.Budget == 0:
		v.remaining = DefaultBudget
	default:
		v.remaining = env.Budget
	}
	if env.Trace > 0 {
		v.traceOn = true
		v.traceMax = env.Trace
	}
	// Stacks first, so their addresses are the same in every run.
	for i := range v.stacks {
		b := v.stackMem[i*stackSize : (i+1)*stackSize : (i+1)*stackSize]
		v.stacks[i] = v.sp.add(kindStack, stackNames[i], b, true, nil) + stackSize
		v.sp.regions[len(v.sp.regions)-1].frame = i
	}
	v.setupCtx()
	v.enter(p)
	v.regs[1] = v.ctxAddr
	if env.Ctx == nil && env.Mem != nil {
		v.regs[2] = uint64(len(env.Mem))
	}
	v.regs[10] = v.stacks[0]
	v.frames[0] = frame{prog: p}
	total := v.remaining
	r0 := v.loop(0, 0)
	if v.traceOn {
		v.traceFinish()
	}
	res := &Result{R0: r0, Fault: v.fault, Trace: v.trace}
	res.Insns = total - v.remaining
	res.TraceTruncated = v.traceTrunc
	return res
}

// enter makes p the running program (at start and on tail calls).
func (v *vm) enter(p *Program) {
	v.prog = p
	if v.progMaps == nil {
		v.progMaps = map[*Program][]uint64{}
	}
	addrs, ok := v.progMaps[p]
	if !ok {
		addrs = make([]uint64, len(p.Maps))
		for i, m := range p.Maps {
			addrs[i] = v.sp.mapAddr(m, p.mapNames[i])
		}
		v.progMaps[p] = addrs
	}
	v.mapAddr = addrs
}

// setupCtx maps the context and the packet.
func (v *vm) setupCtx() {
	env := v.env
	if env.Ctx == nil {
		if env.Mem != nil {
			v.ctxAddr = v.sp.add(kindMem, "mem", env.Mem, true, nil)
		}
		return
	}
	if env.Ctx.Ctx == nil {
		if env.Ctx.Raw != nil {
			v.ctxAddr = v.sp.add(kindCtx, "ctx", env.Ctx.Raw, true, nil)
		}
		return
	}
	v.ctxAddr = v.sp.add(kindCtx, "ctx", nil, false, env.Ctx.Ctx)
	v.mapPacket()
}

// mapPacket maps the packet (data_meta .. data_end) as a fresh region.
func (v *vm) mapPacket() {
	c := v.env.Ctx.Ctx
	buf, meta, _, end := c.Packet()
	if v.pktAddr != 0 {
		v.sp.kill(v.pktAddr)
	}
	v.pktBase = meta
	v.pktAddr = v.sp.add(kindPacket, "packet", buf[meta:end:end], true, nil)
}

// packetPtr returns the address of offset off (in the packet buffer).
func (v *vm) packetPtr(off int) uint64 { return v.pktAddr + uint64(off-v.pktBase) }

func (v *vm) setFault(pc int, kind FaultKind, msg string, addr uint64) {
	if v.fault == nil {
		v.fault = &Fault{PC: pc, Kind: kind, Msg: msg, Addr: addr}
	}
}

var faultKindNames = [...]string{"", "memory", "budget", "cancelled", "instruction", "call", "helper"}

// String names the kind: "memory", "budget", "cancelled", "instruction",
// "call", "helper".
func (k FaultKind) String() string {
	if int(k) < len(faultKindNames) && k != 0 {
		return faultKindNames[k]
	}
	return "fault"
}

// MarshalText makes FaultKind a JSON string.
func (k FaultKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }
