package record_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

const sample = `{"name":"a","prog_type":"xdp","insns":"b700 0000 0000 0000\n9500000000000000","maps":[{"type":"hash","key_size":8,"value_size":8,"max_entries":1,"fixups":[3]}],"test_run":{"data":"0a0b"},"expect":{"retval":2},"kernel":{"ok":true,"errno":0,"run":{"ok":true,"retval":7}}}
{"name":"b","prog_type":"socket_filter","insns":"zz"}
`

func TestReader(t *testing.T) {
	rd, err := record.NewReader(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	in, err := rd.Next()
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Insns) != 16 || in.Maps[0].Fixups[0] != 3 || !bytes.Equal(in.TestRun.Data, []byte{10, 11}) {
		t.Errorf("decoded %+v", in)
	}
	if in.Kernel == nil || in.Kernel.Run.Retval != 7 || *in.Expect.Retval != 2 {
		t.Errorf("kernel/expect not decoded: %+v %+v", in.Kernel, in.Expect)
	}
	if _, err := rd.Next(); err == nil || !strings.Contains(err.Error(), "record 2") {
		t.Errorf("bad hex gave %v, want an error naming record 2", err)
	}
}

func TestReaderGzipAndRaw(t *testing.T) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	gz.Write([]byte(sample))
	gz.Close()
	rd, err := record.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		_, err := rd.NextRaw()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 {
		t.Errorf("read %d raw records, want 2", n)
	}
}

func TestWriterKeepsAngleBrackets(t *testing.T) {
	var buf bytes.Buffer
	record.NewWriter(&buf).Write(record.Out{Name: "x", Log: "R0 <invalid>", Xlated: []byte{0xb7}})
	if got := buf.String(); !strings.Contains(got, `"R0 <invalid>"`) || !strings.Contains(got, `"xlated":"b7"`) || !strings.HasSuffix(got, "}\n") {
		t.Errorf("wrote %s", got)
	}
}
