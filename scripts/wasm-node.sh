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
# Set WASM_NODE_FLAGS to pass V8 flags to node, e.g.
#   WASM_NODE_FLAGS=--no-wasm-dynamic-tiering scripts/wasm-node.sh ...
here=$(cd "$(dirname "$0")" && pwd)
exec_helper="$here/wasm-node-exec"
if [ ! -f "$(go env GOROOT)/lib/wasm/wasm_exec_node.js" ]; then
  echo "wasm-node.sh: $(go env GOROOT)/lib/wasm/wasm_exec_node.js missing: is this a complete Go installation?" >&2
  exit 2
fi
GOOS=js GOARCH=wasm exec go test -exec="$exec_helper" "$@"
