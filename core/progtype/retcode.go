package progtype

// ReturnCode names one value a program of some type returns.
type ReturnCode struct {
	Name  string
	Value int64
	Doc   string
}

var xdpReturns = [...]ReturnCode{
	{"XDP_ABORTED", 0, "drop and raise the xdp_exception tracepoint"},
	{"XDP_DROP", 1, "drop the packet"},
	{"XDP_PASS", 2, "pass the packet to the network stack"},
	{"XDP_TX", 3, "bounce the packet out of the interface it came in on"},
	{"XDP_REDIRECT", 4, "redirect (bpf_redirect, bpf_redirect_map)"},
}

var tcReturns = [...]ReturnCode{
	{"TC_ACT_UNSPEC", -1, "use the default action of the qdisc"},
	{"TC_ACT_OK", 0, "deliver the packet"},
	{"TC_ACT_RECLASSIFY", 1, "restart classification"},
	{"TC_ACT_SHOT", 2, "drop the packet"},
	{"TC_ACT_PIPE", 3, "go on to the next action"},
	{"TC_ACT_STOLEN", 4, "consumed"},
	{"TC_ACT_QUEUED", 5, "queued"},
	{"TC_ACT_REPEAT", 6, "repeat the action"},
	{"TC_ACT_REDIRECT", 7, "redirect (bpf_redirect)"},
	{"TC_ACT_TRAP", 8, "trap to the CPU"},
}

var socketFilterReturns = [...]ReturnCode{
	{"drop", 0, "0 drops the packet; n keeps its first n bytes"},
}

var cgroupSkbReturns = [...]ReturnCode{
	{"drop", 0, "drop the packet"},
	{"allow", 1, "allow the packet (bit 1 asks for congestion notification)"},
}

var allowReturns = [...]ReturnCode{
	{"reject", 0, "deny the operation"},
	{"allow", 1, "allow the operation"},
}

var skReturns = [...]ReturnCode{
	{"SK_DROP", 0, "drop"},
	{"SK_PASS", 1, "pass"},
}

var lwtReturns = [...]ReturnCode{
	{"BPF_OK", 0, "continue"},
	{"BPF_DROP", 2, "drop"},
	{"BPF_REDIRECT", 7, "redirect"},
	{"BPF_LWT_REROUTE", 128, "reroute"},
}

var flowDissectorReturns = [...]ReturnCode{
	{"BPF_OK", 0, "dissection succeeded"},
	{"BPF_DROP", 2, "drop"},
	{"BPF_FLOW_DISSECTOR_CONTINUE", 129, "fall back to the kernel's dissector"},
}
