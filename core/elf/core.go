package elf

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"reflect"
	"sync"

	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
)

//go:embed btf/vmlinux-6.1.0-56-amd64.min.btf.gz
var kernelBTFgz []byte

var (
	kernelBTFOnce sync.Once
	kernelBTF     *btf.Spec
	kernelBTFErr  error
)

// KernelBTF is the CO-RE target bpfplay ships: the types of Debian's
// Linux 6.1.0-56-amd64 that tracing and networking programs use most
// (task_struct, pt_regs, sk_buff, sock, file, ... with their members at
// the kernel's offsets), cut out of that kernel's BTF by
// internal/mkbtf (see docs/elf.md).
func KernelBTF() (*btf.Spec, error) {
	kernelBTFOnce.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(kernelBTFgz))
		if err != nil {
			kernelBTFErr = err
			return
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			kernelBTFErr = err
			return
		}
		kernelBTF, kernelBTFErr = btf.LoadSpecFromReader(bytes.NewReader(raw))
	})
	return kernelBTF, kernelBTFErr
}

// applyCORE resolves the CO-RE relocations of insns against target (nil:
// KernelBTF) and patches the instructions.
func applyCORE(insns asm.Instructions, local *btf.Spec, target *btf.Spec) ([]Relocation, error) {
	var relos []*btf.CORERelocation
	var at []int
	for i := range insns {
		if r := btf.CORERelocationMetadata(&insns[i]); r != nil {
			relos = append(relos, r)
			at = append(at, i)
		}
	}
	if len(relos) == 0 {
		return nil, nil
	}
	if target == nil {
		var err error
		if target, err = KernelBTF(); err != nil {
			return nil, fmt.Errorf("loading the shipped kernel BTF: %v", err)
		}
	}
	localID := func(t btf.Type) (btf.TypeID, error) {
		if local == nil {
			return 0, fmt.Errorf("no local BTF")
		}
		return local.TypeID(t)
	}
	fixups, err := btf.CORERelocate(relos, []*btf.Spec{target}, binary.LittleEndian, localID)
	if err != nil {
		return nil, fmt.Errorf("CO-RE: %v", err)
	}
	out := make([]Relocation, len(fixups))
	for j, f := range fixups {
		ins := &insns[at[j]]
		if err := applyFixup(f, ins); err != nil {
			return nil, fmt.Errorf("CO-RE relocation %s at instruction %d: %v", relos[j], at[j], err)
		}
		out[j] = Relocation{Insn: at[j], Desc: fmt.Sprintf("%s: %s", relos[j], f.String())}
	}
	return out, nil
}

// The sentinel libbpf and cilium/ebpf write into an instruction whose
// CO-RE relocation has no target (a field missing in this kernel): the
// verifier then rejects the program only if that path is reachable.
const coreBadRelocation = 0xbad2310

// applyFixup patches ins as cilium/ebpf's COREFixup.Apply does. That
// method refuses to run on a non-Linux GOOS (the browser), so the
// fix-up's values are read here; they are unexported fields of the
// pinned cilium/ebpf version, and TestCORE fails (every relocation
// errors) if an upgrade renames them.
func applyFixup(f btf.COREFixup, ins *asm.Instruction) error {
	v := reflect.ValueOf(f)
	poisonF, targetF, localF, skipF := v.FieldByName("poison"), v.FieldByName("target"), v.FieldByName("local"), v.FieldByName("skipLocalValidation")
	if !poisonF.IsValid() || !targetF.IsValid() || !localF.IsValid() || !skipF.IsValid() {
		return fmt.Errorf("cilium/ebpf's COREFixup changed shape; update core/elf/core.go")
	}
	poison, target, local, skip := poisonF.Bool(), targetF.Uint(), localF.Uint(), skipF.Bool()
	if poison {
		src := ins.Source()
		if ins.OpCode.IsDWordLoad() {
			*ins = asm.LoadImm(asm.R10, coreBadRelocation, asm.DWord)
		} else {
			*ins = asm.BuiltinFunc(coreBadRelocation).Call()
		}
		if src != nil {
			*ins = ins.WithSource(src)
		}
		return nil
	}
	switch class := ins.OpCode.Class(); class {
	case asm.LdXClass, asm.StClass, asm.StXClass:
		if !skip && int16(local) != ins.Offset {
			return fmt.Errorf("offset %d, expected %d", ins.Offset, int16(local))
		}
		if target > math.MaxInt16 {
			return fmt.Errorf("offset %d exceeds the 16-bit field", target)
		}
		ins.Offset = int16(target)
	case asm.LdClass:
		if !ins.IsConstantLoad(asm.DWord) {
			return fmt.Errorf("not a 64-bit immediate load")
		}
		if !skip && int64(local) != ins.Constant {
			return fmt.Errorf("immediate %d, expected %d", ins.Constant, int64(local))
		}
		ins.Constant = int64(target)
	case asm.ALUClass, asm.ALU64Class:
		if ins.OpCode.Source() != asm.ImmSource {
			return fmt.Errorf("relocation against a register operand")
		}
		if !skip && int64(local) != ins.Constant {
			return fmt.Errorf("immediate %d, expected %d", ins.Constant, int64(local))
		}
		if target > math.MaxInt32 {
			return fmt.Errorf("immediate %d exceeds 32 bits", target)
		}
		ins.Constant = int64(target)
	default:
		return fmt.Errorf("relocation against instruction class %s", class)
	}
	return nil
}
