package kernel_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/bpfplay/bpfplay/core/isa"
	"github.com/bpfplay/bpfplay/core/record"
)

// kernelErrorLine is the verifier's error message: the last log line
// before the statistics.
func kernelErrorLine(log string) string {
	lines := strings.Split(strings.TrimRight(log, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		if l == "" || strings.HasPrefix(l, "verification time") || strings.HasPrefix(l, "stack depth") || strings.HasPrefix(l, "processed ") {
			continue
		}
		return l
	}
	return ""
}

// TestCorpusDecode: every eBPF program of the corpus decodes, or isa.Decode
// rejects it the way Linux 6.1 did: the kernel answered EINVAL and its
// error line is the decoder's Kernel text.
func TestCorpusDecode(t *testing.T) {
	var decoded, rejected, rejectedSame, rejectedEarlier, decodedKernelEINVAL, noAnswer int
	for _, file := range []string{"verifier-dev.jsonl.gz", "test_bpf-dev.jsonl.gz"} {
		recs := corpusRecords(t, file)
		for _, r := range recs {
			if r.CBPF {
				continue
			}
			_, err := isa.Decode(r.Insns)
			if r.Kernel == nil {
				noAnswer++
				continue
			}
			if err == nil {
				decoded++
				if r.Kernel.Errno == 22 {
					decodedKernelEINVAL++
				}
				continue
			}
			rejected++
			var de *isa.Error
			if !errors.As(err, &de) {
				t.Errorf("%s: %v is not an *isa.Error", r.Name, err)
				continue
			}
			msg := kernelErrorLine(r.Kernel.Log)
			if r.Kernel.Errno == 22 && msg == de.Kernel {
				rejectedSame++
				continue
			}
			// A problem Linux finds only when the verifier reaches the
			// instruction: the kernel may fail earlier on some path. That
			// is the verifier's business, provided the log shows the
			// verifier never got to the instruction.
			if !de.AtLoad() && r.Kernel.Errno != 0 && !strings.Contains("\n"+r.Kernel.Log, fmt.Sprintf("\n%d: (", de.Slot)) {
				rejectedEarlier++
				continue
			}
			t.Errorf("%s: decode says %v (kernel text %q); Linux said errno %d %q", r.Name, err, de.Kernel, r.Kernel.Errno, msg)
		}
	}
	t.Logf("corpus eBPF programs with a kernel answer: %d decode (%d of them the kernel still rejected with EINVAL for a reason outside decoding); %d rejected by Decode: %d with the kernel's EINVAL and message, %d where the kernel failed on an earlier path before reaching the instruction; %d without a kernel answer",
		decoded, decodedKernelEINVAL, rejected, rejectedSame, rejectedEarlier, noAnswer)
}

// TestDecodeMatchesLinux61Probes compares isa.Decode's errors with what
// Linux 6.1 answered for ~4000 single malformed instructions (see
// internal/oracleprobe). Where both reject, the kernel's message must be
// the decoder's Kernel text, except for the documented differences below.
func TestDecodeMatchesLinux61Probes(t *testing.T) {
	agree := 0
	differences := map[string]int{}
	for _, a := range readProbes(t) {
		b, err := record.ParseHex(a.Insns)
		if err != nil {
			t.Fatal(err)
		}
		_, err = isa.Decode(b)
		var de *isa.Error
		if err == nil || !errors.As(err, &de) || a.Errno == 0 {
			continue
		}
		if a.Errno == 22 && de.Kernel == a.Msg {
			agree++
			continue
		}
		op := b[de.Slot*8]
		switch {
		case a.Errno != 22 || verifierMessage(a.Msg):
			// The kernel stopped at a verifier check (a jump out of range,
			// an unread register, a BTF lookup) before the field problem.
			differences["verifier check first"]++
		case a.Msg == fmt.Sprintf("unknown opcode %02x", op) && (op == 0xd7 || op == 0xdf || op == 0x8d):
			// bswap and callx exist for RFC 9669, not for Linux 6.1.
			differences["cpu v4 / callx opcode unknown to 6.1"]++
		case a.Msg == "BPF_LDX uses reserved fields" && isa.OpCode(op).Mode() == isa.MemSXMode:
			// ldsx (cpu v4) is an LDX mode 6.1 rejects before the registers.
			differences["ldsx unknown to 6.1"]++
		default:
			t.Errorf("%s: Decode says %q (%v), Linux 6.1 said %q", a.Name, de.Kernel, de, a.Msg)
		}
	}
	t.Logf("%d probes rejected with Linux 6.1's message; documented differences: %v", agree, differences)
	if agree < 3000 {
		t.Errorf("only %d probes agree, want >= 3000", agree)
	}
}

func verifierMessage(msg string) bool {
	for _, s := range []string{"jump out of range", "unreachable insn", "last insn is not an exit or jmp", "!read_ok",
		"kernel btf_id", "failed to find BTF", "infinite loop", "invalid func", "unknown func"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
