#!/usr/bin/env bash
# Run Go tests (and benchmarks) of the given packages compiled to js/wasm,
# in Node, with Go's own wasm_exec_node.js:
#   scripts/wasm-node.sh ./core/interp/... -run TestConformance
#   scripts/wasm-node.sh ./core/interp -run XXX -bench Programs -benchtime 3x
# Needs node (apt-get install -y nodejs) on PATH.
set -euo pipefail
if ! command -v node >/dev/null; then
  echo "wasm-node.sh: node not found: install it with 'apt-get install -y nodejs'" >&2
  exit 2
fi
exec_helper="$(go env GOROOT)/lib/wasm/go_js_wasm_exec"
if [ ! -x "$exec_helper" ]; then
  echo "wasm-node.sh: $exec_helper missing: is this a complete Go installation?" >&2
  exit 2
fi
GOOS=js GOARCH=wasm exec go test -exec="$exec_helper" "$@"
