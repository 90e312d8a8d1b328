package verifier

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/bpfplay/bpfplay/core/progtype"
	"github.com/bpfplay/bpfplay/core/record"
)

// The context sweep: every program type's context read (and, for the
// types whose programs write it, written) at every offset of the
// struct and 8 bytes past it, in every size, as "r0 = *(uN *)(r1 +off)"
// or "*(uN *)(r1 +off) = r2". Linux answers "invalid bpf_context
// access" or accepts and rewrites the access (the xlated program): the
// table pins the access rules and the context conversions of every
// field. Offsets step by 1 for byte and half-word accesses, by 4 for
// words and double words (writes: by 4, double words by 8). The
// kernel's answers (testdata/ctx-sweep.answers.jsonl.gz, logs left
// out):
//
//	BPFPLAY_ORACLE_INPUT=/tmp/cs.jsonl go test ./core/verifier -run TestCtxSweep
//	scripts/oracle.sh /tmp/cs.jsonl /tmp/cs.out.jsonl
//	BPFPLAY_ORACLE_OUTPUT=/tmp/cs.out.jsonl go test ./core/verifier -run TestCtxSweep

const ctxSweepAnswers = "testdata/ctx-sweep.answers.jsonl.gz"

type sweepTarget struct {
	progType, attach string
	size             int
	writes           bool
}

var sweepTargets = []sweepTarget{
	{"socket_filter", "", progtype.SkBuff.Size, true},
	{"sched_cls", "", progtype.SkBuff.Size, true},
	{"cgroup_skb", "", progtype.SkBuff.Size, true},
	{"lwt_in", "", progtype.SkBuff.Size, true},
	{"lwt_xmit", "", progtype.SkBuff.Size, true},
	{"sk_skb", "", progtype.SkBuff.Size, true},
	{"flow_dissector", "", progtype.SkBuff.Size, true},
	{"xdp", "", progtype.XDPMd.Size, true},
	{"kprobe", "", progtype.PtRegs.Size, false},
	{"perf_event", "", progtype.BPFPerfEventData.Size, false},
	{"cgroup_sock", "", progtype.BPFSock.Size, true},
	{"cgroup_sock", "cgroup_inet4_post_bind", progtype.BPFSock.Size, true},
	{"cgroup_sock_addr", "cgroup_inet4_connect", progtype.BPFSockAddr.Size, true},
	{"cgroup_sock_addr", "cgroup_udp6_sendmsg", progtype.BPFSockAddr.Size, true},
	{"sock_ops", "", progtype.BPFSockOps.Size, true},
	{"sk_msg", "", progtype.SkMsgMd.Size, true},
	{"sk_reuseport", "", progtype.SkReuseportMd.Size, true},
	{"sk_lookup", "sk_lookup", progtype.BPFSkLookup.Size, true},
	{"cgroup_sysctl", "", progtype.BPFSysctl.Size, true},
	{"cgroup_sockopt", "cgroup_getsockopt", progtype.BPFSockopt.Size, true},
	{"cgroup_sockopt", "cgroup_setsockopt", progtype.BPFSockopt.Size, true},
	{"cgroup_device", "", progtype.BPFCgroupDevCtx.Size, true},
}

func ctxSweepCases() []messageCase {
	var cases []messageCase
	sizes := []struct {
		code  byte // BPF_SIZE bits
		bytes int
		step  int
		wstep int
	}{{0x10, 1, 1, 4}, {0x08, 2, 1, 4}, {0x00, 4, 4, 4}, {0x18, 8, 4, 8}}
	for _, tg := range sweepTargets {
		for _, sz := range sizes {
			for write := 0; write < 2; write++ {
				if write == 1 && !tg.writes {
					continue
				}
				step := sz.step
				if write == 1 {
					step = sz.wstep
				}
				for off := 0; off < tg.size+8; off += step {
					insns := make([]byte, 32)
					if write == 0 {
						// r0 = *(size *)(r1 + off); r0 = 0; exit
						insns[0] = 0x61 | sz.code // LDX MEM
						insns[1] = 0x0 | 1<<4     // dst r0, src r1
					} else {
						// r2 = 0; *(size *)(r1 + off) = r2; ...
						insns[0] = 0x63 | sz.code // STX MEM
						insns[1] = 1 | 2<<4       // dst r1, src r2
					}
					binary.LittleEndian.PutUint16(insns[2:], uint16(off))
					copy(insns[8:], []byte{0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95})
					if write == 1 {
						insns = append([]byte{0xb7, 2, 0, 0, 0, 0, 0, 0}, insns...)
					}
					kind := "read"
					if write == 1 {
						kind = "write"
					}
					name := fmt.Sprintf("bpfplay/ctx sweep: %s:%s %s%d @%d", tg.progType, tg.attach, kind, sz.bytes*8, off)
					// An unprivileged user may load these two types.
					unpriv := tg.progType == "socket_filter" || tg.progType == "cgroup_skb"
					cases = append(cases, messageCase{in: &record.In{Name: name, ProgType: tg.progType,
						ExpectedAttachType: tg.attach, Insns: insns[:len(insns)-8], Unpriv: unpriv}})
				}
			}
		}
	}
	return cases
}

// TestCtxSweep compares verdict, errno, error line, insns_processed and
// the xlated program with Linux's for every context access of the sweep.
func TestCtxSweep(t *testing.T) { runSweep(t, ctxSweepCases(), ctxSweepAnswers, false) }
