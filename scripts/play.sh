#!/usr/bin/env bash
# Start the playground: builds the bpfplay CLI into bin/ and runs it.
#   ./scripts/play.sh                 serve the playground (bpfplay serve)
#   ./scripts/play.sh asm prog.s      any other bpfplay command
# (The web engineer extends this to build the site first.)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v go >/dev/null 2>&1; then
  export PATH="/usr/local/go/bin:$PATH"
fi
mkdir -p bin
go build -o bin/bpfplay ./cmd/bpfplay
if [ $# -eq 0 ]; then
  if bin/bpfplay help serve >/dev/null 2>&1; then
    set -- serve
  else
    set -- help
  fi
fi
exec bin/bpfplay "$@"
