package conformance

import (
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/bpfplay/bpfplay/core/asm"
	"github.com/bpfplay/bpfplay/core/isa"
)

// Test is one conformance .data file, read but not yet assembled.
//
// Has* fields tell a missing section from an empty one: the negative
// unused-*.data files have an empty "-- error" section, meaning "must
// fail, any message".
type Test struct {
	// Asm is the text of the "-- asm" section, comments removed, one
	// source line per file line; AsmLine is the file line of its first
	// line, so errors can point into the file.
	Asm     string
	AsmLine int
	HasAsm  bool

	// Raw is the machine code of the "-- raw" section. When present it
	// takes precedence over Asm.
	Raw    []byte
	HasRaw bool

	// Mem is the input memory ("-- mem"), nil without the section.
	Mem []byte

	// Result is the expected r0, all 64 bits ("-- result").
	Result    uint64
	HasResult bool

	// Error is the expected error message ("-- error").
	Error    string
	HasError bool
}

// The sections a .data file can have. Unknown names ("-- c", "-- no
// register offset", anything else) are skipped with their contents.
const (
	sectionAsm    = "asm"
	sectionRaw    = "raw"
	sectionMem    = "mem"
	sectionResult = "result"
	sectionError  = "error"
)

// ParseData reads a .data file. A comment runs from '#' to the end of the
// line anywhere in the file; a line starting with "--" opens a section;
// blank lines are ignored. Errors carry the file's line:col.
func ParseData(src string) (*Test, error) {
	t := &Test{}
	var errs asm.ErrorList
	section := ""
	var asmLines []string
	var resultLine string
	var resultPos asm.Pos
	for i, line := range strings.Split(src, "\n") {
		lineNo := i + 1
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		line = strings.TrimRight(line, " \t\r")
		if strings.HasPrefix(line, "--") {
			section = strings.TrimSpace(line[2:])
			switch section {
			case sectionAsm:
				if t.HasAsm {
					errs = append(errs, asm.Errorf(asm.Pos{Line: lineNo, Col: 1}, asm.ErrData, "second \"-- asm\" section; a file holds one program"))
				}
				t.HasAsm, t.AsmLine = true, lineNo+1
			case sectionRaw:
				t.HasRaw = true
			case sectionMem:
				if t.Mem == nil {
					t.Mem = []byte{}
				}
			case sectionResult:
				t.HasResult = true
			case sectionError:
				t.HasError = true
			}
			continue
		}
		if section == sectionAsm {
			asmLines = append(asmLines, line)
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		switch section {
		case sectionRaw:
			b, err := parseRawLine(line, lineNo)
			if err != nil {
				errs = append(errs, err)
			}
			t.Raw = append(t.Raw, b...)
		case sectionMem:
			for _, f := range fields(line) {
				v, err := strconv.ParseUint(f.text, 16, 8)
				if err != nil || len(f.text) > 2 {
					errs = append(errs, asm.Errorf(asm.Pos{Line: lineNo, Col: f.col}, asm.ErrData, "mem: %q is not a byte in hex (expected two hex digits such as 0a)", f.text))
					continue
				}
				t.Mem = append(t.Mem, byte(v))
			}
		case sectionResult:
			resultLine = strings.TrimSpace(line) // the last non-empty line wins
			resultPos = asm.Pos{Line: lineNo, Col: strings.Index(line, resultLine) + 1}
		case sectionError:
			if t.Error != "" {
				t.Error += "\n"
			}
			t.Error += strings.TrimSpace(line)
		}
	}
	if t.HasAsm {
		// Drop trailing blank lines so the text ends at the program.
		for len(asmLines) > 0 && strings.TrimSpace(asmLines[len(asmLines)-1]) == "" {
			asmLines = asmLines[:len(asmLines)-1]
		}
		t.Asm = strings.Join(asmLines, "\n")
	}
	if resultLine != "" {
		n, ok := asm.ParseNumber(resultLine)
		v, ok2 := n.Bits64()
		if !ok || !ok2 {
			errs = append(errs, asm.Errorf(resultPos, asm.ErrData, "result: %q is not a 64-bit number (expected 0x... or decimal)", resultLine))
		}
		t.Result = v
	} else if t.HasResult {
		t.HasResult = false // a header without a value expects nothing
	}
	if len(errs) > 0 {
		return t, errs
	}
	return t, nil
}

type field struct {
	text string
	col  int
}

// fields splits a line on blanks and keeps each field's column.
func fields(line string) []field {
	var out []field
	start := -1
	for i := 0; i <= len(line); i++ {
		blank := i == len(line) || line[i] == ' ' || line[i] == '\t' || line[i] == '\r'
		if blank && start >= 0 {
			out = append(out, field{line[start:i], start + 1})
			start = -1
		} else if !blank && start < 0 {
			start = i
		}
	}
	return out
}

// parseRawLine reads one line of a "-- raw" section. A line of eight
// two-digit hex fields is the bytes of one slot (the negative files'
// notation); otherwise every field is a whole slot as a little-endian
// u64, hex with 0x or decimal (lddw.data's notation).
func parseRawLine(line string, lineNo int) ([]byte, *asm.Error) {
	fs := fields(line)
	if len(fs) == isa.SlotSize && allHexBytes(fs) {
		out := make([]byte, 0, isa.SlotSize)
		for _, f := range fs {
			v, _ := strconv.ParseUint(f.text, 16, 8)
			out = append(out, byte(v))
		}
		return out, nil
	}
	var out []byte
	for _, f := range fs {
		n, ok := asm.ParseNumber(f.text)
		v, ok2 := n.Bits64()
		if !ok || !ok2 || n.Neg {
			return out, asm.Errorf(asm.Pos{Line: lineNo, Col: f.col}, asm.ErrData,
				"raw: %q is not an instruction slot (expected a 64-bit value such as 0x0000000000000095, or eight hex bytes per line)", f.text)
		}
		out = binary.LittleEndian.AppendUint64(out, v)
	}
	return out, nil
}

func allHexBytes(fs []field) bool {
	for _, f := range fs {
		if len(f.text) != 2 {
			return false
		}
		if _, err := strconv.ParseUint(f.text, 16, 8); err != nil {
			return false
		}
	}
	return true
}

// Program returns the test's program: the raw bytes decoded when there
// is a "-- raw" section, else the assembled asm. Assembly errors point
// into the .data file (its line numbers, not the section's). A file with
// neither section, or with no instruction in it, fails with ErrEmpty and
// upstream's message "Test file has no BPF instructions".
func (t *Test) Program() (isa.Program, error) {
	if t.HasRaw {
		if len(t.Raw) == 0 {
			return nil, asm.ErrorList{asm.Errorf(asm.Pos{}, asm.ErrEmpty, "Test file has no BPF instructions")}
		}
		return isa.Decode(t.Raw)
	}
	if !t.HasAsm || strings.TrimSpace(t.Asm) == "" {
		return nil, asm.ErrorList{asm.Errorf(asm.Pos{}, asm.ErrEmpty, "Test file has no BPF instructions")}
	}
	l, err := Assemble(t.Asm)
	if err != nil {
		if el, ok := err.(asm.ErrorList); ok {
			return nil, el.Shift(t.AsmLine - 1)
		}
		return nil, err
	}
	return l.Program, nil
}
