// Package record reads and writes program records: the JSONL format that
// `bpfplay batch`, Linux's corpus and the kernel oracle share (see
// docs/formats.md). One record per line; lines can be tens of megabytes
// (a 1M-instruction program), so the reader streams with json.Decoder.
package record

import (
	"bufio"
	"compress/gzip"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Hex is a byte string written as hex in JSON. Whitespace inside the
// string is ignored on input.
type Hex []byte

// MarshalJSON writes lower-case hex.
func (h Hex) MarshalJSON() ([]byte, error) {
	return json.Marshal(hex.EncodeToString(h))
}

// UnmarshalJSON reads hex, ignoring whitespace.
func (h *Hex) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("hex field: %w", err)
	}
	v, err := ParseHex(s)
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// ParseHex decodes hex text, ignoring whitespace.
func ParseHex(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
	v, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("bad hex: %w", err)
	}
	return v, nil
}

// Entry is one key/value pair of a map.
type Entry struct {
	Key   Hex `json:"key"`
	Value Hex `json:"value"`
}

// Map describes a map the program uses and where its references go.
type Map struct {
	Type        string  `json:"type"`
	KeySize     uint32  `json:"key_size"`
	ValueSize   uint32  `json:"value_size"`
	MaxEntries  uint32  `json:"max_entries"`
	Flags       uint32  `json:"flags"`
	Fixups      []int   `json:"fixups,omitempty"`       // ld_imm64 slots: src 1 (map fd), imm = this map
	ValueFixups []int   `json:"value_fixups,omitempty"` // ld_imm64 slots: src 2 (map value), 2nd imm = offset
	InnerMap    *Map    `json:"inner_map,omitempty"`
	Init        []Entry `json:"init,omitempty"`
	Name        string  `json:"name,omitempty"`
	MapExtra    uint64  `json:"map_extra,omitempty"`
}

// TestRun is the input of BPF_PROG_TEST_RUN.
type TestRun struct {
	Data   Hex    `json:"data,omitempty"`
	Ctx    Hex    `json:"ctx,omitempty"`
	Repeat int    `json:"repeat,omitempty"`
	Flags  uint32 `json:"flags,omitempty"`
	CPU    uint32 `json:"cpu,omitempty"`
}

// Expect is what a selftest itself expects (corpus records only).
type Expect struct {
	Result       string `json:"result,omitempty"` // "accept" or "reject"
	Errstr       string `json:"errstr,omitempty"`
	ResultUnpriv string `json:"result_unpriv,omitempty"`
	ErrstrUnpriv string `json:"errstr_unpriv,omitempty"`
	Retval       *int64 `json:"retval,omitempty"`
}

// In is one input record.
type In struct {
	Name               string   `json:"name"`
	Source             string   `json:"source,omitempty"`
	ProgType           string   `json:"prog_type"`
	ExpectedAttachType string   `json:"expected_attach_type,omitempty"`
	Insns              Hex      `json:"insns"`
	CBPF               bool     `json:"cbpf,omitempty"`
	Maps               []Map    `json:"maps,omitempty"`
	ProgFlags          uint32   `json:"prog_flags,omitempty"`
	LogLevel           *int     `json:"log_level,omitempty"`
	Unpriv             bool     `json:"unpriv,omitempty"`
	TestRun            *TestRun `json:"test_run,omitempty"`

	// Corpus records also carry the test's expectation and the kernel's
	// answer; a batch ignores them, a comparison reads them.
	Expect     *Expect `json:"expect,omitempty"`
	Kernel     *Out    `json:"kernel,omitempty"`
	KernelNote string  `json:"kernel_note,omitempty"`
}

// Run is the result of a test run.
type Run struct {
	OK          bool   `json:"ok"`
	Errno       int    `json:"errno"`
	Error       string `json:"error,omitempty"`
	Retval      uint32 `json:"retval"`
	DataOut     Hex    `json:"data_out,omitempty"`
	DataSizeOut int    `json:"data_size_out,omitempty"`
	CtxOut      Hex    `json:"ctx_out,omitempty"`
	DurationNs  int64  `json:"duration_ns,omitempty"`
}

// Out is one output record; field names follow the kernel oracle's.
type Out struct {
	Name           string `json:"name"`
	OK             bool   `json:"ok"`
	Errno          int    `json:"errno"`
	Error          string `json:"error,omitempty"`
	Stage          string `json:"stage,omitempty"`
	Log            string `json:"log,omitempty"`
	LogLevel       int    `json:"log_level,omitempty"`
	InsnsProcessed int    `json:"insns_processed,omitempty"`
	VerifiedInsns  int    `json:"verified_insns,omitempty"`
	Xlated         Hex    `json:"xlated,omitempty"`
	Jited          Hex    `json:"jited,omitempty"`
	JitedFuncLens  []int  `json:"jited_func_lens,omitempty"`
	Run            *Run   `json:"run,omitempty"`
	InterpRun      *Run   `json:"interp_run,omitempty"`
	JitRun         *Run   `json:"jit_run,omitempty"`
	MapsAfter      []struct {
		Entries []Entry `json:"entries"`
	} `json:"maps_after,omitempty"`
	Unpriv *Out   `json:"unpriv,omitempty"`
	Engine string `json:"engine,omitempty"` // which runtime produced Run (bpfplay only)
}

// Reader streams records from JSONL, transparently gunzipping.
type Reader struct {
	dec   *json.Decoder
	close func() error
	n     int
}

// NewReader reads records from r; gzip input is detected by its magic.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	rd := &Reader{close: func() error { return nil }}
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		rd.dec = json.NewDecoder(gz)
		rd.close = gz.Close
	} else {
		rd.dec = json.NewDecoder(br)
	}
	return rd, nil
}

// Open opens a JSONL (or .jsonl.gz) file.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	rd, err := NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	inner := rd.close
	rd.close = func() error { inner(); return f.Close() }
	return rd, nil
}

// Next returns the next record, or io.EOF. A malformed record yields an
// error that names its position; the stream cannot go on after it.
func (r *Reader) Next() (*In, error) {
	var in In
	if err := r.dec.Decode(&in); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("record %d: %w", r.n+1, err)
	}
	r.n++
	return &in, nil
}

// NextRaw returns the next record undecoded, so a batch can report a
// record it cannot interpret and carry on with the next one.
func (r *Reader) NextRaw() (json.RawMessage, error) {
	var raw json.RawMessage
	if err := r.dec.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("record %d: %w", r.n+1, err)
	}
	r.n++
	return raw, nil
}

// Close releases the underlying file.
func (r *Reader) Close() error { return r.close() }

// ReadAll reads every record of a file.
func ReadAll(path string) ([]*In, error) {
	rd, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	var all []*In
	for {
		in, err := rd.Next()
		if err == io.EOF {
			return all, nil
		}
		if err != nil {
			return all, fmt.Errorf("%s: %w", path, err)
		}
		all = append(all, in)
	}
}

// Writer writes one JSON object per line, without HTML escaping (logs
// contain '<' and '>' and must stay readable).
type Writer struct {
	enc *json.Encoder
}

// NewWriter writes records to w.
func NewWriter(w io.Writer) *Writer {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &Writer{enc: enc}
}

// Write writes one record and a newline.
func (w *Writer) Write(v any) error { return w.enc.Encode(v) }
