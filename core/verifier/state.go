package verifier

import "github.com/bpfplay/bpfplay/core/verifier/tnum"

const (
	maxBPFReg     = 11 // r0..r10
	regFP         = 10
	regSize       = 8 // bytes in a stack slot
	maxBPFStack   = 512
	maxCallFrames = 8
	mainFuncSite  = -1 // callsite of frame 0 (BPF_MAIN_FUNC)
)

// stackState is one 8-byte stack slot: the register spilled there (if
// any) and the type of each byte. slotType[j] describes the byte at
// offset -(8*spi + j + 1) from the frame pointer.
type stackState struct {
	spilledPtr regState
	slotType   [regSize]uint8
}

// refState is an acquired reference (a socket, ringbuf memory ...)
// that must be released before the program exits.
type refState struct {
	id          uint32
	insnIdx     int
	callbackRef int
}

// funcState is one call frame: struct bpf_func_state.
type funcState struct {
	regs             [maxBPFReg]regState
	callsite         int
	frameno          uint32
	subprogno        int
	asyncEntryCnt    uint32
	inCallbackFn     bool
	callbackRetRange tnum.T
	inAsyncCallback  bool
	refs             []refState
	stack            []stackState // allocated_stack = 8*len(stack)
}

func (f *funcState) allocatedStack() int { return len(f.stack) * regSize }

// jmpHistEntry records a jump taken within the current checkpoint, for
// precision backtracking.
type jmpHistEntry struct {
	prevIdx, idx int
}

// vstate is struct bpf_verifier_state: the frames of one path.
type vstate struct {
	frame          [maxCallFrames]*funcState
	parent         *vstate
	branches       uint32
	insnIdx        int
	curframe       int
	activeSpinLock uint32
	speculative    bool
	firstInsnIdx   int
	lastInsnIdx    int
	jmpHistory     []jmpHistEntry
}

// copyFuncState copies src into dst (copy_func_state).
func copyFuncState(dst, src *funcState) {
	stack := dst.stack
	refs := dst.refs
	*dst = *src
	if cap(stack) >= len(src.stack) {
		stack = stack[:len(src.stack)]
	} else {
		stack = make([]stackState, len(src.stack))
	}
	copy(stack, src.stack)
	dst.stack = stack
	if len(src.refs) == 0 {
		dst.refs = refs[:0]
	} else {
		if cap(refs) >= len(src.refs) {
			refs = refs[:len(src.refs)]
		} else {
			refs = make([]refState, len(src.refs))
		}
		copy(refs, src.refs)
		dst.refs = refs
	}
}

// copyState is copy_verifier_state; dst.insnIdx is left alone as in the
// kernel.
func copyState(dst, src *vstate) {
	dst.jmpHistory = append(dst.jmpHistory[:0], src.jmpHistory...)
	for i := src.curframe + 1; i <= dst.curframe; i++ {
		dst.frame[i] = nil
	}
	dst.speculative = src.speculative
	dst.curframe = src.curframe
	dst.activeSpinLock = src.activeSpinLock
	dst.branches = src.branches
	dst.parent = src.parent
	dst.firstInsnIdx = src.firstInsnIdx
	dst.lastInsnIdx = src.lastInsnIdx
	for i := 0; i <= src.curframe; i++ {
		if dst.frame[i] == nil {
			dst.frame[i] = &funcState{}
		}
		copyFuncState(dst.frame[i], src.frame[i])
	}
}

func cloneState(src *vstate) *vstate {
	d := &vstate{}
	copyState(d, src)
	return d
}

// growStack makes sure the frame has at least size bytes of stack slots.
func (f *funcState) growStack(size int) {
	n := (size + regSize - 1) / regSize
	for len(f.stack) < n {
		f.stack = append(f.stack, stackState{})
	}
}

// isSpilledReg reports a slot holding a spilled register.
func (s *stackState) isSpilledReg() bool { return s.slotType[regSize-1] == stackSpill }
