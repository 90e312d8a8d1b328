//go:build !linux

package verifier

func peakRSS() uint64 { return 0 }
