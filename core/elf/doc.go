// Package elf reads the objects `clang -O2 -g -target bpf` builds: every
// program in them, their maps (BTF-defined `.maps`, the legacy `maps`
// section, and the global data sections .data/.rodata/.bss, which
// become single-element array maps), with bpf-to-bpf calls linked, CO-RE
// relocations resolved against a target kernel's BTF, and the BTF line
// info that puts the C source line beside each instruction.
//
// It uses github.com/cilium/ebpf's ELF and BTF readers, reading from
// bytes only, so it works the same in the browser (js/wasm) as natively;
// nothing here touches a kernel. The result of Open is plain data a
// load pipeline turns into a program load: raw eBPF instructions whose
// map references are ld_imm64 slots listed in Program.MapRefs (the
// corpus's fixups), ready for Program.Record.
//
// The default CO-RE target is a trimmed BTF of the Linux build bpfplay
// mirrors (Debian 6.1.0-56-amd64), shipped in btf/; see docs/elf.md for
// how it was made and what it keeps.
package elf
