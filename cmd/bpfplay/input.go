package main

// The input layer: one way for verify, run, jit and disasm to turn FILE
// and the shared flags into a program. It recognises what people have
// in hand — a clang-built ELF object, kernel/llvm assembly (or a pasted
// verifier log or llvm-objdump listing), a bpf_conformance .data file or
// conformance-dialect text, classic BPF in any format core/cbpf reads,
// raw instruction bytes or their hex — and gives each command the view
// it needs: a load.Source for core/load (run), a program record for the
// verifier (verify, run --no-verify), or the instructions with their map
// names and source lines (jit, disasm).

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bpfplay/bpfplay/core/asm"
	"github.com/bpfplay/bpfplay/core/asm/conformance"
	"github.com/bpfplay/bpfplay/core/asm/kernel"
	"github.com/bpfplay/bpfplay/core/cbpf"
	"github.com/bpfplay/bpfplay/core/elf"
	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/load"
	"github.com/bpfplay/bpfplay/core/maps"
	"github.com/bpfplay/bpfplay/core/record"
)

// Input kinds, as --dialect names them.
const (
	kindELF         = "elf"         // a clang -target bpf object
	kindKernel      = "kernel"      // kernel/llvm assembly
	kindConformance = "conformance" // conformance-dialect text
	kindData        = "data"        // a bpf_conformance .data test file
	kindCBPF        = "cbpf"        // classic BPF, any format
	kindRaw         = "raw"         // eBPF instruction bytes (or hex)
	kindXlated      = "xlated"      // raw, in the kernel's xlated form (jit only)
)

// inputFlags are the program-reading flags verify, run, jit and disasm
// share. Commands register the ones they do not already have.
type inputFlags struct {
	dialect string
	hex     bool
	program string
	section string
	maps    mapFlags
	// xlated allows --dialect xlated (jit).
	xlated bool
}

// dialectHelp is the --dialect flag's usage text.
const dialectHelp = "input kind: kernel (also llvm), conformance, cbpf, raw or elf (default: detected)"

// dialectHelpXlated is jit's, which also reads xlated programs.
const dialectHelpXlated = "input kind: kernel (also llvm), conformance, cbpf, raw, elf or xlated (default: detected)"

// register declares --program and --section, and, when name is not "",
// the input-kind flag under that name (disasm's --dialect is its output).
func (f *inputFlags) register(fs *flag.FlagSet, name string) {
	if name != "" {
		help := dialectHelp
		if f.xlated {
			help = dialectHelpXlated
		}
		fs.StringVar(&f.dialect, name, "", help)
	}
	fs.StringVar(&f.program, "program", "", "ELF object: the program to use, by function name")
	fs.StringVar(&f.section, "section", "", "ELF object: the program to use, by section name")
}

// input is a program file, read and recognised.
type input struct {
	path string
	kind string
	text string // kernel, conformance: the text
	raw  []byte // raw, xlated: the instruction bytes

	object []byte      // elf: the file, for core/load (which opens it itself)
	obj    *elf.Object // elf
	eprog  *elf.Program
	test   *conformance.Test // data
	cprog  cbpf.Program      // cbpf
	maps   []record.Map      // --map definitions
}

// usageErr is an input problem that is the command line's fault (exit 2).
type usageErr struct{ msg string }

func (e *usageErr) Error() string { return e.msg }

// readProgram reads FILE ("-": standard input) and recognises its kind.
func readProgram(e *env, path string, f *inputFlags) (*input, error) {
	b, err := readInput(e, path)
	if err != nil {
		return nil, err
	}
	return recognise(path, b, f)
}

// recognise is readProgram's pure half: the kind comes from --dialect,
// else from the content. Detection order: the ELF magic; binary (a NUL
// byte or invalid UTF-8) is raw eBPF; a .data name or a "-- asm"/"-- raw"
// section is a conformance test; a tcpdump -d/-dd/-ddd listing or an
// iptables bytecode string is classic BPF (bpf_asm text and raw classic
// bytes look like eBPF, so they need --dialect cbpf); text of hex digits
// only is raw eBPF; anything else is kernel assembly.
func recognise(path string, b []byte, f *inputFlags) (*input, error) {
	in := &input{path: path, maps: f.maps}
	kind := strings.ToLower(f.dialect)
	if kind == "llvm" {
		kind = kindKernel
	}
	if kind == "classic" {
		kind = kindCBPF
	}
	if f.hex {
		switch kind {
		case "", kindRaw:
			kind = kindRaw
		case kindXlated, kindCBPF:
		default:
			return nil, &usageErr{fmt.Sprintf("--hex reads instructions as hex; it does not go with --dialect %s", kind)}
		}
	}
	if kind == "" {
		kind = detect(path, b)
	}
	if (f.program != "" || f.section != "") && kind != kindELF {
		return nil, &usageErr{"--program and --section choose a program of an ELF object; " + displayName(path) + " is not one"}
	}
	in.kind = kind
	switch kind {
	case kindELF:
		return in, in.openELF(b, f)
	case kindKernel:
		in.text = string(b)
	case kindConformance:
		s := string(b)
		if isConformanceData(path, s) {
			in.kind = kindData
			tc, err := conformance.ParseData(s)
			if err != nil {
				return nil, err
			}
			in.test = tc
		} else {
			in.text = s
		}
	case kindData:
		tc, err := conformance.ParseData(string(b))
		if err != nil {
			return nil, err
		}
		in.test = tc
	case kindCBPF:
		format := cbpf.FormatAuto
		if f.hex {
			h, err := parseHexText(b)
			if err != nil {
				return nil, err
			}
			b, format = h, cbpf.FormatRaw
		}
		p, _, err := cbpf.Parse(b, format)
		if err != nil {
			return nil, err
		}
		in.cprog = p
	case kindRaw, kindXlated:
		if kind == kindXlated && !f.xlated {
			return nil, &usageErr{"--dialect xlated is for 'bpfplay jit'"}
		}
		in.raw = b
		if !isBinary(b) {
			h, err := parseHexText(b)
			if err != nil {
				return nil, err
			}
			in.raw = h
		}
	default:
		return nil, &usageErr{fmt.Sprintf("unknown input kind %q: %s", f.dialect, dialectHelp)}
	}
	if len(in.maps) > 0 && (in.kind == kindELF || in.kind == kindCBPF) {
		return nil, &usageErr{"--map defines the maps of assembly or raw instructions; " + map[bool]string{true: "an ELF object brings its own", false: "classic BPF has none"}[in.kind == kindELF]}
	}
	return in, nil
}

// detect guesses the kind of b (see recognise).
func detect(path string, b []byte) string {
	switch {
	case elf.IsObject(b):
		return kindELF
	case isBinary(b):
		return kindRaw
	case isConformanceData(path, string(b)):
		return kindData
	}
	if f, err := cbpf.Detect(b); err == nil {
		switch f {
		case cbpf.FormatTcpdump, cbpf.FormatDD, cbpf.FormatDDD, cbpf.FormatIptables:
			return kindCBPF
		}
	}
	if isHexText(b) {
		return kindRaw
	}
	return kindKernel
}

func isConformanceData(path, s string) bool {
	return filepath.Ext(path) == ".data" || strings.HasPrefix(s, "-- asm") || strings.HasPrefix(s, "-- raw") ||
		strings.Contains(s, "\n-- asm") || strings.Contains(s, "\n-- raw")
}

// isBinary reports bytes that are not text: a NUL or invalid UTF-8.
func isBinary(b []byte) bool { return bytes.IndexByte(b, 0) >= 0 || !utf8.Valid(b) }

// isHexText reports text made only of hex digits and blanks (an
// optional 0x first), whole 8-byte slots of them: no assembly line is.
func isHexText(b []byte) bool {
	s := strings.TrimPrefix(strings.TrimSpace(string(b)), "0x")
	n := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F':
			n++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			return false
		}
	}
	return n > 0 && n%(2*isa.SlotSize) == 0
}

func parseHexText(b []byte) ([]byte, error) {
	return record.ParseHex(strings.TrimPrefix(strings.TrimSpace(string(b)), "0x"))
}

func (in *input) openELF(b []byte, f *inputFlags) error {
	obj, err := elf.Open(b)
	if err != nil {
		return err
	}
	p, err := obj.Choose(f.program, f.section)
	if err != nil {
		what := "it has several programs"
		if len(obj.Programs) == 0 {
			return fmt.Errorf("%s: the object has no programs", displayName(in.path))
		}
		if f.program != "" || f.section != "" {
			what = "no such program"
			if f.section != "" && f.program == "" && strings.Contains(err.Error(), "holds") {
				what = "that section holds several programs"
			}
		}
		return &usageErr{fmt.Sprintf("%s: %s; choose one with --program FUNCTION or --section NAME:\n%s",
			displayName(in.path), what, strings.TrimRight(obj.Describe(), "\n"))}
	}
	in.object, in.obj, in.eprog = b, obj, p
	return nil
}

// source is the program as core/load takes it, with the maps of the
// request (bound by name for assembly, by fixups for raw instructions).
func (in *input) source() (load.Source, []record.Map, error) {
	switch in.kind {
	case kindELF:
		return load.Source{ELF: in.object, Program: in.eprog.Name}, nil, nil
	case kindKernel:
		return load.Source{Text: in.text, Dialect: "kernel"}, in.maps, nil
	case kindConformance:
		return load.Source{Text: in.text, Dialect: "conformance"}, in.maps, nil
	case kindCBPF:
		raw, err := cbpf.Marshal(in.cprog, cbpf.FormatRaw)
		if err != nil {
			return load.Source{}, nil, err
		}
		return load.Source{Insns: raw, CBPF: true}, nil, nil
	}
	// Raw instructions and conformance tests: the request's maps get
	// their fixups from the program's map references (ld_imm64 src 1/2,
	// imm = the map's number).
	rec, err := in.record("")
	if err != nil {
		return load.Source{}, nil, err
	}
	return load.Source{Insns: rec.Insns}, rec.Maps, nil
}

// view is a program as jit and disasm show it: instructions whose map
// references carry the map's number (ld_imm64 imm), the maps' names,
// and whatever the source says about each instruction.
type view struct {
	prog     isa.Program
	mapNames []string
	listing  *asm.Listing      // assembly: labels and positions
	eprog    *elf.Program      // ELF: functions and C source lines
	conv     *cbpf.Converted   // classic: where each classic insn starts
	cprog    cbpf.Program      // classic
	test     *conformance.Test // conformance test file
	xlated   bool              // raw in the kernel's xlated form
}

// program assembles, decodes or converts the input.
func (in *input) program() (*view, error) {
	switch in.kind {
	case kindELF:
		p := in.eprog
		prog := append(isa.Program(nil), p.Insns...)
		for _, r := range p.MapRefs {
			prog[r.Insn].Imm = int64(uint64(r.Offset)<<32 | uint64(uint32(r.Map)))
		}
		names := make([]string, len(in.obj.Maps))
		for i, m := range in.obj.Maps {
			names[i] = m.Name
		}
		return &view{prog: prog, mapNames: names, eprog: p}, nil
	case kindKernel:
		l, err := kernel.Assemble(in.text)
		if err != nil {
			return nil, err
		}
		return &view{prog: l.Program, mapNames: l.Maps, listing: l}, nil
	case kindConformance:
		l, err := conformance.Assemble(in.text)
		if err != nil {
			return nil, err
		}
		return &view{prog: l.Program, mapNames: l.Maps, listing: l}, nil
	case kindData:
		p, err := in.test.Program()
		if err != nil {
			return nil, err
		}
		return &view{prog: p, test: in.test}, nil
	case kindCBPF:
		if err := cbpf.Check(in.cprog); err != nil {
			return nil, err
		}
		c, err := cbpf.Convert(in.cprog)
		if err != nil {
			return nil, err
		}
		return &view{prog: c.Insns, conv: c, cprog: in.cprog}, nil
	case kindRaw, kindXlated:
		slots, err := isa.UnmarshalSlots(in.raw)
		if err != nil {
			return nil, err
		}
		// Pair, not Decode: a reserved field or an unknown opcode is the
		// verifier's to report (or disasm's, after printing).
		p, err := isa.Pair(slots)
		if err != nil {
			return nil, err
		}
		v := &view{prog: p, xlated: in.kind == kindXlated}
		for _, m := range in.maps {
			v.mapNames = append(v.mapNames, m.Name)
		}
		return v, nil
	}
	return nil, fmt.Errorf("BUG: input kind %q has no program view", in.kind)
}

// record is the program record bpf(BPF_PROG_LOAD) would receive: the
// instructions, the program type (progType, else the ELF section's,
// else socket_filter) and the maps with the ld_imm64 slots they patch.
// The verifier and the interpreter read programs this way.
func (in *input) record(progType string) (*record.In, error) {
	if in.kind == kindCBPF {
		return nil, errors.New("classic BPF has no eBPF program record: Linux converts it without the verifier")
	}
	var rec *record.In
	if in.kind == kindELF {
		rec = in.obj.Record(in.eprog)
		rec.Name = in.eprog.Name
	} else {
		v, err := in.program()
		if err != nil {
			return nil, err
		}
		rec = &record.In{Name: displayName(in.path), Insns: v.prog.Encode()}
		if rec.Maps, err = bindMaps(v, in.maps, in.kind != kindRaw); err != nil {
			return nil, err
		}
	}
	if progType != "" {
		rec.ProgType, rec.ExpectedAttachType = progType, ""
	}
	if rec.ProgType == "" {
		rec.ProgType = "socket_filter"
	}
	return rec, nil
}

// bindMaps gives each map the program refers to its definition from
// --map, with the slots it patches. Text names its maps (map[NAME]); raw
// instructions refer to map number i (ld_imm64 src 1 or 2, imm i), the
// i-th --map.
func bindMaps(v *view, defs []record.Map, byName bool) ([]record.Map, error) {
	var out []record.Map
	if byName {
		have := map[string]record.Map{}
		for _, m := range defs {
			have[m.Name] = m
		}
		for _, name := range v.mapNames {
			m, ok := have[name]
			if !ok {
				return nil, &missingMapErr{name}
			}
			m.Fixups, m.ValueFixups = nil, nil
			out = append(out, m)
		}
	} else {
		for _, m := range defs {
			m.Fixups, m.ValueFixups = nil, nil
			out = append(out, m)
		}
	}
	pcs := v.prog.PCs()
	for i, ins := range v.prog {
		if !ins.IsLdImm64() || (ins.Pseudo() != isa.PseudoMapFD && ins.Pseudo() != isa.PseudoMapValue) {
			continue
		}
		n := int(ins.ImmLo())
		if n < 0 || n >= len(out) {
			if byName {
				continue
			}
			return nil, fmt.Errorf("pc %d refers to map %d; define maps in order with --map NAME=TYPE:KEY:VALUE:MAX (%d given)", pcs[i], n, len(out))
		}
		if ins.Pseudo() == isa.PseudoMapValue {
			out[n].ValueFixups = append(out[n].ValueFixups, pcs[i])
		} else {
			out[n].Fixups = append(out[n].Fixups, pcs[i])
		}
	}
	return out, nil
}

// missingMapErr is a map the text uses that no --map defines.
type missingMapErr struct{ name string }

func (e *missingMapErr) Error() string {
	return fmt.Sprintf("the program uses map %q: define it with --map %s=TYPE:KEY_SIZE:VALUE_SIZE:MAX_ENTRIES (e.g. --map %s=hash:4:8:16)", e.name, e.name, e.name)
}

// inputFail reports an input error: usage problems exit 2, the rest 1;
// assembler errors are printed one per line as FILE:LINE:COL: message.
func inputFail(e *env, cmd, path string, err error) int {
	var ue *usageErr
	if errors.As(err, &ue) {
		return usageError(e, cmd, "%s", ue.msg)
	}
	var me *missingMapErr
	if errors.As(err, &me) {
		return fail(e, "%s: %s", displayName(path), me.Error())
	}
	var ce *cbpf.Error
	if errors.As(err, &ce) && ce.Line > 0 {
		msg := ce.Msg
		if ce.Field != "" {
			msg += " (field " + ce.Field + ")"
		}
		fmt.Fprintf(e.stderr, "%s:%d:%d: %s\n", displayName(path), ce.Line, ce.Col, msg)
		return exitBad
	}
	return failAsm(e, path, err)
}

// printDiags prints load diagnostics as FILE:LINE:COL: message (text
// input) or FILE: pc N: message, errors and warnings alike.
func printDiags(e *env, path string, diags []load.Diagnostic) {
	name := displayName(path)
	for _, d := range diags {
		prefix := name + ": "
		switch {
		case d.Line > 0 && d.Col > 0:
			prefix = fmt.Sprintf("%s:%d:%d: ", name, d.Line, d.Col)
		case d.Line > 0:
			prefix = fmt.Sprintf("%s:%d: ", name, d.Line)
		case d.PC != nil:
			prefix = fmt.Sprintf("%s: pc %d: ", name, *d.PC)
		}
		if d.Severity == "warning" {
			prefix += "warning: "
		}
		fmt.Fprintf(e.stderr, "%s%s\n", prefix, d.Message)
	}
}

func displayName(path string) string {
	if path == "-" {
		return "<stdin>"
	}
	return path
}

// parseMapSpec reads a --map definition in either spelling:
// NAME=TYPE:KEY_SIZE:VALUE_SIZE:MAX_ENTRIES[:FLAGS] (run's) or
// NAME=TYPE,key=K,value=V,entries=N[,flags=F] (verify's).
func parseMapSpec(s string) (record.Map, error) {
	name, spec, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return record.Map{}, fmt.Errorf("map %q: want NAME=TYPE,key=K,value=V,entries=N", s)
	}
	if !strings.Contains(spec, ":") {
		return parseMapAttrs(name, spec)
	}
	f := strings.Split(spec, ":")
	if len(f) < 4 || len(f) > 5 {
		return record.Map{}, fmt.Errorf("map %q: want NAME=TYPE:KEY_SIZE:VALUE_SIZE:MAX_ENTRIES[:FLAGS]", s)
	}
	if _, ok := maps.TypeByName(f[0]); !ok {
		return record.Map{}, fmt.Errorf("map %q: unknown map type %q", s, f[0])
	}
	var n [4]uint32
	for i := 1; i < len(f); i++ {
		v, err := strconv.ParseUint(f[i], 0, 32)
		if err != nil {
			return record.Map{}, fmt.Errorf("map %q: %v", s, err)
		}
		n[i-1] = uint32(v)
	}
	return record.Map{Name: name, Type: f[0], KeySize: n[0], ValueSize: n[1], MaxEntries: n[2], Flags: n[3]}, nil
}

// parseMapAttrs reads verify's spelling after NAME=: TYPE,key=K,...
func parseMapAttrs(name, spec string) (record.Map, error) {
	parts := strings.Split(spec, ",")
	rm := record.Map{Name: name, Type: parts[0]}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return record.Map{}, fmt.Errorf("map %q: %q is not key=value", name, p)
		}
		n, err := strconv.ParseUint(v, 0, 32)
		if err != nil {
			return record.Map{}, fmt.Errorf("map %q: %s: %v", name, k, err)
		}
		switch k {
		case "key":
			rm.KeySize = uint32(n)
		case "value":
			rm.ValueSize = uint32(n)
		case "entries":
			rm.MaxEntries = uint32(n)
		case "flags":
			rm.Flags = uint32(n)
		default:
			return record.Map{}, fmt.Errorf("map %q: unknown attribute %q (want key, value, entries, flags)", name, k)
		}
	}
	return rm, nil
}
