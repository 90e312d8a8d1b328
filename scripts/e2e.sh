#!/usr/bin/env bash
# e2e.sh: everything the browser tests need, then the tests.
#   - Chromium (scripts/install-chromium.sh: Debian's package)
#   - the site in web/dist (scripts/build.sh --web: npm ci of the pinned
#     packages, the wasm core, the esbuild bundle)
#   - go test ./e2e/ (screenshots and figures in e2e/artifacts/)
# Extra arguments go to go test (e.g. -run TestDarkMode -v).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-chromium.sh >/dev/null
scripts/build.sh --web
go test -timeout 45m ./e2e/ "$@"  # a loaded machine needs more than the default 10 minutes
