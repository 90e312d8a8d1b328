package main

import (
	"compress/gzip"
	"encoding/json"
	"io"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func gzipReader(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }
