package helpers_test

import (
	"testing"

	"github.com/bpfplay/bpfplay/core/helpers"
	"github.com/bpfplay/bpfplay/core/interp/testrun"
	ot "github.com/bpfplay/bpfplay/core/interp/testrun/oracletest"
)

// TestTask: the current-task helpers read the configurable fake task
// (the oracle cannot test them: Linux offers them to tracing programs,
// which BPF_PROG_TEST_RUN does not run). Expected values follow the
// helpers' documented encodings.
func TestTask(t *testing.T) {
	st := helpers.NewState(1)
	st.Task = helpers.Task{PID: 4242, TGID: 4240, UID: 1001, GID: 1002, Comm: "a-rather-long-command", Addr: 0xffff888012345678, CgroupID: 77}
	st.Kernel = []helpers.MemArea{{Addr: 0xffff888012345678, Data: []byte("task_struct!")}}
	asm := ot.Steps(
		"call bpf_get_current_pid_tgid\n",
		"call bpf_get_current_uid_gid\n",
		"call bpf_get_current_task\n",
		"call bpf_get_current_cgroup_id\n",
		"r1 = r10\nr1 += -16\nr2 = 16\ncall bpf_get_current_comm\nr0 = *(u64 *)(r10 -8)\n",
		"r1 = r10\nr1 += -16\nr2 = 4\ncall bpf_get_current_comm\nr0 = *(u32 *)(r10 -16)\n",
		"call bpf_get_current_task\nr3 = r0\nr1 = r10\nr1 += -16\nr2 = 8\ncall bpf_probe_read_kernel\nr0 = *(u64 *)(r10 -16)\n",
	)
	c := testrun.Case{Name: "task", Asm: asm, Maps: []testrun.NamedMap{ot.ResMap()}}
	in, err := c.Record()
	if err != nil {
		t.Fatal(err)
	}
	res, err := testrun.Run(in, &testrun.Options{State: st})
	if err != nil || res.Interp.Fault != nil {
		t.Fatalf("%v %v", err, res.Interp.Fault)
	}
	want := []uint64{
		4240<<32 | 4242,
		1002<<32 | 1001,
		0xffff888012345678,
		77,
		// get_current_comm copies at most size-1 bytes and ends with a
		// NUL: with 16 bytes "a-rather-long-c\0", whose bytes 8..15 are
		// "-long-c\0"; with 4 bytes "a-r\0".
		le("-long-c\x00"),
		le("a-r\x00"),
		le("task_str"),
	}
	for i, w := range want {
		if got := resVal(res, i); got != w {
			t.Errorf("res[%d] = %#x, want %#x", i, got, w)
		}
	}
}

func le(s string) uint64 {
	var v uint64
	for i := len(s) - 1; i >= 0; i-- {
		v = v<<8 | uint64(s[i])
	}
	return v
}

func resVal(res *testrun.Result, i int) uint64 {
	b := res.Maps[0].Lookup([]byte{byte(i), 0, 0, 0})
	return le(string(b))
}
