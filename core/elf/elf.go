package elf

import (
	"bytes"
	debugelf "debug/elf"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
)

// Object is what an ELF object holds.
type Object struct {
	Programs []*Program // sorted by section, then function name
	Maps     []*Map     // in name order; MapRefs index this slice
	License  string
	// BTF is the object's own type information (nil without BTF).
	BTF *btf.Spec
}

// Program is one program of the object, linked: its instructions
// include the bpf-to-bpf functions it calls, after its own.
type Program struct {
	Name    string // function name
	Section string // ELF section, e.g. "socket", "kprobe/do_sys_openat2"
	// ProgType and AttachType are the kernel's enum names ("xdp",
	// "sched_cls"; "" when the section says nothing), inferred from the
	// section name as libbpf does; AttachTo is the section's target
	// ("do_sys_openat2" for "kprobe/do_sys_openat2").
	ProgType   string
	AttachType string
	AttachTo   string
	License    string

	// Insns is the program as it is handed to BPF_PROG_LOAD, except that
	// map references are not file descriptors: each ld_imm64 listed in
	// MapRefs carries src 1 (map) or 2 (map value) with imm 0.
	Insns   isa.Program
	MapRefs []MapRef
	// Funcs are the functions linked into the program, the entry point
	// first, with the instruction index where each starts.
	Funcs []Func
	// Lines is the BTF line info: the C source line where instruction
	// Insn starts a new line record, in instruction order.
	Lines []Line
	// CORE lists the CO-RE relocations that were applied.
	CORE []Relocation
}

// MapRef is an ld_imm64 that refers to a map.
type MapRef struct {
	Insn   int    // index into Program.Insns
	Slot   int    // the instruction's first slot
	Map    int    // index into Object.Maps
	Value  bool   // BPF_PSEUDO_MAP_VALUE (global data): the address of the value at Offset
	Offset uint32 // offset into the value (Value only)
}

// Func is a function inside a linked program.
type Func struct {
	Name string
	Insn int // index into Program.Insns of its first instruction
	Slot int
}

// Line is one BTF line-info record.
type Line struct {
	Insn int // index into Program.Insns
	Slot int
	File string
	Line int
	Col  int
	Text string // the source line, as clang recorded it
}

// Relocation is an applied CO-RE relocation, for display.
type Relocation struct {
	Insn int
	Desc string // e.g. "byte_off=4->2520 (task_struct.real_parent)"
}

// Map is a map the object declares.
type Map struct {
	Name       string
	Type       string // kernel enum name: "hash", "array", ...
	KeySize    uint32
	ValueSize  uint32
	MaxEntries uint32
	Flags      uint32
	// Data is the initial value of a global data section map (.data,
	// .rodata: the section bytes; .bss: zeros); nil for other maps.
	Data []byte
	// Global marks the maps of the .data/.rodata/.bss sections.
	Global bool
	// Frozen marks read-only global data (.rodata*): libbpf and
	// cilium/ebpf freeze these maps (BPF_MAP_FREEZE) after writing their
	// initial value, so the verifier may treat loads from them as known
	// constants.
	Frozen bool
	// Inner is the template of the inner map of a map of maps.
	Inner *Map
}

// Options tune Open.
type Options struct {
	// TargetBTF is the kernel CO-RE relocations are resolved against;
	// nil uses the shipped Linux 6.1 BTF (see KernelBTF).
	TargetBTF *btf.Spec
}

// Error is a problem with the object file.
type Error struct {
	Program string // "" for the object as a whole
	Msg     string
}

func (e *Error) Error() string {
	if e.Program != "" {
		return "elf: program " + e.Program + ": " + e.Msg
	}
	return "elf: " + e.Msg
}

// Open reads an object from its bytes.
func Open(b []byte) (*Object, error) { return OpenWithOptions(b, nil) }

// OpenWithOptions reads an object from its bytes with options.
func OpenWithOptions(b []byte, opts *Options) (obj *Object, err error) {
	// cilium/ebpf's reader is trusted code, but an object is arbitrary
	// input: a reader panic must be a bad-object error, not a crash.
	defer func() {
		if r := recover(); r != nil {
			obj, err = nil, &Error{Msg: fmt.Sprintf("malformed object (the ELF reader failed: %v)", r)}
		}
	}()
	if len(b) < 4 || string(b[:4]) != "\x7fELF" {
		return nil, &Error{Msg: "not an ELF object (no \\x7fELF magic)"}
	}
	if err := precheck(b); err != nil {
		return nil, err
	}
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(b))
	if err != nil {
		return nil, &Error{Msg: strings.TrimPrefix(err.Error(), "load collection spec: ")}
	}
	if opts == nil {
		opts = &Options{}
	}
	obj = &Object{BTF: spec.Types}
	mapIndex := map[string]int{}
	names := make([]string, 0, len(spec.Maps))
	for n := range spec.Maps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		m, err := convertMap(n, spec.Maps[n])
		if err != nil {
			return nil, err
		}
		mapIndex[n] = len(obj.Maps)
		obj.Maps = append(obj.Maps, m)
	}
	progs := make([]*ebpf.ProgramSpec, 0, len(spec.Programs))
	for _, p := range spec.Programs {
		progs = append(progs, p)
	}
	sort.Slice(progs, func(i, j int) bool {
		if progs[i].SectionName != progs[j].SectionName {
			return progs[i].SectionName < progs[j].SectionName
		}
		return progs[i].Name < progs[j].Name
	})
	for _, ps := range progs {
		p, err := convertProgram(ps, spec.Types, mapIndex, opts)
		if err != nil {
			return nil, err
		}
		if obj.License == "" {
			obj.License = ps.License
		}
		obj.Programs = append(obj.Programs, p)
	}
	if len(obj.Programs) == 0 {
		return nil, &Error{Msg: "no programs in the object (functions in non-.text sections such as SEC(\"xdp\") become programs)"}
	}
	return obj, nil
}

// precheck refuses what would make the ELF reader allocate without
// bound: a .bss-like section (SHT_NOBITS: a size with no bytes behind
// it) larger than maxGlobalData. In the browser such an allocation is an
// out-of-memory crash, not an error.
func precheck(b []byte) error {
	f, err := debugelf.NewFile(bytes.NewReader(b))
	if err != nil {
		return &Error{Msg: err.Error()}
	}
	for _, s := range f.Sections {
		if s.Type == debugelf.SHT_NOBITS && s.Size > maxGlobalData {
			return &Error{Msg: fmt.Sprintf("section %s is %d bytes; bpfplay takes at most %d of zero-initialised data", s.Name, s.Size, maxGlobalData)}
		}
	}
	return nil
}

// maxGlobalData bounds a global data section (its array map's value).
const maxGlobalData = 4 << 20

func convertMap(name string, ms *ebpf.MapSpec) (*Map, error) {
	m := &Map{
		Name:       name,
		Type:       nameOf(mapTypeNames, uint32(ms.Type)),
		KeySize:    ms.KeySize,
		ValueSize:  ms.ValueSize,
		MaxEntries: ms.MaxEntries,
		Flags:      ms.Flags,
	}
	if m.Type == "" {
		return nil, &Error{Msg: fmt.Sprintf("map %s: unknown map type %d", name, uint32(ms.Type))}
	}
	if strings.HasPrefix(name, ".data") || strings.HasPrefix(name, ".rodata") || strings.HasPrefix(name, ".bss") {
		// The size comes from a section header (for .bss, with no bytes
		// in the file behind it): bound it before allocating.
		if ms.ValueSize > maxGlobalData {
			return nil, &Error{Msg: fmt.Sprintf("global data section %s is %d bytes; bpfplay takes at most %d", name, ms.ValueSize, maxGlobalData)}
		}
		m.Global = true
		m.Frozen = strings.HasPrefix(name, ".rodata")
		m.Data = make([]byte, ms.ValueSize)
		for _, kv := range ms.Contents {
			if v, ok := kv.Value.([]byte); ok {
				copy(m.Data, v)
			}
		}
	}
	if ms.InnerMap != nil {
		inner, err := convertMap(name+".inner", ms.InnerMap)
		if err != nil {
			return nil, err
		}
		m.Inner = inner
	}
	return m, nil
}

func convertProgram(ps *ebpf.ProgramSpec, local *btf.Spec, mapIndex map[string]int, opts *Options) (*Program, error) {
	p := &Program{
		Name:     ps.Name,
		Section:  ps.SectionName,
		ProgType: nameOf(progTypeNames, uint32(ps.Type)),
		AttachTo: ps.AttachTo,
		License:  ps.License,
	}
	if ps.Type == ebpf.UnspecifiedProgram {
		p.ProgType = ""
	}
	if ps.AttachType != ebpf.AttachNone {
		p.AttachType = nameOf(attachTypeNames, uint32(ps.AttachType))
	}
	fail := func(format string, a ...any) error {
		return &Error{Program: ps.Name, Msg: fmt.Sprintf(format, a...)}
	}
	insns := make(asm.Instructions, len(ps.Instructions))
	copy(insns, ps.Instructions)
	relos, err := applyCORE(insns, local, opts.TargetBTF)
	if err != nil {
		return nil, fail("%v", err)
	}

	// Where every function starts (raw slot offsets), for calls.
	symbols := map[string]int{}
	slotOf := make([]int, len(insns))
	slot := 0
	for i := range insns {
		slotOf[i] = slot
		if s := insns[i].Symbol(); s != "" {
			if _, dup := symbols[s]; dup {
				return nil, fail("function %s defined twice", s)
			}
			symbols[s] = slot
			p.Funcs = append(p.Funcs, Func{Name: s, Insn: i, Slot: slot})
		}
		slot += int(insns[i].Width())
	}
	var buf bytes.Buffer
	for i := range insns {
		ins := insns[i] // copy: metadata untouched
		ref := ins.Reference()
		switch {
		case ref != "" && ins.IsLoadFromMap():
			mi, ok := mapIndex[ref]
			if !ok {
				return nil, fail("instruction %d refers to map %q, which the object does not define", i, ref)
			}
			mr := MapRef{Insn: i, Slot: slotOf[i], Map: mi}
			if ins.Src == asm.PseudoMapValue {
				mr.Value = true
				mr.Offset = uint32(uint64(ins.Constant) >> 32)
				ins.Constant = int64(uint64(mr.Offset) << 32)
			} else {
				ins.Constant = 0
			}
			p.MapRefs = append(p.MapRefs, mr)
		case ref != "" && (ins.IsFunctionReference() || ins.OpCode.Class().IsJump()):
			target, ok := symbols[ref]
			if !ok {
				if ins.IsKfuncCall() || ins.IsBuiltinCall() {
					return nil, fail("instruction %d calls %q, a kernel function (kfunc or extern) bpfplay cannot resolve", i, ref)
				}
				return nil, fail("instruction %d calls %q, which is not in the object", i, ref)
			}
			d := target - slotOf[i] - 1
			if ins.IsFunctionReference() {
				ins.Constant = int64(d)
			} else {
				ins.Offset = int16(d)
			}
		case ref != "":
			return nil, fail("instruction %d refers to %q, which bpfplay cannot resolve (extern, kconfig or ksym)", i, ref)
		}
		if err := marshalInsn(&buf, ins); err != nil {
			return nil, fail("instruction %d: %v", i, err)
		}
		if src := ins.Source(); src != nil {
			if l, ok := src.(*btf.Line); ok {
				p.Lines = append(p.Lines, Line{Insn: i, Slot: slotOf[i], File: l.FileName(),
					Line: int(l.LineNumber()), Col: int(l.LineColumn()), Text: l.Line()})
			}
		}
	}
	p.CORE = relos
	prog, err := isa.Decode(buf.Bytes())
	if err != nil {
		return nil, fail("%v", err)
	}
	if len(prog) != len(insns) {
		return nil, fail("BUG: %d instructions decoded from %d", len(prog), len(insns))
	}
	p.Insns = prog
	return p, nil
}

// marshalInsn encodes one instruction little endian. Helper calls are
// encoded here because cilium/ebpf refuses to marshal them for a
// non-Linux GOOS (the browser); everything else uses its encoder.
func marshalInsn(buf *bytes.Buffer, ins asm.Instruction) error {
	if ins.IsBuiltinCall() {
		var b [8]byte
		b[0] = byte(isa.OpCall)
		binary.LittleEndian.PutUint16(b[2:], uint16(ins.Offset))
		binary.LittleEndian.PutUint32(b[4:], uint32(int32(ins.Constant)))
		buf.Write(b[:])
		return nil
	}
	_, err := ins.Marshal(buf, binary.LittleEndian)
	return err
}

// Program returns the program named name: a function name, or a section
// name when exactly one program is in that section. "" picks the only
// program of a one-program object.
func (o *Object) Program(name string) (*Program, error) {
	if name == "" {
		if len(o.Programs) == 1 {
			return o.Programs[0], nil
		}
		return nil, fmt.Errorf("the object has %d programs; choose one:\n%s", len(o.Programs), o.Describe())
	}
	for _, p := range o.Programs {
		if p.Name == name {
			return p, nil
		}
	}
	var in []*Program
	for _, p := range o.Programs {
		if p.Section == name {
			in = append(in, p)
		}
	}
	switch len(in) {
	case 1:
		return in[0], nil
	case 0:
		return nil, fmt.Errorf("no program or section %q in the object; it has:\n%s", name, o.Describe())
	}
	return nil, fmt.Errorf("section %q holds %d programs; name one by its function:\n%s", name, len(in), o.Describe())
}
