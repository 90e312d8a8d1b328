package proto

import (
	"testing"

	"github.com/bpfplay/bpfplay/core/isa"
)

// TestTablesNameExistingProtos checks that every prototype a program type
// can get is one of the extracted prototypes, for every privilege level.
func TestTablesNameExistingProtos(t *testing.T) {
	attach := []string{"", "cgroup_inet4_connect", "cgroup_setsockopt", "trace_iter", "trace_kprobe_multi", "lsm_cgroup"}
	for pt, r := range resolvers {
		for id := int32(1); id <= int32(isa.MaxHelper6_1); id++ {
			for _, at := range attach {
				for _, priv := range []bool{false, true} {
					e := &Env{ProgType: pt, AttachType: at, BPFCapable: priv, Perfmon: priv, SysAdmin: priv}
					n := r(isa.HelperID(id).Name(), e)
					if n != "" && protos[n] == nil {
						t.Errorf("%s helper %d (%s): prototype %q does not exist", pt, id, isa.HelperID(id), n)
					}
				}
			}
		}
	}
}

// TestFor checks a few answers against Linux 6.1 (kernel/bpf/helpers.c,
// net/core/filter.c, kernel/trace/bpf_trace.c).
func TestFor(t *testing.T) {
	root := &Env{BPFCapable: true, Perfmon: true, SysAdmin: true}
	user := &Env{}
	cases := []struct {
		pt   string
		id   int32
		env  *Env
		want string
	}{
		{"socket_filter", 1, user, "bpf_map_lookup_elem"},
		{"socket_filter", 26, user, "bpf_skb_load_bytes"},
		{"socket_filter", 160, user, "bpf_ktime_get_coarse_ns"},
		{"socket_filter", 181, user, ""}, // bpf_loop needs CAP_BPF
		{"socket_filter", 181, root, "bpf_loop"},
		{"socket_filter", 6, user, ""}, // trace_printk needs CAP_PERFMON
		{"socket_filter", 9, root, ""}, // skb_store_bytes is tc's
		{"sched_cls", 9, root, "bpf_skb_store_bytes"},
		{"xdp", 23, root, "bpf_xdp_redirect"},
		{"kprobe", 160, root, ""}, // tracing has no coarse clock
		{"tracepoint", 25, root, "bpf_perf_event_output_proto_tp"},
		{"cgroup_skb", 95, root, "bpf_sk_fullsock"},
	}
	for _, c := range cases {
		e := *c.env
		e.ProgType = c.pt
		got := ""
		if p := For(c.id, &e); p != nil {
			got = p.Name
		}
		if got != c.want {
			t.Errorf("For(%s, %s, priv=%v) = %q, want %q", c.pt, isa.HelperID(c.id), c.env.BPFCapable, got, c.want)
		}
	}
}
