package verifier

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/bpfplay/bpfplay/core/record"
)

// Helper availability: every helper number of Linux 6.1 (1..211)
// called from every program type (and the attach types that change the
// choice), as a program "call N; r0 = 0; exit" with r1-r5 unset. Linux
// answers "unknown func" when the type may not call the helper, and an
// argument error (or acceptance, for helpers without arguments) when it
// may: the table pins which prototype each program type gets, and the
// xlated form of the helpers the verifier inlines. The kernel's answers
// (testdata/helper-availability.answers.jsonl.gz, logs left out):
//
//	BPFPLAY_ORACLE_INPUT=/tmp/av.jsonl go test ./core/verifier -run TestHelperAvailability
//	scripts/oracle.sh /tmp/av.jsonl /tmp/av.out.jsonl
//	BPFPLAY_ORACLE_OUTPUT=/tmp/av.out.jsonl go test ./core/verifier -run TestHelperAvailability

const availabilityAnswers = "testdata/helper-availability.answers.jsonl.gz"

// availabilityTargets are the program types (with an attach type where
// the type needs one, or where it changes the helpers).
var availabilityTargets = [][2]string{
	{"socket_filter", ""}, {"kprobe", ""}, {"sched_cls", ""}, {"sched_act", ""}, {"tracepoint", ""},
	{"xdp", ""}, {"perf_event", ""}, {"cgroup_skb", ""}, {"cgroup_sock", ""}, {"lwt_in", ""},
	{"lwt_out", ""}, {"lwt_xmit", ""}, {"lwt_seg6local", ""}, {"sock_ops", ""}, {"sk_skb", ""},
	{"cgroup_device", ""}, {"sk_msg", ""}, {"raw_tracepoint", ""}, {"sk_reuseport", ""},
	{"flow_dissector", ""}, {"cgroup_sysctl", ""}, {"raw_tracepoint_writable", ""}, {"syscall", ""},
	{"cgroup_sock_addr", "cgroup_inet4_connect"}, {"cgroup_sock_addr", "cgroup_udp4_recvmsg"},
	{"cgroup_sockopt", "cgroup_getsockopt"}, {"cgroup_sockopt", "cgroup_setsockopt"},
	{"sk_lookup", "sk_lookup"}, {"cgroup_skb", "cgroup_inet_egress"},
	{"cgroup_sock", "cgroup_inet_sock_release"}, {"cgroup_sock", "cgroup_inet4_post_bind"},
}

const maxHelper6_1 = 211

func availabilityCases() []messageCase {
	var cases []messageCase
	for _, tg := range availabilityTargets {
		for h := 1; h <= maxHelper6_1; h++ {
			insns := make([]byte, 24)
			insns[0] = 0x85
			binary.LittleEndian.PutUint32(insns[4:], uint32(h))
			copy(insns[8:], []byte{0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95})
			name := fmt.Sprintf("bpfplay/availability: %s/%d", tg[0], h)
			if tg[1] != "" {
				name = fmt.Sprintf("bpfplay/availability: %s:%s/%d", tg[0], tg[1], h)
			}
			// The types an unprivileged user may load also answer
			// unprivileged (a smaller set of helpers).
			unpriv := tg[1] == "" && (tg[0] == "socket_filter" || tg[0] == "cgroup_skb")
			cases = append(cases, messageCase{in: &record.In{Name: name, ProgType: tg[0], ExpectedAttachType: tg[1], Insns: insns, Unpriv: unpriv}})
		}
	}
	return cases
}

// TestHelperAvailability compares verdict, errno, error line,
// insns_processed and xlated with Linux's for every (type, helper).
func TestHelperAvailability(t *testing.T) {
	runSweep(t, availabilityCases(), availabilityAnswers, false)
}
