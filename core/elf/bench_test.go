package elf

import (
	"os"
	"testing"
)

// BenchmarkOpen measures reading the largest test object.
func BenchmarkOpen(b *testing.B) {
	obj, err := os.ReadFile("testdata/socket.o")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Open(obj); err != nil {
			b.Fatal(err)
		}
	}
}
