package verifier

// prepareMaps turns the options' maps into mapInfos.
func (v *verifier) prepareMaps() error {
	for i := range v.opts.Maps {
		m := &v.opts.Maps[i]
		v.allMaps = append(v.allMaps, newMapInfo(m))
	}
	return nil
}

func newMapInfo(m *Map) *mapInfo {
	mi := &mapInfo{Map: *m}
	mi.typ, _ = mapTypeByName(m.Type)
	if mi.typ == mapDevmap || mi.typ == mapDevmapHash {
		// Linux creates device maps read-only for programs: a lookup
		// hands out the device's own ifindex.
		mi.Flags |= bpfFRdonlyProg
	}
	if m.Inner != nil {
		mi.inner = newMapInfo(m.Inner)
	}
	return mi
}

func (v *verifier) findMapByFD(fd int32) *mapInfo {
	for _, m := range v.allMaps {
		if m.FD == fd {
			return m
		}
	}
	return nil
}

func isPseudoFunc(in insn) bool { return in.code == clsLD|mdIMM|szDW && in.src == pseudoFunc }
func isPseudoCall(in insn) bool { return in.code == clsJMP|opCALL && in.src == pseudoCall }
func isPseudoKfuncCall(in insn) bool {
	return in.code == clsJMP|opCALL && in.src == pseudoKfuncCall
}

// findSubprog returns the index of the subprogram starting at off, or -1.
func (v *verifier) findSubprog(off int) int {
	lo, hi := 0, len(v.subprogs)-1
	for lo <= hi {
		m := (lo + hi) / 2
		switch s := v.subprogs[m].start; {
		case s == off:
			return m
		case s < off:
			lo = m + 1
		default:
			hi = m - 1
		}
	}
	return -1
}

// subprogEnd is the first instruction after subprogram i.
func (v *verifier) subprogEnd(i int) int {
	if i+1 < len(v.subprogs) {
		return v.subprogs[i+1].start
	}
	return len(v.insns)
}

func (v *verifier) addSubprog(off int) error {
	if off >= len(v.insns) || off < 0 {
		v.verbose("call to invalid destination\n")
		return errEINVAL
	}
	if v.findSubprog(off) >= 0 {
		return nil
	}
	if len(v.subprogs) >= maxSubprogs {
		v.verbose("too many subprograms\n")
		return errE2BIG
	}
	i := len(v.subprogs)
	v.subprogs = append(v.subprogs, subprogInfo{start: off})
	for i > 0 && v.subprogs[i-1].start > off {
		v.subprogs[i], v.subprogs[i-1] = v.subprogs[i-1], v.subprogs[i]
		i--
	}
	return nil
}

// addSubprogs is add_subprog_and_kfunc.
func (v *verifier) addSubprogs() error {
	if err := v.addSubprog(0); err != nil {
		return err
	}
	for i, in := range v.insns {
		if !isPseudoFunc(in) && !isPseudoCall(in) && !isPseudoKfuncCall(in) {
			continue
		}
		if !v.bpfCapable {
			v.verbose("loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN\n")
			return errEPERM
		}
		if isPseudoFunc(in) || isPseudoCall(in) {
			if err := v.addSubprog(i + int(in.imm) + 1); err != nil {
				return err
			}
		} else if in.imm != 0 || in.off != 0 {
			// kfuncs are found through the kernel's BTF, which bpfplay
			// does not have: every id is unknown to it. (id 0 waits for
			// the dead code pass, which may remove the call.)
			v.verbose("kernel btf_id %d is not a function\n", uint32(in.imm))
			return errEINVAL
		}
	}
	if v.log.level&logLevel2 != 0 {
		for i, sp := range v.subprogs {
			v.verbose("func#%d @%d\n", i, sp.start)
		}
	}
	return nil
}

// checkSubprogs checks that jumps stay within their subprogram and that
// no subprogram falls through into the next.
func (v *verifier) checkSubprogs() error {
	cur := 0
	start, end := v.subprogs[0].start, v.subprogEnd(0)
	for i, in := range v.insns {
		code := in.code
		if code == clsJMP|opCALL && in.imm == 12 && in.src != pseudoCall {
			v.subprogs[cur].hasTailCall = true
		}
		if code&0x07 == clsLD && (code&0xe0 == mdABS || code&0xe0 == mdIND) {
			v.subprogs[cur].hasLdAbs = true
		}
		cls := code & 0x07
		if (cls == clsJMP || cls == clsJMP32) && code&0xf0 != opEXIT && code&0xf0 != opCALL {
			off := i + int(in.off) + 1
			if off < start || off >= end {
				v.verbose("jump out of range from insn %d to %d\n", i, off)
				return errEINVAL
			}
		}
		if i == end-1 {
			if code != clsJMP|opEXIT && code != clsJMP|opJA {
				v.verbose("last insn is not an exit or jmp\n")
				return errEINVAL
			}
			start = end
			cur++
			if cur < len(v.subprogs) {
				end = v.subprogEnd(cur)
			}
		}
	}
	return nil
}

// resolvePseudoLdimm64 checks ld_imm64 pairs and opcodes and replaces map
// references by the maps' addresses (resolve_pseudo_ldimm64).
func (v *verifier) resolvePseudoLdimm64() error {
	n := len(v.insns)
	for i := 0; i < n; i++ {
		in := &v.insns[i]
		if in.class() == clsLDX && (in.mode() != mdMEM || in.imm != 0) {
			v.verbose("BPF_LDX uses reserved fields\n")
			return errEINVAL
		}
		if in.isLdImm64() {
			if i == n-1 || v.insns[i+1].code != 0 || v.insns[i+1].dst != 0 || v.insns[i+1].src != 0 || v.insns[i+1].off != 0 {
				v.verbose("invalid bpf_ld_imm64 insn\n")
				return errEINVAL
			}
			if err := v.resolveLdimm64(i); err != nil {
				return err
			}
			i++
			continue
		}
		if !opcodeTable[in.code] {
			v.verbose("unknown opcode %02x\n", in.code)
			return errEINVAL
		}
	}
	return nil
}

const maxVarOff = 1 << 29

func (v *verifier) resolveLdimm64(i int) error {
	in, next := &v.insns[i], &v.insns[i+1]
	aux := &v.aux[i]
	switch in.src {
	case 0:
		return nil
	case pseudoBTFID:
		// A kernel variable by BTF id (in a module's BTF when the second
		// half holds its fd). bpfplay has neither the kernel's BTF nor
		// module BTF objects: a module fd is never one, an id outside
		// the type table is not found, and any other id is taken to name
		// a type that is not a variable (vmlinux's low ids are base
		// types, structs, ...; its variables cannot be resolved here).
		switch {
		case next.imm != 0:
			v.verbose("invalid module BTF object FD specified.\n")
			return errEINVAL
		case in.imm < 0:
			v.verbose("ldimm64 insn specifies invalid btf_id %d.\n", in.imm)
			return errno(2) // ENOENT
		}
		v.verbose("pseudo btf_id %d in ldimm64 isn't KIND_VAR.\n", in.imm)
		return errEINVAL
	case pseudoFunc:
		aux.ptrType = ptrToFunc
		return nil
	case pseudoMapValue, pseudoMapIdxValue:
	case pseudoMapFD, pseudoMapIdx:
		if next.imm != 0 {
			v.verbose("unrecognized bpf_ld_imm64 insn\n")
			return errEINVAL
		}
	default:
		v.verbose("unrecognized bpf_ld_imm64 insn\n")
		return errEINVAL
	}
	if in.src == pseudoMapIdx || in.src == pseudoMapIdxValue {
		v.verbose("fd_idx without fd_array is invalid\n")
		return errno(71) // EPROTO
	}
	m := v.findMapByFD(in.imm)
	if m == nil {
		v.verbose("fd %d is not pointing to valid bpf_map\n", in.imm)
		if in.imm >= 0 && in.imm <= 2 {
			return errEINVAL
		}
		return errno(9) // EBADF
	}
	if err := v.checkMapProgCompatibility(m); err != nil {
		return err
	}
	var addr uint64
	if in.src == pseudoMapFD {
		addr = m.Addr
	} else {
		off := uint32(next.imm)
		if off >= maxVarOff {
			v.verbose("direct value offset of %d is not allowed\n", off)
			return errEINVAL
		}
		if m.typ != mapArray {
			v.verbose("no direct value access support for this map type\n")
			return errEINVAL
		}
		if m.MaxEntries != 1 {
			v.verbose("invalid access to map value pointer, value_size=%d off=%d\n", m.ValueSize, off)
			return errENOTSUPP
		}
		if off >= m.ValueSize {
			v.verbose("invalid access to map value pointer, value_size=%d off=%d\n", m.ValueSize, off)
			return errEINVAL
		}
		aux.mapOff = off
		addr = m.ValueAddr + uint64(off)
	}
	in.imm = int32(uint32(addr))
	next.imm = int32(uint32(addr >> 32))
	aux.mapRef = true
	aux.mapValueRef = in.src == pseudoMapValue || in.src == pseudoMapIdxValue
	for j, um := range v.maps {
		if um == m {
			aux.mapIndex = int32(j)
			return nil
		}
	}
	if len(v.maps) >= 64 {
		return errE2BIG
	}
	aux.mapIndex = int32(len(v.maps))
	m.index = len(v.maps)
	v.maps = append(v.maps, m)
	if m.typ == mapCgroupStorage || m.typ == mapPercpuCgroupStorage {
		for _, um := range v.maps[:len(v.maps)-1] {
			if um.typ == m.typ {
				v.verbose("only one cgroup storage of each type is allowed\n")
				return errEBUSY
			}
		}
	}
	return nil
}

func (v *verifier) checkMapProgCompatibility(m *mapInfo) error {
	if m.typ == mapStructOps {
		v.verbose("bpf_struct_ops map cannot be used in prog\n")
		return errEINVAL
	}
	if v.sleepable {
		switch m.typ {
		case mapHash, mapLRUHash, mapArray, mapPercpuHash, mapPercpuArray, mapLRUPercpuHash,
			mapArrayOfMaps, mapHashOfMaps, mapRingbuf, mapUserRingbuf, mapInodeStorage, mapSkStorage, mapTaskStorage:
		default:
			v.verbose("Sleepable programs can only use array, hash, and ringbuf maps\n")
			return errEINVAL
		}
	}
	return nil
}

// CFG exploration states.
const (
	cfgDiscovered  = 0x10
	cfgExplored    = 0x20
	cfgFallthrough = 1
	cfgBranch      = 2
	doneExploring  = 0
	keepExploring  = 1
)

type cfgWalk struct {
	state []uint8 // cfgDiscovered|edge kind, cfgExplored
	stack []int32
}

func (v *verifier) markPrunePoint(idx int) { v.aux[idx].prunePoint = true }
func (v *verifier) markJmpPoint(idx int)   { v.aux[idx].jmpPoint = true }

// pushInsn follows the edge t -> w of kind e in the depth-first walk.
func (v *verifier) pushInsn(c *cfgWalk, t, w, e int, loopOK bool) (int, error) {
	if e == cfgFallthrough && c.state[t] >= cfgDiscovered|cfgFallthrough {
		return doneExploring, nil
	}
	if e == cfgBranch && c.state[t] >= cfgDiscovered|cfgBranch {
		return doneExploring, nil
	}
	if w < 0 || w >= len(v.insns) {
		v.verbose("jump out of range from insn %d to %d\n", t, w)
		return 0, errEINVAL
	}
	if e == cfgBranch {
		v.markPrunePoint(w)
		v.markJmpPoint(w)
	}
	switch {
	case c.state[w] == 0:
		c.state[t] = cfgDiscovered | uint8(e)
		c.state[w] = cfgDiscovered
		if len(c.stack) >= len(v.insns) {
			return 0, errE2BIG
		}
		c.stack = append(c.stack, int32(w))
		return keepExploring, nil
	case c.state[w]&0xf0 == cfgDiscovered:
		if loopOK && v.bpfCapable {
			return doneExploring, nil
		}
		v.verbose("back-edge from insn %d to %d\n", t, w)
		return 0, errEINVAL
	case c.state[w] == cfgExplored:
		c.state[t] = cfgDiscovered | uint8(e)
	default:
		v.verbose("insn state internal bug\n")
		return 0, errEFAULT
	}
	return doneExploring, nil
}

// insnWidth is 2 for ld_imm64, 1 otherwise.
func insnWidth(in insn) int {
	if in.isLdImm64() {
		return 2
	}
	return 1
}

func (v *verifier) visitFuncCallInsn(c *cfgWalk, t int, visitCallee bool) (int, error) {
	w := insnWidth(v.insns[t])
	ret, err := v.pushInsn(c, t, t+w, cfgFallthrough, false)
	if err != nil || ret != 0 {
		return ret, err
	}
	v.markPrunePoint(t + w)
	v.markJmpPoint(t + w)
	if visitCallee {
		v.markPrunePoint(t)
		return v.pushInsn(c, t, t+int(v.insns[t].imm)+1, cfgBranch, isPseudoFunc(v.insns[t]))
	}
	return ret, nil
}

func (v *verifier) visitInsn(c *cfgWalk, t int) (int, error) {
	in := v.insns[t]
	if isPseudoFunc(in) {
		return v.visitFuncCallInsn(c, t, true)
	}
	if in.class() != clsJMP && in.class() != clsJMP32 {
		return v.pushInsn(c, t, t+insnWidth(in), cfgFallthrough, false)
	}
	switch in.op() {
	case opEXIT:
		return doneExploring, nil
	case opCALL:
		if in.imm == fnTimerSetCallback {
			v.markPrunePoint(t)
		}
		return v.visitFuncCallInsn(c, t, in.src == pseudoCall)
	case opJA:
		if in.srcBit() != srcK {
			return 0, errEINVAL
		}
		off := int(in.off)
		if in.class() == clsJMP32 {
			off = int(in.imm)
		}
		ret, err := v.pushInsn(c, t, t+off+1, cfgFallthrough, true)
		if err != nil || ret != 0 {
			return ret, err
		}
		v.markPrunePoint(t + off + 1)
		v.markJmpPoint(t + off + 1)
		return ret, nil
	default:
		v.markPrunePoint(t)
		ret, err := v.pushInsn(c, t, t+1, cfgFallthrough, true)
		if err != nil || ret != 0 {
			return ret, err
		}
		return v.pushInsn(c, t, t+int(in.off)+1, cfgBranch, true)
	}
}

// checkCFG is check_cfg: a depth-first walk that finds back-edges (loops
// are allowed for privileged programs, which the path walk then bounds)
// and unreachable instructions.
func (v *verifier) checkCFG() error {
	n := len(v.insns)
	c := &cfgWalk{state: make([]uint8, n), stack: make([]int32, 1, 64)}
	c.state[0] = cfgDiscovered
	for len(c.stack) > 0 {
		t := int(c.stack[len(c.stack)-1])
		ret, err := v.visitInsn(c, t)
		if err != nil {
			return err
		}
		if ret == doneExploring {
			c.state[t] = cfgExplored
			c.stack = c.stack[:len(c.stack)-1]
		}
	}
	for i := 0; i < n; i++ {
		if c.state[i] != cfgExplored {
			v.verbose("unreachable insn %d\n", i)
			return errEINVAL
		}
		if v.insns[i].isLdImm64() {
			if i+1 < n && c.state[i+1] != 0 {
				v.verbose("jump into the middle of ldimm64 insn %d\n", i)
				return errEINVAL
			}
			i++
		}
	}
	return nil
}
