package verifier

import (
	"math/bits"

	"github.com/bpfplay/bpfplay/core/progtype"
)

// rewrite runs Linux's passes after the verification proper, in its
// order, producing the xlated program (v.xlated) in the form the kernel
// reports it (bpf_prog_get_info's xlated_prog_insns as root).
func (v *verifier) rewrite(priv bool) error {
	if err := v.optimizeBPFLoop(); err != nil {
		return err
	}
	if priv {
		v.hardWireDeadCodeBranches()
		v.removeDeadCode()
		v.removeNops()
	} else {
		v.sanitizeDeadCode()
	}
	if err := v.convertCtxAccesses(); err != nil {
		return err
	}
	if err := v.doMiscFixups(); err != nil {
		return err
	}
	if err := v.optSubregZextLo32RndHi32(); err != nil {
		return err
	}
	v.fixupCallArgs()
	v.xlated = v.dumpXlated()
	return nil
}

// callOffset is a kernel function's call immediate.
func (v *verifier) callOffset(fn string) (int32, bool) {
	if v.kernel != nil && v.kernel.CallOffset != nil {
		if off, ok := v.kernel.CallOffset(fn); ok {
			return off, true
		}
	}
	off, ok := kernelCallOffsets[fn]
	return off, ok
}

// emitCall is a call of kernel function fn (BPF_EMIT_CALL).
func (v *verifier) emitCall(fn string) insn {
	off, _ := v.callOffset(fn)
	return callImm(off)
}

// doMiscFixups: division guards, legacy packet loads, pointer
// arithmetic masking for unprivileged programs, tail calls, inlined map
// lookups and helper call immediates.
func (v *verifier) doMiscFixups() error {
	v.beginBatch()
	n := len(v.insns)
	for i0 := 0; i0 < n; i0++ {
		i := i0
		in := v.insns[i]
		switch in.code {
		case clsALU64 | opMOD | srcX, clsALU64 | opDIV | srcX, clsALU | opMOD | srcX, clsALU | opDIV | srcX:
			is64 := in.class() == clsALU64
			jcls := uint8(clsJMP32)
			if is64 {
				jcls = clsJMP
			}
			var p []insn
			if in.op() == opDIV {
				p = []insn{
					{code: jcls | opJNE | srcK, dst: in.src, off: 2},
					aluReg(clsALU, opXOR, in.dst, in.dst),
					ja(1),
					in,
				}
			} else {
				off := int16(1)
				if !is64 {
					off = 2
				}
				p = []insn{{code: jcls | opJEQ | srcK, dst: in.src, off: off}, in}
				if !is64 {
					p = append(p, ja(1), mov32Reg(in.dst, in.dst))
				}
			}
			if err := v.patch(i, p); err != nil {
				return err
			}
			continue
		}
		if in.class() == clsLD && (in.mode() == mdABS || in.mode() == mdIND) {
			p := v.genLdAbs(in)
			if err := v.patch(i, p); err != nil {
				return err
			}
			continue
		}
		if in.code == clsALU64|opADD|srcX || in.code == clsALU64|opSUB|srcX {
			aux := &v.aux[i]
			if aux.aluState == 0 || aux.aluState == aluNonPointer {
				continue
			}
			p := v.maskPtrALU(in, aux)
			if err := v.patch(i, p); err != nil {
				return err
			}
			continue
		}
		if in.code != clsJMP|opCALL || in.src == pseudoCall {
			continue
		}
		if in.src == pseudoKfuncCall {
			if in.imm == 0 {
				v.verbose("invalid kernel function call not eliminated in verifier pass\n")
				return errEINVAL
			}
			continue
		}
		id := in.imm
		if id == fnTailCall {
			p, err := v.fixupTailCall(i, in)
			if err != nil {
				return err
			}
			if p != nil {
				if err := v.patch(i, p); err != nil {
					return err
				}
			}
			continue
		}
		if id == fnSkStorageGet || id == fnTaskStorageGet || id == fnInodeStorageGet {
			// R5 gets the allocation flags (GFP_ATOMIC, non-sleepable)
			const gfpAtomic, gfpKernel = 0x820, 0xcc0
			flags := int32(gfpAtomic)
			if v.sleepable {
				flags = gfpKernel
			}
			in.imm = v.helperImm(id)
			if err := v.patch(i, []insn{mov64Imm(5, flags), in}); err != nil {
				return err
			}
			continue
		}
		switch id {
		case fnMapLookupElem, fnMapUpdateElem, fnMapDeleteElem, fnMapPushElem, fnMapPopElem, fnMapPeekElem,
			fnRedirectMap, fnForEachMapElem, fnMapLookupPercpuElem:
			aux := &v.aux[i]
			if aux.mapPoison || aux.mapOf == 0 {
				break
			}
			m := v.auxMap(aux)
			if id == fnMapLookupElem {
				if p := v.mapGenLookup(m); p != nil {
					if err := v.patch(i, p); err != nil {
						return err
					}
					continue
				}
			}
			if fn := mapOpFunc(m, id); fn != "" {
				if off, ok := v.callOffset(fn); ok {
					v.insns[i].imm = off
					continue
				}
			}
		case 118: // bpf_jiffies64: a load of jiffies
			lo := ldImm64(0, jiffiesAddr)
			p := []insn{lo[0], lo[1], ldxMem(szDW, 0, 0, 0)}
			if err := v.patch(i, p); err != nil {
				return err
			}
			continue
		}
		v.insns[i].imm = v.helperImm(id)
	}
	return v.endBatch()
}

// jiffiesAddr is &jiffies on the reference kernel (nokaslr), as its
// xlated bpf_jiffies64 calls show (core/verifier's helper availability
// table: every program type that may call it).
const jiffiesAddr = 0xffffffff82a079c0

// helperImm is the call immediate of helper id for this program.
func (v *verifier) helperImm(id int32) int32 {
	fn := v.funcProto(id)
	if fn == nil || fn.Func == "" {
		return id
	}
	if off, ok := v.callOffset(fn.Func); ok {
		return off
	}
	return id
}

// maskPtrALU masks pointer arithmetic an unprivileged program does
// with a variable offset, so that even speculatively it stays in bounds.
func (v *verifier) maskPtrALU(in insn, aux *insnAux) []insn {
	isneg := aux.aluState&aluNegValue != 0
	issrc := aux.aluState&aluSanitize == aluSanitizeSrc
	isimm := aux.aluState&aluImmediate != 0
	offReg := in.dst
	if issrc {
		offReg = in.src
	}
	var p []insn
	if isimm {
		p = append(p, mov32Imm(regAX, int32(aux.aluLimit)))
	} else {
		if isneg {
			p = append(p, aluImm(clsALU64, opMUL, offReg, -1))
		}
		p = append(p,
			mov32Imm(regAX, int32(aux.aluLimit)),
			aluReg(clsALU64, opSUB, regAX, offReg),
			aluReg(clsALU64, opOR, regAX, offReg),
			aluImm(clsALU64, opNEG, regAX, 0),
			aluImm(clsALU64, opARSH, regAX, 63),
			aluReg(clsALU64, opAND, regAX, offReg))
	}
	if !issrc {
		p = append(p, mov64Reg(in.dst, in.src))
	}
	in.src = regAX
	if isneg {
		if in.code == clsALU64|opADD|srcX {
			in.code = clsALU64 | opSUB | srcX
		} else {
			in.code = clsALU64 | opADD | srcX
		}
	}
	p = append(p, in)
	if issrc && isneg && !isimm {
		p = append(p, aluImm(clsALU64, opMUL, offReg, -1))
	}
	return p
}

// fixupTailCall turns a bpf_tail_call into the kernel's tail call
// instruction; unprivileged programs get the index masked.
func (v *verifier) fixupTailCall(i int, in insn) ([]insn, error) {
	in.imm = 0
	in.code = clsJMP | opTailCall
	aux := &v.aux[i]
	if v.bpfCapable && v.jitRequested() && aux.mapKeySeen && !aux.mapKeyPoison && !aux.mapPoison && !aux.mapUnpriv {
		// a direct jump the JIT patches: the poke descriptor's index
		v.pokeDescs = append(v.pokeDescs, i)
		in.imm = int32(len(v.pokeDescs))
		v.insns[i] = in
		return nil, nil
	}
	v.insns[i] = in
	if !aux.mapUnpriv {
		return nil, nil
	}
	if aux.mapPoison {
		v.verbose("tail_call abusing map_ptr\n")
		return nil, errEINVAL
	}
	m := v.auxMap(aux)
	return []insn{
		jmpImm(opJGE, 3, int32(m.MaxEntries), 2),
		aluImm(clsALU, opAND, 3, int32(indexMask(m.MaxEntries))),
		in,
	}, nil
}

// indexMask is an array map's index_mask: the next power of two, minus 1.
func indexMask(maxEntries uint32) uint32 {
	if maxEntries <= 1 {
		return 0
	}
	return 1<<bits.Len32(maxEntries-1) - 1
}

// mapGenLookup inlines bpf_map_lookup_elem for the map types that allow
// it (arrays, hashes), or returns nil.
func (v *verifier) mapGenLookup(m *mapInfo) []insn {
	const ret, mapPtr, index = 0, 1, 2
	arrayLookup := func(elemSize uint32, ofMaps bool) []insn {
		p := []insn{
			aluImm(clsALU64, opADD, mapPtr, progtype.BPFArrayValue),
			ldxMem(szW, ret, index, 0),
		}
		jge := int16(3)
		if ofMaps {
			jge = 5
		}
		// maps are created by root: bypass_spec_v1, no index masking
		p = append(p, jmpImm(opJGE, ret, int32(m.MaxEntries), jge))
		if elemSize != 0 && elemSize&(elemSize-1) == 0 {
			p = append(p, aluImm(clsALU64, opLSH, ret, int32(bits.TrailingZeros32(elemSize))))
		} else {
			p = append(p, aluImm(clsALU64, opMUL, ret, int32(elemSize)))
		}
		p = append(p, aluReg(clsALU64, opADD, ret, mapPtr))
		if ofMaps {
			p = append(p, ldxMem(szDW, ret, ret, 0), jmpImm(opJEQ, ret, 0, 1))
		}
		return append(p, ja(1), mov64Imm(ret, 0))
	}
	keyOff := int32(progtype.HtabElemKey + (m.KeySize+7)&^7)
	switch m.typ {
	case mapArray:
		if m.Flags&bpfFInnerMap != 0 {
			return nil
		}
		return arrayLookup((m.ValueSize+7)&^7, false)
	case mapArrayOfMaps:
		return arrayLookup(8, true)
	case mapHash:
		return []insn{v.emitCall("__htab_map_lookup_elem"), jmpImm(opJEQ, ret, 0, 1),
			aluImm(clsALU64, opADD, ret, keyOff)}
	case mapLRUHash:
		return []insn{v.emitCall("__htab_map_lookup_elem"), jmpImm(opJEQ, ret, 0, 4),
			ldxMem(szB, 1, ret, progtype.HtabElemLRURef), jmpImm(opJNE, 1, 0, 1),
			stMem(szB, ret, progtype.HtabElemLRURef, 1), aluImm(clsALU64, opADD, ret, keyOff)}
	case mapXskmap:
		const xskMapArray = 264 // offsetof(struct xsk_map, xsk_map)
		return []insn{ldxMem(szW, ret, index, 0), jmp32Imm(opJGE, ret, int32(m.MaxEntries), 5),
			aluImm(clsALU64, opLSH, ret, 3), aluImm(clsALU64, opADD, mapPtr, xskMapArray),
			aluReg(clsALU64, opADD, ret, mapPtr), ldxMem(szDW, ret, ret, 0), ja(1), mov64Imm(ret, 0)}
	case mapHashOfMaps:
		return []insn{v.emitCall("__htab_map_lookup_elem"), jmpImm(opJEQ, ret, 0, 2),
			aluImm(clsALU64, opADD, ret, keyOff), ldxMem(szDW, ret, ret, 0)}
	}
	return nil
}

// bpfFInnerMap is BPF_F_INNER_MAP.
const bpfFInnerMap = 1 << 12

// mapOpTable lists the functions of each map type's operations (map
// type, helper id, function). It is static data: as a map literal of maps
// it was one big init function, costly to compile in the browser
// (docs/web.md, "Start-up").
var mapOpTable = [...]struct {
	typ mapType
	id  int32
	fn  string
}{
	{mapHash, 1, "htab_map_lookup_elem"},
	{mapHash, 2, "htab_map_update_elem"},
	{mapHash, 3, "htab_map_delete_elem"},
	{mapHash, 164, "bpf_for_each_hash_elem"},
	{mapLRUHash, 1, "htab_lru_map_lookup_elem"},
	{mapLRUHash, 2, "htab_lru_map_update_elem"},
	{mapLRUHash, 3, "htab_lru_map_delete_elem"},
	{mapLRUHash, 164, "bpf_for_each_hash_elem"},
	{mapPercpuHash, 1, "htab_percpu_map_lookup_elem"},
	{mapPercpuHash, 2, "htab_percpu_map_update_elem"},
	{mapPercpuHash, 3, "htab_map_delete_elem"},
	{mapPercpuHash, 164, "bpf_for_each_hash_elem"},
	{mapPercpuHash, 195, "htab_percpu_map_lookup_percpu_elem"},
	{mapLRUPercpuHash, 1, "htab_lru_percpu_map_lookup_elem"},
	{mapLRUPercpuHash, 2, "htab_lru_percpu_map_update_elem"},
	{mapLRUPercpuHash, 3, "htab_lru_map_delete_elem"},
	{mapLRUPercpuHash, 164, "bpf_for_each_hash_elem"},
	{mapLRUPercpuHash, 195, "htab_lru_percpu_map_lookup_percpu_elem"},
	{mapHashOfMaps, 1, "htab_of_map_lookup_elem"},
	{mapHashOfMaps, 3, "htab_map_delete_elem"},
	{mapStackTrace, 1, "stack_map_lookup_elem"},
	{mapStackTrace, 2, "stack_map_update_elem"},
	{mapStackTrace, 3, "stack_map_delete_elem"},
	{mapReuseportSockarray, 1, "reuseport_array_lookup_elem"},
	{mapReuseportSockarray, 3, "reuseport_array_delete_elem"},
	{mapDevmap, 1, "dev_map_lookup_elem"},
	{mapDevmap, 2, "dev_map_update_elem"},
	{mapDevmap, 3, "dev_map_delete_elem"},
	{mapDevmap, 51, "dev_map_redirect"},
	{mapDevmapHash, 1, "dev_map_hash_lookup_elem"},
	{mapDevmapHash, 2, "dev_map_hash_update_elem"},
	{mapDevmapHash, 3, "dev_map_hash_delete_elem"},
	{mapDevmapHash, 51, "dev_hash_map_redirect"},
	{mapRingbuf, 1, "ringbuf_map_lookup_elem"},
	{mapRingbuf, 2, "ringbuf_map_update_elem"},
	{mapRingbuf, 3, "ringbuf_map_delete_elem"},
	{mapUserRingbuf, 1, "ringbuf_map_lookup_elem"},
	{mapUserRingbuf, 2, "ringbuf_map_update_elem"},
	{mapUserRingbuf, 3, "ringbuf_map_delete_elem"},
	{mapArray, 1, "array_map_lookup_elem"},
	{mapArray, 2, "array_map_update_elem"},
	{mapArray, 3, "array_map_delete_elem"},
	{mapArray, 164, "bpf_for_each_array_elem"},
	{mapPercpuArray, 1, "percpu_array_map_lookup_elem"},
	{mapPercpuArray, 2, "array_map_update_elem"},
	{mapPercpuArray, 3, "array_map_delete_elem"},
	{mapPercpuArray, 164, "bpf_for_each_array_elem"},
	{mapPercpuArray, 195, "percpu_array_map_lookup_percpu_elem"},
	{mapProgArray, 1, "fd_array_map_lookup_elem"},
	{mapProgArray, 3, "fd_array_map_delete_elem"},
	{mapPerfEventArray, 1, "fd_array_map_lookup_elem"},
	{mapPerfEventArray, 3, "fd_array_map_delete_elem"},
	{mapCgroupArray, 1, "fd_array_map_lookup_elem"},
	{mapCgroupArray, 3, "fd_array_map_delete_elem"},
	{mapArrayOfMaps, 1, "array_of_map_lookup_elem"},
	{mapArrayOfMaps, 3, "fd_array_map_delete_elem"},
	{mapLPMTrie, 1, "trie_lookup_elem"},
	{mapLPMTrie, 2, "trie_update_elem"},
	{mapLPMTrie, 3, "trie_delete_elem"},
	{mapBloomFilter, 1, "bloom_map_lookup_elem"},
	{mapBloomFilter, 2, "bloom_map_update_elem"},
	{mapBloomFilter, 3, "bloom_map_delete_elem"},
	{mapBloomFilter, 87, "bloom_map_push_elem"},
	{mapBloomFilter, 88, "bloom_map_pop_elem"},
	{mapBloomFilter, 89, "bloom_map_peek_elem"},
	{mapCgroupStorage, 1, "cgroup_storage_lookup_elem"},
	{mapCgroupStorage, 2, "cgroup_storage_update_elem"},
	{mapCgroupStorage, 3, "cgroup_storage_delete_elem"},
	{mapPercpuCgroupStorage, 1, "cgroup_storage_lookup_elem"},
	{mapPercpuCgroupStorage, 2, "cgroup_storage_update_elem"},
	{mapPercpuCgroupStorage, 3, "cgroup_storage_delete_elem"},
	{mapQueue, 1, "queue_stack_map_lookup_elem"},
	{mapQueue, 2, "queue_stack_map_update_elem"},
	{mapQueue, 3, "queue_stack_map_delete_elem"},
	{mapQueue, 87, "queue_stack_map_push_elem"},
	{mapQueue, 88, "queue_map_pop_elem"},
	{mapQueue, 89, "queue_map_peek_elem"},
	{mapStack, 1, "queue_stack_map_lookup_elem"},
	{mapStack, 2, "queue_stack_map_update_elem"},
	{mapStack, 3, "queue_stack_map_delete_elem"},
	{mapStack, 87, "queue_stack_map_push_elem"},
	{mapStack, 88, "stack_map_pop_elem"},
	{mapStack, 89, "stack_map_peek_elem"},
	{mapTaskStorage, 1, "bpf_pid_task_storage_lookup_elem"},
	{mapTaskStorage, 2, "bpf_pid_task_storage_update_elem"},
	{mapTaskStorage, 3, "bpf_pid_task_storage_delete_elem"},
	{mapInodeStorage, 1, "bpf_fd_inode_storage_lookup_elem"},
	{mapInodeStorage, 2, "bpf_fd_inode_storage_update_elem"},
	{mapInodeStorage, 3, "bpf_fd_inode_storage_delete_elem"},
	{mapCpumap, 1, "cpu_map_lookup_elem"},
	{mapCpumap, 2, "cpu_map_update_elem"},
	{mapCpumap, 3, "cpu_map_delete_elem"},
	{mapCpumap, 51, "cpu_map_redirect"},
	{mapSockmap, 1, "sock_map_lookup"},
	{mapSockmap, 2, "sock_map_update_elem"},
	{mapSockmap, 3, "sock_map_delete_elem"},
	{mapSockhash, 1, "sock_hash_lookup"},
	{mapSockhash, 2, "sock_map_update_elem"},
	{mapSockhash, 3, "sock_hash_delete_elem"},
	{mapSkStorage, 1, "bpf_fd_sk_storage_lookup_elem"},
	{mapSkStorage, 2, "bpf_fd_sk_storage_update_elem"},
	{mapSkStorage, 3, "bpf_fd_sk_storage_delete_elem"},
	{mapXskmap, 1, "xsk_map_lookup_elem"},
	{mapXskmap, 2, "xsk_map_update_elem"},
	{mapXskmap, 3, "xsk_map_delete_elem"},
	{mapXskmap, 51, "xsk_map_redirect"},
}

type mapOpKey struct {
	typ mapType
	id  int32
}

// mapOps indexes mapOpTable.
var mapOps = func() map[mapOpKey]string {
	m := make(map[mapOpKey]string, len(mapOpTable))
	for _, o := range mapOpTable {
		m[mapOpKey{o.typ, o.id}] = o.fn
	}
	return m
}()

// mapOpFunc names the operation a map helper lands on.
func mapOpFunc(m *mapInfo, id int32) string { return mapOps[mapOpKey{m.typ, id}] }

// genLdAbs lowers a legacy packet load into a call of the kernel's skb
// load helper (bpf_gen_ld_abs), which returns a negative value on error.
func (v *verifier) genLdAbs(in insn) []insn {
	var p []insn
	if in.mode() == mdIND {
		p = append(p, mov64Reg(2, in.src))
		if in.imm != 0 {
			p = append(p, aluImm(clsALU64, opADD, 2, in.imm))
		}
	} else {
		p = append(p, mov64Imm(2, in.imm))
	}
	p = append(p, mov64Reg(1, 6))
	switch in.size() {
	case szB:
		p = append(p, v.emitCall("bpf_skb_load_helper_8_no_cache"))
	case szH:
		p = append(p, v.emitCall("bpf_skb_load_helper_16_no_cache"))
	case szW:
		p = append(p, v.emitCall("bpf_skb_load_helper_32_no_cache"))
	}
	return append(p, jmpImm(opJSGE, 0, 0, 2), aluReg(clsALU, opXOR, 0, 0), exitInsn())
}

// optSubregZextLo32RndHi32 makes 32-bit results explicit for JITs that
// need it; with BPF_F_TEST_RND_HI32 (test_verifier always sets it) it
// instead fills the upper half of each 32-bit result nobody reads as 64
// bits with a random value, to catch programs relying on it.
func (v *verifier) optSubregZextLo32RndHi32() error {
	rnd := v.testRndHi32
	n := len(v.insns)
	v.beginBatch()
	for i0 := 0; i0 < n; i0++ {
		i := i0
		in := v.insns[i]
		load := insnDefRegno(in)
		if v.aux[i].zextDst {
			// x86-64 zero-extends 32-bit results itself; only cmpxchg's
			// implicit r0 needs an explicit zero extension
			if !(in.class() == clsSTX && in.mode() == mdATOMIC && in.imm == atomicCmpxchg) {
				continue
			}
			p := []insn{in, mov32Reg(uint8(load), uint8(load))}
			p[1].imm = 1 // BPF_ZEXT_REG: mov32 with imm 1
			if err := v.patch(i, p); err != nil {
				return err
			}
			continue
		}
		if !rnd || load == -1 {
			continue
		}
		if v.isReg64(in, load, nil, dstOp) {
			if in.class() == clsLD && in.mode() == mdIMM {
				i0++
			}
			continue
		}
		if in.class() == clsLDX && v.aux[i].ptrType == ptrToCtx {
			continue
		}
		v.rndState = v.rndState*6364136223846793005 + 1442695040888963407
		p := []insn{in, mov64Imm(regAX, int32(uint32(v.rndState>>33))), aluImm(clsALU64, opLSH, regAX, 32),
			aluReg(clsALU64, opOR, uint8(load), regAX)}
		if err := v.patch(i, p); err != nil {
			return err
		}
	}
	return v.endBatch()
}

// fixupCallArgs gives bpf-to-bpf calls the form a JITed program's
// xlated dump shows: the pc-relative target in off, the callee's
// subprogram number in imm; function addresses likewise.
func (v *verifier) fixupCallArgs() {
	if len(v.subprogs) <= 1 {
		return
	}
	for i := 0; i < len(v.insns); i++ {
		in := &v.insns[i]
		switch {
		case isPseudoFunc(*in):
			sub := v.findSubprog(i + int(in.imm) + 1)
			v.insns[i+1].imm = int32(sub)
			i++
		case isPseudoCall(*in):
			sub := v.findSubprog(i + int(in.imm) + 1)
			in.off = int16(in.imm)
			in.imm = int32(sub)
		}
	}
}

// dumpXlated is the program as BPF_OBJ_GET_INFO_BY_FD reports it to
// root: map references by map id (and value offset), tail calls as
// calls of helper 12.
func (v *verifier) dumpXlated() []insn {
	out := append([]insn(nil), v.insns...)
	for i := 0; i < len(out); i++ {
		in := &out[i]
		if in.code == clsJMP|opTailCall {
			in.code = clsJMP | opCALL
			in.imm = fnTailCall
			continue
		}
		if !in.isLdImm64() || i+1 >= len(out) {
			continue
		}
		if m, kind, off := v.mapFromImm(i); m != nil {
			in.src = kind
			in.imm = int32(m.ID)
			out[i+1].imm = int32(off)
		}
		i++
	}
	return out
}

// mapFromImm finds the map an ld_imm64 of the original program refers
// to (by its aux data), with the kind of reference and the value offset.
func (v *verifier) mapFromImm(i int) (*mapInfo, uint8, uint32) {
	a := &v.aux[i]
	if !a.mapRef || int(a.mapIndex) >= len(v.maps) {
		return nil, 0, 0
	}
	m := v.maps[a.mapIndex]
	if a.mapValueRef {
		return m, pseudoMapValue, a.mapOff
	}
	return m, pseudoMapFD, 0
}
