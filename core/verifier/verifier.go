package verifier

import (
	"fmt"
	"strings"
	"time"

	"github.com/bpfplay/bpfplay/core/isa"
)

// Limits of Linux 6.1.
const (
	complexityLimitInsns  = 1000000
	complexityLimitStates = 64
	complexityLimitJmpSeq = 8192
	maxUnprivInsns        = 4096 // BPF_MAXINSNS
	maxSubprogs           = 256
	maxTailCallCnt        = 33
)

// Program flags.
const (
	fStrictAlignment = 1
	fAnyAlignment    = 2
	fTestRndHi32     = 4
	fTestStateFreq   = 8
	fSleepable       = 16
	fXDPHasFrags     = 32
)

// mapInfo is a map as the verifier knows it (struct bpf_map).
type mapInfo struct {
	Map
	typ   mapType
	inner *mapInfo // inner_map_meta
	index int      // position in the program's used maps
	// frozen/rdonly follow from the flags
}

func (m *mapInfo) frozen() bool { return m.Frozen }

// Map flags the verifier looks at.
const (
	bpfFNoPrealloc = 1
	bpfFRdonly     = 1 << 3
	bpfFWronly     = 1 << 4
	bpfFRdonlyProg = 1 << 7
	bpfFWronlyProg = 1 << 8
)

// insnAux is struct bpf_insn_aux_data: what the verifier learns about
// one instruction, for later passes and rewrites.
type insnAux struct {
	mapOf              int32   // map used by a map helper call: v.auxMaps[mapOf-1]
	mapKeyState        uint64  // constant key of a tail call (bpf_map_key_state)
	ptrType            regType // pointer type a load/store used (convert_ctx_accesses)
	mapIndex           int32   // for ld_imm64 of a map: index in the used maps
	mapOff             uint32  // ... and the offset into the value
	ctxFieldSize       int32   // field size of a narrow ctx load
	seen               int32   // pass that reached the instruction (0: dead code)
	origIdx            int32   // index in the loaded program
	aluLimit           uint32  // unprivileged pointer arithmetic: the limit to mask to
	aluState           uint8
	mapPoison          bool // different maps on different paths
	mapUnpriv          bool
	mapKeyPoison       bool
	mapKeySeen         bool
	mapRef             bool // the ld_imm64 refers to a map (mapIndex)
	mapValueRef        bool // ... to a map value (mapOff)
	zextDst            bool // the 32-bit result must be zero-extended
	sanitizeStackSpill bool
	prunePoint         bool
	jmpPoint           bool
	loopInline         loopInlineState
}

// loopInlineState says whether every bpf_loop call at an instruction can
// be inlined.
type loopInlineState struct {
	initialized       bool
	fitForInline      bool
	callbackSubprogno int32
}

// subprogInfo is struct bpf_subprog_info.
type subprogInfo struct {
	start             int
	stackDepth        int
	hasTailCall       bool
	tailCallReachable bool
	hasLdAbs          bool
	isAsyncCb         bool
}

// stackElem is a pushed branch still to explore.
type stackElem struct {
	st          vstate
	insnIdx     int
	prevInsnIdx int
	next        *stackElem
	logPos      int
	pathLen     int
}

// verifier is struct bpf_verifier_env plus the program being checked.
type verifier struct {
	opts       *Options
	insns      []insn
	aux        []insnAux
	maps       []*mapInfo // used maps, in order of first use
	allMaps    []*mapInfo // by position in Options.Maps
	progType   progType
	attachType attachType
	ops        *progOps

	log vlog

	bpfCapable          bool
	allowPtrLeaks       bool
	allowUninitStack    bool
	allowPtrToMapAccess bool
	bypassSpecV1        bool
	bypassSpecV4        bool
	strictAlignment     bool
	testStateFreq       bool
	testRndHi32         bool
	seenDirectWrite     bool
	sleepable           bool

	subprogs []subprogInfo

	curState  *vstate
	head      *stackElem
	freeElems []*stackElem // popped elements, reused by pushStack
	stackSize int
	explored  []*stateList

	idGen       uint32
	insnIdx     int
	prevInsnIdx int
	passCnt     int

	insnProcessed       int
	prevInsnProcessed   int
	jmpsProcessed       int
	prevJmpsProcessed   int
	totalStates         int
	peakStates          int
	maxStatesPerInsn    int
	longestMarkReadWalk int

	scratchedRegs    uint32
	scratchedStack   uint64
	prevLogLen       int
	prevInsnPrintLen int // -1: the line is a token, see prevInsnPC
	prevInsnPC       int
	loaded           []isa.Slot // the program as loaded, for the log's tokens

	// checks done once per program
	maxCtxOffset     int
	exploreAluLimits bool

	idScratch                 idMap
	scratch                   sbuf           // log line being built
	insnTexts                 map[int]string // printed instructions the slow printer made, by pc
	auxMaps                   []*mapInfo     // insnAux.mapOf's maps
	printBuf                  []byte
	snapBuf                   []byte
	pokeDescs                 []int  // tail calls the JIT patches directly
	rndState                  uint64 // BPF_F_TEST_RND_HI32 values
	tstampTypeAccess          bool   // a tc program read __sk_buff.tstamp_type
	batching                  bool   // patch records into pending (beginBatch)
	pending                   []pendingPatch
	enforceExpectedAttachType bool

	// results
	errPC      int
	states     map[int][]State // by pc; Result.States once done
	statesLen  int             // the program's length while it was checked
	path       []int32         // instructions of the path being explored
	nStates    int
	stateBytes int // snapshotSize of the states kept
	start      time.Time
	kernel     *KernelAddrs

	// rewriting
	xlated []insn
}

// verr is an error that stops verification: its text has been logged
// already and errno is what bpf() returns.
type verr struct{ errno int }

func (e *verr) Error() string { return fmt.Sprintf("errno %d", e.errno) }

func errno(n int) error { return &verr{n} }

var (
	errEACCES   = &verr{EACCES}
	errEINVAL   = &verr{EINVAL}
	errEFAULT   = &verr{EFAULT}
	errE2BIG    = &verr{E2BIG}
	errENOTSUPP = &verr{ENOTSUPP}
	errEPERM    = &verr{EPERM}
	errENOENT   = &verr{ENOENT}
	errENOMEM   = &verr{ENOMEM}
	errEBUSY    = &verr{EBUSY}
	errENOSPC   = &verr{ENOSPC}
)

func errnoOf(err error) int {
	if e, ok := err.(*verr); ok {
		return e.errno
	}
	return EFAULT
}

func newVerifier(prog []isa.Slot, opts *Options) *verifier {
	v := &verifier{opts: opts, errPC: -1}
	v.insns = make([]insn, len(prog))
	for i, s := range prog {
		v.insns[i] = fromSlot(s)
	}
	v.aux = make([]insnAux, len(prog))
	for i := range v.aux {
		v.aux[i].origIdx = int32(i)
	}
	v.log.level = opts.LogLevel
	if v.log.level != 0 {
		v.log.level |= logLevelStat
	} else {
		v.log.level = logLevelStat
	}
	v.log.total = opts.LogSize
	if v.log.total == 0 {
		v.loaded = prog
		v.log.expand = v.expandInsn
	}
	v.kernel = opts.Kernel
	return v
}

// run is bpf_prog_load's checks followed by bpf_check.
func (v *verifier) run() *Result {
	v.start = time.Now()
	res := &Result{ErrorPC: -1}
	if errn := v.progLoadChecks(); errn != 0 {
		res.Errno = errn
		return res
	}
	err := v.check()
	res.Log = v.log.String()
	res.Stats = Stats{
		InsnsProcessed:       v.insnProcessed,
		MaxStatesPerInsn:     v.maxStatesPerInsn,
		TotalStates:          v.totalStates,
		PeakStates:           v.peakStates,
		MarkRead:             v.longestMarkReadWalk,
		VerificationTimeUsec: time.Since(v.start).Microseconds(),
	}
	for _, sp := range v.subprogs {
		res.StackDepth = append(res.StackDepth, sp.stackDepth)
	}
	if v.states != nil {
		res.States = make([][]State, v.statesLen)
		for pc, ss := range v.states {
			res.States[pc] = ss
		}
	}
	if err != nil {
		res.Errno = errnoOf(err)
		res.ErrorPC = v.errPC
		res.ErrorLine = errorLine(res.Log)
		res.Path = v.rejectionPath()
		return res
	}
	res.Accepted = true
	res.Xlated = make([]isa.Slot, len(v.xlated))
	res.XlatedOrig = make([]int, len(v.xlated))
	for i, in := range v.xlated {
		res.Xlated[i] = in.slot()
		res.XlatedOrig[i] = int(v.aux[i].origIdx)
		if t := v.insns[i]; t.code == clsJMP|opTailCall && t.imm != 0 {
			res.DirectTailCalls = append(res.DirectTailCalls, i)
		}
	}
	return res
}

// errorLine is the last log line before the statistics.
func errorLine(log string) string {
	lines := strings.Split(strings.TrimRight(log, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		if strings.HasPrefix(l, "verification time") || strings.HasPrefix(l, "stack depth") || strings.HasPrefix(l, "processed ") {
			continue
		}
		return l
	}
	return ""
}

// progLoadChecks are the checks bpf_prog_load does before the verifier
// runs; they fail without a log.
func (v *verifier) progLoadChecks() int {
	o := v.opts
	priv := !o.Unpriv
	pt, ok := progTypeByName(o.ProgType)
	if !ok {
		return EINVAL
	}
	v.progType = pt
	if o.ProgFlags&^(fStrictAlignment|fAnyAlignment|fTestStateFreq|fSleepable|fTestRndHi32|fXDPHasFrags) != 0 {
		return EINVAL
	}
	n := len(v.insns)
	if n == 0 || (priv && n > complexityLimitInsns) || (!priv && n > maxUnprivInsns) {
		return E2BIG
	}
	if pt != progSocketFilter && pt != progCgroupSkb && !priv {
		return EPERM
	}
	if o.AttachType != "" {
		at, ok := attachTypeByName(o.AttachType)
		if !ok {
			return EINVAL
		}
		v.attachType = at
	}
	// bpf_prog_load_fixup_attach_type: defaults for types that once had
	// no attach types
	if o.AttachType == "" {
		switch pt {
		case progCgroupSock:
			v.attachType = attachCgroupInetSockCreate
		case progSkReuseport:
			v.attachType = attachSkReuseportSelect
		}
	}
	if !checkAttach(pt, v.attachType) {
		return EINVAL
	}
	v.ops = opsFor(pt)
	if v.ops == nil {
		return EINVAL
	}
	v.sleepable = o.ProgFlags&fSleepable != 0
	return 0
}

func progTypeByName(name string) (progType, bool) {
	for i, n := range progTypeNames {
		if n == name && i != 0 {
			return progType(i), true
		}
	}
	return 0, false
}

func attachTypeByName(name string) (attachType, bool) {
	for i, n := range attachTypeNames {
		if n == name {
			return attachType(i), true
		}
	}
	return 0, false
}

// checkAttach is bpf_prog_load_check_attach for programs without BTF.
func checkAttach(pt progType, at attachType) bool {
	switch pt {
	case progCgroupSock:
		switch at {
		case attachCgroupInetSockCreate, attachCgroupInetSockRelease, attachCgroupInet4PostBind, attachCgroupInet6PostBind:
			return true
		}
		return false
	case progCgroupSockAddr:
		switch at {
		case attachCgroupInet4Bind, attachCgroupInet6Bind, attachCgroupInet4Connect, attachCgroupInet6Connect,
			attachCgroupInet4Getpeername, attachCgroupInet6Getpeername, attachCgroupInet4Getsockname,
			attachCgroupInet6Getsockname, attachCgroupUDP4Sendmsg, attachCgroupUDP6Sendmsg,
			attachCgroupUDP4Recvmsg, attachCgroupUDP6Recvmsg:
			return true
		}
		return false
	case progCgroupSkb:
		return at == attachCgroupInetIngress || at == attachCgroupInetEgress
	case progCgroupSockopt:
		return at == attachCgroupSetsockopt || at == attachCgroupGetsockopt
	case progSkLookup:
		return at == attachSkLookup
	case progSkReuseport:
		return at == attachSkReuseportSelect || at == attachSkReuseportSelectOrMigr
	case progSyscall, progExt:
		return at == 0
	}
	return true
}

// check is bpf_check.
func (v *verifier) check() error {
	priv := !v.opts.Unpriv
	v.strictAlignment = v.opts.ProgFlags&fStrictAlignment != 0
	if v.opts.ProgFlags&fAnyAlignment != 0 {
		v.strictAlignment = false
	}
	v.allowPtrLeaks = priv
	v.allowUninitStack = priv
	v.allowPtrToMapAccess = priv
	v.bypassSpecV1 = priv
	v.bypassSpecV4 = priv
	v.bpfCapable = priv
	if priv {
		v.testStateFreq = v.opts.ProgFlags&fTestStateFreq != 0
	}
	v.testRndHi32 = v.opts.ProgFlags&fTestRndHi32 != 0

	err := v.prepareMaps()
	if err == nil {
		err = v.addSubprogs()
	}
	if err == nil {
		err = v.checkSubprogs()
	}
	if err == nil {
		err = v.checkAbnormalReturn()
	}
	if err == nil {
		err = v.checkAttachBTFID()
	}
	if err == nil {
		err = v.resolvePseudoLdimm64()
	}
	if err == nil {
		err = v.checkCFG()
	}
	if err == nil {
		err = v.doCheckMain()
	}
	if err != nil && v.errPC < 0 {
		v.errPC = v.insnIdx
	}
	if err == nil {
		err = v.checkMaxStackDepth()
	}
	if err == nil {
		err = v.rewrite(priv)
	}
	v.printStats()
	if v.log.full() {
		err = errENOSPC
	}
	return err
}

func (v *verifier) printStats() {
	if v.log.level&logLevelStat != 0 {
		us := time.Since(v.start).Microseconds()
		v.verbose("verification time %d usec\n", us)
		var b strings.Builder
		b.WriteString("stack depth ")
		for i, sp := range v.subprogs {
			fmt.Fprintf(&b, "%d", sp.stackDepth)
			if i+1 < len(v.subprogs) {
				b.WriteByte('+')
			}
		}
		b.WriteByte('\n')
		v.verbose("%s", b.String())
	}
	v.verbose("processed %d insns (limit %d) max_states_per_insn %d total_states %d peak_states %d mark_read %d\n",
		v.insnProcessed, complexityLimitInsns, v.maxStatesPerInsn, v.totalStates, v.peakStates, v.longestMarkReadWalk)
}

// checkAbnormalReturn is what check_btf_info does for a program loaded
// without BTF func info (bpfplay's programs never carry it): a
// subprogram may not end the program from inside, by a tail call or by
// a failing legacy packet load. (So the stack checks for tail calls in
// subprograms in checkMaxStackDepthFrom only matter once records can
// carry func info; they follow the kernel and stay for that.)
func (v *verifier) checkAbnormalReturn() error {
	for i := 1; i < len(v.subprogs); i++ {
		switch {
		case v.subprogs[i].hasLdAbs:
			v.verbose("LD_ABS is not allowed in subprogs without BTF\n")
			return errEINVAL
		case v.subprogs[i].hasTailCall:
			v.verbose("tail_call is not allowed in subprogs without BTF\n")
			return errEINVAL
		}
	}
	return nil
}

// checkAttachBTFID handles the program types that need BTF to attach;
// bpfplay has no BTF, so they fail as the kernel fails without it.
func (v *verifier) checkAttachBTFID() error {
	if v.progType == progSyscall {
		if v.sleepable {
			return nil
		}
		v.verbose("Syscall programs can only be sleepable\n")
		return errEINVAL
	}
	if v.sleepable && v.progType != progTracing && v.progType != progLSM && v.progType != progKprobe {
		v.verbose("Only fentry/fexit/fmod_ret, lsm, and kprobe/uprobe programs can be sleepable\n")
		return errEINVAL
	}
	if v.progType == progStructOps {
		v.verbose("attach_btf_id %d is not a supported struct\n", 0)
		return errENOTSUPP
	}
	if v.progType != progTracing && v.progType != progLSM && v.progType != progExt {
		return nil
	}
	v.verbose("Tracing programs must provide btf_id\n")
	return errEINVAL
}
