// Package vectors reads JIT test vectors (Linux's x86-64 JIT output for
// xlated programs, the format of testdata/jit-vectors) and checks the
// emitter against them: same length, identical bytes outside the masked
// per-load ranges, calls to the same targets.
package vectors

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
	"github.com/bpfplay/bpfplay/jit"
)

// Vector is one record: an xlated program and the kernel's image of it.
type Vector struct {
	Name       string     `json:"name"`
	Source     string     `json:"source,omitempty"`
	Variant    string     `json:"variant,omitempty"`
	ProgType   string     `json:"prog_type,omitempty"`
	Xlated     record.Hex `json:"xlated"`
	Jited      record.Hex `json:"jited"`
	FuncLens   []int      `json:"func_lens"`
	FuncStarts []int      `json:"func_starts,omitempty"` // first slot of each function
	ImageAddr  []Addr     `json:"image_addr"`
	Calls      []Call     `json:"calls,omitempty"`
	Masks      [][2]int   `json:"masks,omitempty"` // [offset, length] of per-load bytes
}

// Call is a call or jump from the image to kernel code or another
// function.
type Call struct {
	Off    int    `json:"off"`
	Len    int    `json:"len"`
	Kind   string `json:"kind"` // "call" or "jmp"
	Target Addr   `json:"target"`
	Symbol string `json:"symbol,omitempty"`
}

// Addr is a 64-bit address written as hex in JSON.
type Addr uint64

// UnmarshalJSON reads a hex string (with or without 0x).
func (a *Addr) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64)
	if err != nil {
		return fmt.Errorf("address %q: %w", s, err)
	}
	*a = Addr(v)
	return nil
}

// MarshalJSON writes 16 hex digits.
func (a Addr) MarshalJSON() ([]byte, error) { return json.Marshal(fmt.Sprintf("%016x", uint64(a))) }

// Meta is meta.json: the kernel the vectors come from and its symbols.
type Meta struct {
	Kernel  string          `json:"kernel_package"`
	Version string          `json:"kernel_version"`
	CPU     string          `json:"cpu"`
	Symbols map[string]Addr `json:"symbols"`
}

// ReadFile reads a vectors file (gzip-compressed when it ends in .gz).
func ReadFile(path string) ([]Vector, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReader(f)
	if strings.HasSuffix(path, ".gz") {
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		r = z
	}
	return Read(r)
}

// Read reads vectors, one JSON object per line.
func Read(r io.Reader) ([]Vector, error) {
	d := json.NewDecoder(r)
	var vs []Vector
	for {
		var v Vector
		err := d.Decode(&v)
		if errors.Is(err, io.EOF) {
			return vs, nil
		}
		if err != nil {
			return vs, fmt.Errorf("record %d: %w", len(vs)+1, err)
		}
		vs = append(vs, v)
	}
}

// Result is the outcome of checking one vector.
type Result struct {
	OK bool
	// Err is set when the program could not be compiled.
	Err error
	// Got is the emitted image.
	Got *jit.Image
	// Diff is the first differing offset outside the masks (-1: none);
	// a length difference alone reports the shorter length.
	Diff int
	// Msg says what differs, in one line.
	Msg string
}

// Symbols of the kernel the default metadata describes (Linux 6.1.0-56).
var defaultMeta = Meta{Symbols: map[string]Addr{
	"__bpf_call_base":          Addr(jit.DefaultCallBase),
	"__x86_indirect_thunk_rcx": Addr(jit.DefaultIndirectThunk),
}}

// Check compiles the vector's xlated program at its image addresses and
// compares. meta may be nil (the reference kernel's symbols).
//
// Two JIT inputs are not part of the format and are recovered as the
// kernel knew them: each function's stack depth is read from the
// expected prologue ("sub rsp, imm32"; only its rounded value matters),
// and whether a tail call is direct is decided by jit.DirectTailCallGuess.
func Check(v *Vector, meta *Meta) Result {
	if meta == nil {
		meta = &defaultMeta
	}
	p, err := Program(v)
	if err != nil {
		return Result{Err: err, Diff: -1, Msg: err.Error()}
	}
	opt := Options(v, meta)
	img, err := jit.Compile(p, opt)
	if err != nil {
		return Result{Err: err, Diff: -1, Msg: err.Error()}
	}
	return compare(v, img)
}

// Program decodes the vector's xlated program. The decoding is lenient
// (isa.Pair): xlated code may name the verifier's scratch register r11.
func Program(v *Vector) (isa.Program, error) {
	slots, err := isa.UnmarshalSlots(v.Xlated)
	if err != nil {
		return nil, err
	}
	return isa.Pair(slots)
}

// Options returns the JIT options that reproduce the vector's load.
func Options(v *Vector, meta *Meta) jit.Options {
	opt := jit.Options{
		CallBase:      uint64(meta.Symbols["__bpf_call_base"]),
		IndirectThunk: uint64(meta.Symbols["__x86_indirect_thunk_rcx"]),
		// Map pointers are masked; any kernel direct-map address keeps
		// the 10-byte movabs the kernel used.
		Pointer: func(pc int, ins isa.Instruction) (uint64, error) {
			return 0xffff888000000000 | uint64(uint32(ins.ImmLo()))<<12 | uint64(uint32(ins.ImmHi())), nil
		},
	}
	for _, a := range v.ImageAddr {
		opt.ImageAddr = append(opt.ImageAddr, uint64(a))
	}
	start := 0
	for _, l := range v.FuncLens {
		opt.StackDepth = append(opt.StackDepth, PrologueStackDepth(v.Jited, start))
		start += l
	}
	return opt
}

// PrologueStackDepth reads the stack size a function's prologue
// allocates: "sub rsp, imm32" after the patch sites and the frame setup
// (0 when there is none).
func PrologueStackDepth(code []byte, start int) int {
	// nop5, 2-byte nop or xor eax,eax, push rbp, mov rbp,rsp: 11 bytes.
	at := start + 11
	if at+7 <= len(code) && code[at] == 0x48 && code[at+1] == 0x81 && code[at+2] == 0xec {
		return int(binary.LittleEndian.Uint32(code[at+3:]))
	}
	return 0
}

func masked(v *Vector, off int) bool {
	for _, m := range v.Masks {
		if off >= m[0] && off < m[0]+m[1] {
			return true
		}
	}
	return false
}

func compare(v *Vector, img *jit.Image) Result {
	want, got := []byte(v.Jited), img.Code
	r := Result{Got: img, Diff: -1}
	n := min(len(want), len(got))
	for i := 0; i < n; i++ {
		if want[i] != got[i] && !masked(v, i) {
			r.Diff = i
			r.Msg = fmt.Sprintf("byte %d (%#x) differs: want %02x, got %02x", i, i, want[i], got[i])
			return r
		}
	}
	if len(want) != len(got) {
		r.Diff = n
		r.Msg = fmt.Sprintf("length differs: want %d bytes, got %d", len(want), len(got))
		return r
	}
	if fl := img.FuncLens(); len(v.FuncLens) > 0 && fmt.Sprint(fl) != fmt.Sprint(v.FuncLens) {
		r.Diff = 0
		r.Msg = fmt.Sprintf("function lengths differ: want %v, got %v", v.FuncLens, fl)
		return r
	}
	// Every call the kernel made must be a call we made, to the same place.
	rel := map[int]jit.Reloc{}
	for _, x := range img.Relocs {
		if x.Kind != jit.RelocPointer {
			rel[x.Off-1] = x
		}
	}
	for _, c := range v.Calls {
		x, ok := rel[c.Off]
		if !ok {
			r.Diff = c.Off
			r.Msg = fmt.Sprintf("the kernel calls %s (%#x) at %d, the emitter has no call there", c.Symbol, uint64(c.Target), c.Off)
			return r
		}
		if x.Target != uint64(c.Target) {
			r.Diff = c.Off
			r.Msg = fmt.Sprintf("call at %d: kernel target %#x (%s), emitter %#x", c.Off, uint64(c.Target), c.Symbol, x.Target)
			return r
		}
	}
	r.OK = true
	return r
}
