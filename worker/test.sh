#!/usr/bin/env bash
# worker/test.sh: the share worker end to end, locally and without a
# Cloudflare account. Installs the pinned npm packages (wrangler, whose
# workerd runs the worker), builds the Go worker for GOOS=js GOARCH=wasm,
# starts `wrangler dev` on 127.0.0.1 with a simulated KV namespace, and runs
# worker/check against it: create a link, read it back, error paths.
#
# Needs Go, Node.js >= 20.3 and npm (Debian: apt-get install -y nodejs npm).
# Ends with the line "N passed, M failed"; exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")"

export CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_SEND_METRICS=false
export WRANGLER_LOG_PATH="${TMPDIR:-/tmp}" # keep wrangler's logs out of ~
if ! command -v npm >/dev/null 2>&1; then
	echo "worker/test.sh: npm not found; install Node.js and npm (Debian: apt-get install -y nodejs npm)" >&2
	exit 1
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi

tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		# wrangler starts workerd as a child: stop the whole group.
		kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# Static assets for the test: a stand-in page, so the test does not need
# the web build (the deployed worker serves web/dist).
mkdir -p "$tmp/assets"
printf '<!doctype html><title>bpfplay worker test</title>\n' >"$tmp/assets/index.html"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18787)

# wrangler runs the [build] command (npm run build) before it starts.
set -m
npx wrangler dev --local --ip 127.0.0.1 --port "$port" --assets "$tmp/assets" \
	--persist-to "$tmp/state" --show-interactive-dev-session=false --log-level warn \
	>"$tmp/wrangler.log" 2>&1 &
pid=$!
set +m

cd ..
# worker/check waits (up to 120 s: the first start compiles the worker)
# for /healthz, then runs its checks.
if ! go run ./worker/check -wait 120s -url "http://127.0.0.1:$port"; then
	echo "--- wrangler log:" >&2
	cat "$tmp/wrangler.log" >&2
	exit 1
fi
