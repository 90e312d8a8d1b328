//go:build !linux

package clang

import (
	"context"
	"errors"
	"time"
)

// Clang is unavailable off Linux: its sandbox needs Landlock and Linux
// resource limits.
type Clang struct {
	WallTime, CPUTime time.Duration
	Memory            uint64
	MaxObject         int64
	MaxDiag           int
}

var errNotLinux = errors.New("C compilation needs a Linux server (its sandbox uses Landlock)")

// Find reports that compilation is not available here.
func Find() (*Clang, error) { return nil, errNotLinux }

// New reports that compilation is not available here.
func New(string) (*Clang, error) { return nil, errNotLinux }

// Version implements the server's Compiler interface.
func (c *Clang) Version() string { return "" }

// Compile implements the server's Compiler interface.
func (c *Clang) Compile(context.Context, []byte) (*Result, error) { return nil, errNotLinux }
