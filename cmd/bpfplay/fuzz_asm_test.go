package main

import "testing"

// FuzzAsmDisasmCLI: the asm and disasm commands never panic and always
// exit 0, 1 or 2, whatever the input and flags.
func FuzzAsmDisasmCLI(f *testing.F) {
	f.Add("r0 = 1\nexit\n", uint8(0))
	f.Add("b700000001000000 9500000000000000", uint8(3))
	f.Add("mov %r0, 1\nexit", uint8(1))
	f.Add("\x95\x00\x00\x00\x00\x00\x00\x00", uint8(5))
	argSets := [][]string{
		{"asm", "--hex", "-"},
		{"asm", "--dialect", "conformance", "--hex", "-"},
		{"asm", "-"},
		{"disasm", "--hex", "-"},
		{"disasm", "--hex", "--kernel-log", "-"},
		{"disasm", "--dialect", "llvm", "-"},
		{"disasm", "--dialect", "conformance", "--hex", "-"},
	}
	f.Fuzz(func(t *testing.T, stdin string, which uint8) {
		args := argSets[int(which)%len(argSets)]
		code, _, _ := runCmd(stdin, args...)
		if code != exitOK && code != exitBad && code != exitUsage {
			t.Fatalf("exit code %d", code)
		}
	})
}
