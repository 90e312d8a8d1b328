package store_test

import (
	"testing"

	"github.com/bpfplay/bpfplay/server/internal/gencheck"
	"github.com/bpfplay/bpfplay/server/store"
	"github.com/bpfplay/bpfplay/server/store/storetest"
)

func TestMemory(t *testing.T) {
	storetest.Run(t, store.NewMemory())
}

func TestMemoryZeroValue(t *testing.T) {
	storetest.Run(t, new(store.Memory))
}

func TestMockUpToDate(t *testing.T) {
	gencheck.Mockgen(t, "store.go")
}
