package verifier

// Reads through a map pointer (CONST_PTR_TO_MAP): privileged programs may
// read the kernel's struct of the map, checked against its BTF. bpfplay
// knows the struct names of each map type and the layout of the struct
// bpf_map every map struct starts with (6.1.0-56's BTF); what lies beyond
// it reads as a plain number.

// mapStructNames are the kernel structs behind each map type.
var mapStructNames = map[mapType]string{
	mapArray: "bpf_array", mapPercpuArray: "bpf_array", mapProgArray: "bpf_array",
	mapPerfEventArray: "bpf_array", mapCgroupArray: "bpf_array", mapArrayOfMaps: "bpf_array",
	mapHash: "bpf_htab", mapPercpuHash: "bpf_htab", mapLRUHash: "bpf_htab", mapLRUPercpuHash: "bpf_htab",
	mapHashOfMaps: "bpf_htab", mapCgroupStorage: "bpf_cgroup_storage_map",
	mapPercpuCgroupStorage: "bpf_cgroup_storage_map", mapLPMTrie: "lpm_trie", mapQueue: "bpf_queue_stack",
	mapStack: "bpf_queue_stack", mapReuseportSockarray: "reuseport_array", mapRingbuf: "bpf_ringbuf_map",
	mapUserRingbuf: "bpf_ringbuf_map", mapStackTrace: "bpf_stack_map", mapDevmap: "bpf_dtab",
	mapDevmapHash: "bpf_dtab", mapCpumap: "bpf_cpu_map", mapBloomFilter: "bpf_bloom_filter",
	mapSkStorage: "bpf_local_storage_map", mapInodeStorage: "bpf_local_storage_map",
	mapTaskStorage: "bpf_local_storage_map", mapStructOps: "bpf_struct_ops_map", mapSockmap: "bpf_stab",
	mapSockhash: "bpf_shtab", mapXskmap: "xsk_map",
}

// btfMember is one member of struct bpf_map: pointers name the struct
// they point to.
type btfMember struct {
	name      string
	off, size int
	ptrTo     string // pointer member: the pointee struct ("" for scalars)
}

// bpfMapMembers is struct bpf_map (256 bytes).
var bpfMapMembers = []btfMember{
	{"ops", 0, 8, "bpf_map_ops"}, {"inner_map_meta", 8, 8, "bpf_map"}, {"security", 16, 8, "void"},
	{"map_type", 24, 4, ""}, {"key_size", 28, 4, ""}, {"value_size", 32, 4, ""}, {"max_entries", 36, 4, ""},
	{"map_extra", 40, 8, ""}, {"map_flags", 48, 4, ""}, {"spin_lock_off", 52, 4, ""},
	{"kptr_off_tab", 56, 8, "bpf_map_value_off"}, {"timer_off", 64, 4, ""}, {"id", 68, 4, ""},
	{"numa_node", 72, 4, ""}, {"btf_key_type_id", 76, 4, ""}, {"btf_value_type_id", 80, 4, ""},
	{"btf_vmlinux_value_type_id", 84, 4, ""}, {"btf", 88, 8, "btf"}, {"objcg", 96, 8, "obj_cgroup"},
	{"name", 104, 16, ""}, {"off_arr", 120, 8, "bpf_map_off_arr"}, {"refcnt", 128, 8, ""},
	{"usercnt", 136, 8, ""}, {"work", 144, 32, ""}, {"freeze_mutex", 176, 32, ""}, {"writecnt", 208, 8, ""},
	{"owner_lock", 216, 4, ""}, {"owner", 224, 8, "bpf_map_owner"}, {"bypass_spec_v1", 232, 1, ""},
	{"frozen", 233, 1, ""}, {"free_after_mult_rcu_gp", 234, 1, ""}, {"elem_count", 240, 8, "s64"},
	{"cookie", 248, 8, ""},
}

// checkPtrToMapAccess checks a read through a map pointer.
func (v *verifier) checkPtrToMapAccess(regno, off, size, t, valueRegno int) error {
	reg := &v.regs()[regno]
	tname, ok := mapStructNames[reg.mapPtr.typ]
	if !ok {
		v.verbose("map_ptr access not supported for map type %d\n", reg.mapPtr.typ)
		return errENOTSUPP
	}
	if !v.allowPtrToMapAccess {
		v.verbose("%s access is allowed only to CAP_PERFMON and CAP_SYS_ADMIN\n", tname)
		return errEPERM
	}
	if off < 0 {
		v.verbose("R%d is %s invalid negative access: off=%d\n", regno, tname, off)
		return errEACCES
	}
	if t != bpfRead {
		v.verbose("only read from %s is supported\n", tname)
		return errEACCES
	}
	ptrTo := ""
	if off < 256 {
		// the struct bpf_map every map struct begins with
		for _, m := range bpfMapMembers {
			if off >= m.off+m.size {
				continue
			}
			if off < m.off {
				break
			}
			if m.ptrTo != "" {
				if m.size != size || off != m.off {
					v.verbose("cannot access ptr member %s with moff %d in struct bpf_map with off %d size %d\n",
						m.name, m.off, off, size)
					return errEACCES
				}
				ptrTo = m.ptrTo
				break
			}
			if off+size > m.off+m.size {
				v.verbose("access beyond the end of member %s (mend:%d) in struct bpf_map with off %d size %d\n",
					m.name, m.off+m.size, off, size)
				return errEACCES
			}
			break
		}
	}
	if valueRegno < 0 {
		return nil
	}
	r := &v.regs()[valueRegno]
	if ptrTo == "" || ptrTo == "void" || ptrTo == "s64" {
		v.markUnknown(r)
		return nil
	}
	r.markKnownZero()
	r.typ = ptrToBTFID
	r.btfID = btfIDOf(ptrTo)
	return nil
}
