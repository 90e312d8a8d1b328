//go:build linux && amd64 && cgo

package native

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"syscall"
	"time"
	"unsafe"

	"github.com/bpfplay/bpfplay/core/cbpf"
	"github.com/bpfplay/bpfplay/core/helpers"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/progtype"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/jit"
)

// childEnv marks the re-executed binary as a runner.
const childEnv = "BPFPLAY_NATIVE_CHILD"

// Exit codes of the child.
const (
	exitFault  = 70 // the fault handler's (C)
	exitHelper = 71 // a helper faulted
	exitSetup  = 72 // the request could not be prepared
)

func init() {
	if os.Getenv(childEnv) == "1" {
		os.Exit(childMain())
	}
}

// Messages from the child, one JSON object per line on stdout.
type childMsg struct {
	Index  int        `json:"index"`           // the request in the batch
	Start  bool       `json:"start,omitempty"` // the request's program starts now
	Setup  *setupInfo `json:"setup,omitempty"`
	Result *Result    `json:"result,omitempty"`
	Fault  *faultInfo `json:"fault,omitempty"`
}

// setupInfo lets the parent map a faulting instruction pointer to the
// eBPF instruction.
type setupInfo struct {
	Base        uint64 `json:"base"`         // address of Code[0]
	InsnOffsets []int  `json:"insn_offsets"` // per slot
}

type faultInfo struct {
	Kind string `json:"kind"`
	PC   int    `json:"pc"`
	Msg  string `json:"msg"`
}

// The layout of the code mapping: the tail call thunk, one trampoline
// per helper number, then the program.
const (
	thunkSize      = 64
	trampolineSize = 32
	maxHelper      = 256 // helper numbers 0-255; kernel calls get the ids above
	maxKernelCalls = 256
	numTrampolines = maxHelper + maxKernelCalls
	imageOffset    = thunkSize + trampolineSize*numTrampolines
	callxThunk     = 16 // offset of the callx thunk
)

// childState is the runner's world for one request while its program
// runs; helpers see it through the Machine interface.
type childState struct {
	out       *os.File
	index     int // the request's position in the batch
	req       *Request
	prog      isa.Program
	img       *jit.Image
	base      uint64 // address of img.Code[0]
	mem       []byte
	orig      []byte
	maps      []maps.Map
	handles   map[uint64]maps.Map // map "pointers" the program holds
	handleOf  map[maps.Map]uint64
	objects   []byte // kernel-layout map objects (program arrays)
	st        *helpers.State
	keep      [][]byte // buffers handed to the program
	ctxAddr   uint64
	samples   map[uint64]*maps.RingSample
	setupErr  string
	compileNs int64
	model     *progtype.Run // the context's Go model (with ProgType)
	kctx      *kernelCtx    // its kernel layout
	kcalls    []*kernelCall // kernel calls, trampoline ids maxHelper+i
	changed   bool          // a helper moved the packet
	shadows   []*shadowElem // LRU elements handed to inlined lookups
	cskb      *cbpf.Skb     // a classic program's skb model
	cobj      []byte        // and its struct sk_buff
}

// child is the request whose program is running.
var child *childState

// childMain serves a batch: it reads every request, prepares every
// program (compiling and mapping it executable), installs the seccomp
// filter, then runs them one after the other, answering each. A fault
// ends the child; the parent starts a new one for the rest.
func childMain() int {
	out := os.NewFile(1, "stdout")
	var reqs []*Request
	dec := json.NewDecoder(io.LimitReader(os.Stdin, 1<<31))
	for {
		var r Request
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			return setupFail(out, 0, "request: %v", err)
		}
		reqs = append(reqs, &r)
	}
	if len(reqs) == 0 {
		return setupFail(out, 0, "no request")
	}
	setLimits(reqs[0].Limits.withDefaults())
	cs := make([]*childState, len(reqs))
	for i, r := range reqs {
		c := &childState{out: out, index: i, req: r, st: helpers.NewState(r.Seed),
			handles: map[uint64]maps.Map{}, handleOf: map[maps.Map]uint64{}}
		info := &setupInfo{}
		if err := c.prepare(); err != nil {
			c.setupErr = err.Error()
		} else {
			info.Base, info.InsnOffsets = c.base, c.img.InsnOffsets
		}
		c.send(childMsg{Index: i, Setup: info}) // also tells the parent the preparation progresses
		cs[i] = c
	}
	if !catchFaults() {
		return setupFail(out, 0, "sigaction failed")
	}
	if err := installSeccomp(); err != nil {
		return setupFail(out, 0, "seccomp: %v", err)
	}
	for _, c := range cs {
		if c.setupErr != "" {
			c.send(childMsg{Index: c.index, Fault: &faultInfo{Kind: "compile", PC: -1, Msg: c.setupErr}})
			continue
		}
		child = c
		limitCPU(c.req.Limits.withDefaults().CPUTime)
		c.send(childMsg{Index: c.index, Start: true})
		testHook(c.req.TestHook)
		c.send(childMsg{Index: c.index, Result: c.run()})
	}
	return 0
}

// prepare decodes, compiles and maps the request's program.
func (c *childState) prepare() error {
	req := c.req
	slots, err := isa.UnmarshalSlots(req.Insns)
	if err != nil {
		return err
	}
	prog, err := isa.Pair(slots)
	if err != nil {
		return err
	}
	var classicDepth []int
	switch {
	case req.Classic != "":
		if prog, classicDepth, err = c.classicProgram(); err != nil {
			return err
		}
	case req.Xlated:
		prog = mapIDsToIndices(prog, req.MapIDs)
	default:
		if !req.Verified {
			if prog, err = jit.RuntimeFixups(prog); err != nil {
				return err
			}
		}
		prog = jit.XlatedCalls(prog)
	}
	depth := req.StackDepth
	if classicDepth != nil {
		depth = classicDepth
	}
	if len(depth) == 0 {
		// Without the verifier's figure, give every function the most
		// it may use (MAX_BPF_STACK): an estimate too small would let
		// the program overwrite the saved registers.
		depth = make([]int, len(prog))
		for i := range depth {
			depth[i] = 512
		}
	}
	if err := c.makeMaps(req.Maps); err != nil {
		return err
	}
	c.mem = append([]byte(nil), req.Mem...)
	c.orig = append([]byte(nil), req.Mem...)
	if req.ProgType != "" {
		if err := c.makeContext(); err != nil {
			return err
		}
	}

	// Compile once to learn the size (sizes never depend on addresses:
	// any nearby addresses will do), map, compile at the real address.
	const scratch = 1 << 40
	opt := jit.Options{
		ImageAddr:     []uint64{scratch},
		StackDepth:    depth,
		Helper:        func(imm int32) (uint64, error) { return scratch, nil },
		Pointer:       c.pointer,
		IndirectThunk: scratch,
		CallXThunk:    scratch,
		FromClassic:   req.Classic != "",
	}
	t0 := time.Now()
	img, err := jit.Compile(prog, opt)
	if err != nil {
		return fmt.Errorf("compile: %w", err)
	}
	c.compileNs = time.Since(t0).Nanoseconds()
	size := imageOffset + len(img.Code)
	region, err := syscall.Mmap(-1, 0, (size+4095)&^4095, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return fmt.Errorf("mmap: %w", err)
	}
	start := uint64(uintptr(unsafe.Pointer(&region[0])))
	opt.ImageAddr = []uint64{start + imageOffset}
	opt.IndirectThunk = start
	opt.CallXThunk = start + callxThunk
	opt.Helper = func(imm int32) (uint64, error) {
		id, err := c.callID(imm)
		if err != nil {
			return 0, err
		}
		return start + thunkSize + trampolineSize*uint64(id), nil
	}
	if img, err = jit.Compile(prog, opt); err != nil {
		return fmt.Errorf("compile: %w", err)
	}
	c.prog, c.img, c.base = prog, img, start+imageOffset
	writeTrampolines(region, start, helperDispatcher())
	copy(region[imageOffset:], img.Code)
	if err := syscall.Mprotect(region, syscall.PROT_READ|syscall.PROT_EXEC); err != nil {
		return fmt.Errorf("mprotect: %w", err)
	}
	return nil
}

// run executes the prepared program (Repeat times).
func (c *childState) run() *Result {
	n := max(c.req.Repeat, 1)
	times := make([]uint64, n)
	r1, r2 := uint64(0), uint64(len(c.mem))
	if len(c.mem) > 0 {
		r1 = uint64(uintptr(unsafe.Pointer(&c.mem[0])))
	}
	if c.kctx != nil {
		r1, r2 = c.kctx.addr(), 0
	}
	if c.cobj != nil {
		r1, r2 = addrOf(c.cobj), 0
	}
	c.ctxAddr = r1
	r0 := runCode(c.base+uint64(c.img.Funcs[0].Start), r1, r2, c.mem, c.orig, n, times)
	c.flushShadows()
	res := &Result{R0: r0, Mem: c.mem, CodeSize: len(c.img.Code), CompileNs: c.compileNs}
	for _, m := range c.maps {
		res.Maps = append(res.Maps, maps.Dump(m))
	}
	for _, m := range c.st.Messages {
		res.Output = append(res.Output, m.Text)
	}
	if c.kctx != nil {
		c.kctx.fromKernel()
		res.DataOut = c.model.DataOut()
	}
	if c.req.Repeat > 0 {
		if len(times) > 1 {
			times = times[1:] // the first run warms up
		}
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		res.MinNs = float64(times[0])
		res.MedianNs = float64(times[len(times)/2])
		res.MaxNs = float64(times[len(times)-1])
	}
	return res
}

func setupFail(out *os.File, index int, format string, a ...any) int {
	b, _ := json.Marshal(childMsg{Index: index, Fault: &faultInfo{Kind: "compile", PC: -1, Msg: fmt.Sprintf(format, a...)}})
	out.Write(append(b, '\n'))
	return exitSetup
}

func (c *childState) send(m childMsg) {
	b, err := json.Marshal(m)
	if err != nil {
		panic("BUG: native: " + err.Error())
	}
	c.out.Write(append(b, '\n'))
}

// writeTrampolines fills the head of the code mapping:
//
//	thunk:         jmp rcx                 (the tail call's indirect jump)
//	callx thunk:   cmp r11, maxHelper      (callx: r11 holds the target)
//	               jae 1f
//	               shl r11, 5              (a helper number: its trampoline)
//	               movabs rax, trampolines
//	               add r11, rax
//	            1: jmp r11
//	helper N:      mov r9d, N              (the helper number, 6th C argument)
//	               jmp [rip+0]
//	               .quad bpfplay_helper
func writeTrampolines(region []byte, start, dispatcher uint64) {
	for i := 0; i < imageOffset; i++ {
		region[i] = 0xcc // int3
	}
	region[0], region[1] = 0xff, 0xe1 // jmp rcx
	x := region[callxThunk:callxThunk]
	x = append(x, 0x49, 0x81, 0xfb)                    // cmp r11, imm32
	x = binary.LittleEndian.AppendUint32(x, maxHelper) //
	x = append(x, 0x73, 17)                            // jae +17
	x = append(x, 0x49, 0xc1, 0xe3, 5)                 // shl r11, 5
	x = append(x, 0x48, 0xb8)                          // movabs rax, imm64
	x = binary.LittleEndian.AppendUint64(x, start+thunkSize)
	x = append(x, 0x49, 0x01, 0xc3) // add r11, rax
	x = append(x, 0x41, 0xff, 0xe3) // jmp r11
	if len(x) > thunkSize-callxThunk {
		panic("BUG: callx thunk too long")
	}
	for id := 0; id < numTrampolines; id++ {
		t := region[thunkSize+trampolineSize*id:]
		t[0], t[1] = 0x41, 0xb9 // mov r9d, imm32
		binary.LittleEndian.PutUint32(t[2:], uint32(id))
		t[6], t[7] = 0xff, 0x25 // jmp [rip+0]
		binary.LittleEndian.PutUint32(t[8:], 0)
		binary.LittleEndian.PutUint64(t[12:], dispatcher)
	}
}

// makeMaps creates the request's maps and their handles. A handle is
// the address of a kernel-layout object: max_entries at the offset
// Linux's struct bpf_map has it, and for program arrays the table of
// program pointers, so the JIT's inline tail-call code works unchanged.
func (c *childState) makeMaps(ms []record.Map) error {
	size := 0
	for _, m := range ms {
		size += objectSize(&m)
	}
	var obj []byte
	if size > 0 {
		var err error
		obj, err = syscall.Mmap(-1, 0, (size+4095)&^4095, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
		if err != nil {
			return err
		}
		c.objects = obj
	}
	off := 0
	for i := range ms {
		m, err := maps.FromRecord(&ms[i])
		if err != nil {
			return fmt.Errorf("map %d: %w", i, err)
		}
		var addr uint64
		if a, ok := m.(*maps.ArrayMap); ok {
			// struct bpf_array keeps its values at 0x110, which is where
			// the lookups the verifier inlines read them: the handle is
			// placed so that handle+0x110 is the map's own storage.
			addr = uint64(uintptr(unsafe.Pointer(unsafe.SliceData(a.Lookup([]byte{0, 0, 0, 0}))))) - jit.OffArrayPtrs
		} else {
			addr = uint64(uintptr(unsafe.Pointer(&obj[off])))
			binary.LittleEndian.PutUint32(obj[off+jit.OffMapMaxEntries:], ms[i].MaxEntries)
		}
		c.maps = append(c.maps, m)
		c.handles[addr] = m
		c.handleOf[m] = addr
		if mm, ok := m.(*maps.MapOfMaps); ok && ms[i].Type == "array_of_maps" {
			// The lookup the verifier inlines reads the inner map's
			// pointer from the array's table at 0x110.
			for k := uint32(0); k < ms[i].MaxEntries; k++ {
				if in := mm.LookupMap([]byte{byte(k), byte(k >> 8), byte(k >> 16), byte(k >> 24)}); in != nil {
					binary.LittleEndian.PutUint64(obj[off+jit.OffArrayPtrs+8*int(k):], c.MapAddr(in))
				}
			}
		}
		off += objectSize(&ms[i])
	}
	return nil
}

func objectSize(m *record.Map) int {
	if m.Type == "array" {
		return 0 // see makeMaps
	}
	n := jit.OffArrayPtrs
	if m.Type == "prog_array" || m.Type == "array_of_maps" {
		n += 8 * int(m.MaxEntries) // the table of program or map pointers
	}
	return (n + 63) &^ 63
}

// pointer resolves ld_imm64 pseudo sources for the JIT.
func (c *childState) pointer(pc int, ins isa.Instruction) (uint64, error) {
	i := int(ins.ImmLo())
	if i < 0 || i >= len(c.maps) {
		return 0, fmt.Errorf("ld_imm64 refers to map %d, the request has %d", i, len(c.maps))
	}
	m := c.maps[i]
	switch ins.Pseudo() {
	case isa.PseudoMapFD, isa.PseudoMapIdx:
		return c.handleOf[m], nil
	case isa.PseudoMapValue, isa.PseudoMapIdxValue:
		v := m.Lookup([]byte{0, 0, 0, 0})
		off := int(ins.ImmHi())
		if v == nil || off < 0 || off >= len(v) {
			return 0, fmt.Errorf("map %d has no value at offset %d", i, off)
		}
		return uint64(uintptr(unsafe.Pointer(&v[off]))), nil
	}
	return 0, fmt.Errorf("ld_imm64 with pseudo source %d is not supported natively", ins.Src)
}

// slotOf maps a code address to the eBPF slot it belongs to, -1 when it
// is outside the program.
func slotOf(base uint64, offsets []int, addr uint64) int {
	if addr < base || len(offsets) == 0 || addr >= base+uint64(offsets[len(offsets)-1]) {
		return -1
	}
	off := int(addr - base)
	i := sort.Search(len(offsets), func(i int) bool { return offsets[i] > off })
	return i - 1
}

// helper runs helper (or kernel call) id for the machine code; ret is
// the return address of the call, for error positions. The context's Go
// model is brought up to date before, and the kernel layout after.
func (c *childState) helper(id uint64, args [5]uint64, ret uint64) uint64 {
	pc := slotOf(c.base, c.img.InsnOffsets, ret-1)
	var f helpers.Func
	name := isa.HelperID(id).String()
	if id >= maxHelper {
		k := c.kcalls[id-maxHelper]
		f, name = k.run, k.name
	} else if f = helpers.Lookup(isa.HelperID(id)); f == nil {
		c.helperFault(pc, fmt.Sprintf("helper %s (%d) is not implemented", name, id))
	}
	if c.kctx != nil {
		c.kctx.fromKernel()
	}
	c.flushShadows()
	r0, err := f(c, &args)
	if err != nil {
		c.helperFault(pc, fmt.Sprintf("%s: %v", name, err))
	}
	c.refreshShadows()
	if c.kctx != nil {
		c.kctx.toKernel()
	}
	return r0
}

// callID gives a call's immediate its trampoline: a helper number, or
// (xlated programs) the helper or kernel call at that kernel address.
func (c *childState) callID(imm int32) (int, error) {
	if c.req.Classic != "" {
		name, _ := classicCallAddr(imm)
		k := c.classicCall(name)
		if k == nil {
			return 0, fmt.Errorf("converted classic program calls %q (imm %d), which the runner does not know", name, imm)
		}
		return c.kcallID(k)
	}
	if !c.req.Xlated {
		if imm < 0 || imm >= maxHelper {
			return 0, fmt.Errorf("helper %d is not supported natively", imm)
		}
		return int(imm), nil
	}
	id, k, err := kernelTarget(jit.DefaultCallBase + uint64(int64(imm)))
	if err != nil {
		return 0, err
	}
	if k == nil {
		return int(id), nil
	}
	return c.kcallID(k)
}

// kcallID gives a kernel call its trampoline id.
func (c *childState) kcallID(k *kernelCall) (int, error) {
	for i, kc := range c.kcalls {
		if kc.name == k.name {
			return maxHelper + i, nil
		}
	}
	if len(c.kcalls) == maxKernelCalls {
		return 0, fmt.Errorf("too many kernel functions")
	}
	c.kcalls = append(c.kcalls, k)
	return maxHelper + len(c.kcalls) - 1, nil
}

// makeContext builds the request's context: the Go model helpers use
// and, for packets, its kernel layout.
func (c *childState) makeContext() error {
	pt, ok := progtype.Lookup(c.req.ProgType)
	if !ok {
		return fmt.Errorf("unknown program type %q", c.req.ProgType)
	}
	run, err := progtype.NewRun(pt, progtype.Input{Data: c.req.Data, Ctx: c.req.Ctx})
	if err != nil {
		return err
	}
	c.model = run
	switch run.Ctx.(type) {
	case *progtype.SKB, *progtype.XDP:
		k, err := newKernelCtx(run)
		if err != nil {
			return err
		}
		c.kctx = k
	default:
		// A raw context (pt_regs, tracepoint args...): plain memory.
		c.mem = append([]byte(nil), run.Raw...)
		c.orig = append([]byte(nil), run.Raw...)
	}
	return nil
}

// mapIDsToIndices rewrites the map ids of an xlated program's ld_imm64
// into indices of the request's maps: ids[i] is map i's id; without ids,
// the distinct ids in increasing order (maps get increasing ids in
// creation order).
func mapIDsToIndices(p isa.Program, ids []int32) isa.Program {
	if len(ids) == 0 {
		seen := map[int32]bool{}
		for _, ins := range p {
			if ins.IsLdImm64() && (ins.Pseudo() == isa.PseudoMapFD || ins.Pseudo() == isa.PseudoMapValue) && !seen[ins.ImmLo()] {
				seen[ins.ImmLo()] = true
				ids = append(ids, ins.ImmLo())
			}
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	}
	index := map[int32]int32{}
	for i, id := range ids {
		index[id] = int32(i)
	}
	q := append(isa.Program(nil), p...)
	for i, ins := range q {
		if ins.IsLdImm64() && (ins.Pseudo() == isa.PseudoMapFD || ins.Pseudo() == isa.PseudoMapValue) {
			q[i] = isa.LdImm64Pseudo(ins.Dst, ins.Pseudo(), index[ins.ImmLo()], ins.ImmHi())
		}
	}
	return q
}

func (c *childState) helperFault(pc int, msg string) {
	c.send(childMsg{Index: c.index, Fault: &faultInfo{Kind: "helper", PC: pc, Msg: msg}})
	os.Exit(exitHelper)
}

// setLimits applies the resource limits to the child itself (the CPU
// limit per request: see limitCPU).
func setLimits(l Limits) {
	set := func(res int, cur, max uint64) {
		syscall.Setrlimit(res, &syscall.Rlimit{Cur: cur, Max: max})
	}
	set(syscall.RLIMIT_DATA, uint64(l.Memory), uint64(l.Memory))
	set(syscall.RLIMIT_CORE, 0, 0)
	set(syscall.RLIMIT_FSIZE, 0, 0)
	set(syscall.RLIMIT_NOFILE, 64, 64)
}

// limitCPU lets the next run use d of CPU time: the soft RLIMIT_CPU
// (whole seconds; SIGXCPU when reached) goes to what the process used so
// far plus d. The hard limit stays unlimited so that it can move.
func limitCPU(d time.Duration) {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 2 /* CLOCK_PROCESS_CPUTIME_ID */, uintptr(unsafe.Pointer(&ts)), 0)
	used := time.Duration(ts.Nano())
	secs := uint64((used + d + time.Second - 1) / time.Second)
	syscall.Setrlimit(syscall.RLIMIT_CPU, &syscall.Rlimit{Cur: secs, Max: ^uint64(0)})
}

// testHook misbehaves on request (see Request.TestHook).
func testHook(h string) {
	switch h {
	case "syscall":
		syscall.Getuid() // not in the filter
	case "alloc":
		var keep [][]byte
		for i := 0; i < 1<<12; i++ {
			b := make([]byte, 64<<20)
			for k := 0; k < len(b); k += 4096 {
				b[k] = 1
			}
			keep = append(keep, b)
		}
		_ = keep
	case "spin":
		for x := 0; ; x++ {
			if x < 0 {
				return
			}
		}
	}
}
