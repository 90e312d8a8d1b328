package bridge

import (
	"context"
	"encoding/json"

	"github.com/bpfplay/bpfplay/core/load"
)

// "load" is the whole pipeline (core/load): assemble or convert or read
// the ELF section, verify, rewrite, select the runtime, run, JIT. The
// request and response are core/load's (docs/api.md).
func loadProgram(params json.RawMessage) (any, error) {
	var req load.Request
	if err := decodeParams("load", params, &req); err != nil {
		return nil, err
	}
	return load.Load(context.Background(), &req), nil
}

func init() {
	register("load", loadProgram)
}
