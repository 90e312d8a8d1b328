#!/usr/bin/env bash
# Run every check CI runs. Works on a fresh clone:
#   ./scripts/test.sh
# Steps: gofmt, go vet, golangci-lint (pinned in go.mod), the js/wasm build
# of the core, the go generate drift check, go test ./..., and, when
# ../shared sits beside the checkout, the extra checks in the hook
# section at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if ! command -v go >/dev/null 2>&1; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { echo "test.sh: go not found: install Go (see go.mod for the version)" >&2; exit 1; }

failed=()
step() { echo; echo "==> $*"; }
fail() { echo "FAIL: $*" >&2; failed+=("$*"); }

# Go files of the project: tracked ones, plus untracked ones that are not
# ignored (a developer's new files), never node_modules.
go_files() {
  if git rev-parse --git-dir >/dev/null 2>&1; then
    git ls-files --cached --others --exclude-standard '*.go' | grep -v '/node_modules/' || true
  else
    find . -name '*.go' -not -path '*/node_modules/*'
  fi
}

step "gofmt"
unformatted=$(go_files | xargs -r gofmt -l)
if [ -n "$unformatted" ]; then
  echo "$unformatted"
  fail "gofmt: the files above need 'gofmt -w'"
fi

step "go vet ./..."
go vet ./... || fail "go vet"

step "golangci-lint (go tool golangci-lint run)"
go tool golangci-lint run ./... || fail "golangci-lint"

step "js/wasm build of the portable packages"
wasm_dirs=()
for d in core jit wasm; do
  [ -d "$d" ] && wasm_dirs+=("./$d/...")
done
if [ ${#wasm_dirs[@]} -gt 0 ]; then
  GOOS=js GOARCH=wasm go build "${wasm_dirs[@]}" || fail "GOOS=js GOARCH=wasm go build ${wasm_dirs[*]}"
fi

step "go generate drift"
if git rev-parse --git-dir >/dev/null 2>&1; then
  # Compare the tree's state before and after, so that a developer's own
  # uncommitted edits do not count as drift; on a fresh clone "before" is
  # clean.
  before=$(git status --porcelain=v1 --untracked-files=all; git diff | sha256sum)
  go generate ./... || fail "go generate"
  after=$(git status --porcelain=v1 --untracked-files=all; git diff | sha256sum)
  if [ "$before" != "$after" ]; then
    git status --short
    fail "go generate changed files: run 'go generate ./...' and commit the result"
  fi
else
  echo "not a git checkout: skipped"
fi

# ---------------------------------------------------------------------
# PRE-TEST HOOK: build steps the tests need (for example the web bundle
# that e2e tests load). One block per owner; call `fail "what"` on error.
# ---------------------------------------------------------------------

# server: clang (+ libbpf headers) for server/clang's compile tests, and
# the share worker end to end under workerd (worker/test.sh installs its
# npm packages, builds the Go worker for js/wasm, runs wrangler dev on
# 127.0.0.1 and prints "N passed, M failed").
if ! command -v clang >/dev/null 2>&1 || [ ! -f /usr/include/bpf/bpf_helpers.h ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    step "install clang and libbpf-dev (server/clang tests)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libbpf-dev >/dev/null) \
      || fail "apt-get install clang libbpf-dev"
  else
    echo "test.sh: clang or libbpf-dev missing; server/clang's tests will fail: apt-get install -y clang libbpf-dev" >&2
  fi
fi
step "worker/test.sh (the share worker under workerd)"
./worker/test.sh || fail "worker/test.sh"

# web: Chromium for the browser tests in e2e/ (Debian's package; the
# script says how to get one when it cannot install it), and the site they
# load: scripts/build.sh --web runs npm ci for the pinned CodeMirror
# packages, builds the wasm core and bundles web/dist.
step "web: Chromium and the site for the browser tests"
scripts/install-chromium.sh >/dev/null || fail "scripts/install-chromium.sh (e2e needs Chromium)"
scripts/build.sh --web || fail "scripts/build.sh --web"

# --- end of pre-test hook ----------------------------------------------

step "go test ./..."
# The browser tests (e2e) take ~4 minutes on a quiet 2-core machine and
# over 10 on a loaded one: past go test's default timeout per package.
go test -timeout 45m ./... || fail "go test"

if [ -d "$root/../shared" ]; then
  step "extra checks (../shared is present)"
  # ---------------------------------------------------------------------
  # HOOK SECTION: engineers append checks that need ../shared here, one
  # block each, with a comment naming the owner. Call `fail "what"` on
  # failure instead of exiting, so the summary lists everything.
  # ---------------------------------------------------------------------

  # foundation: the project's copy of the conformance suite and corpus is
  # the shared one, unchanged.
  for pair in "conformance:testdata/conformance" "corpus:testdata/corpus" "jit-vectors:testdata/jit-vectors"; do
    src="$root/../shared/${pair%%:*}"; dst="$root/${pair#*:}"
    if [ -d "$src" ] && [ -d "$dst" ]; then
      (cd "$src" && find . -type f \( -name '*.data' -o -name '*.gz' -o -name 'LICENSE' \) | sort | while read -r f; do
        cmp -s "$f" "$dst/$f" || echo "$dst/$f differs from ../shared/${pair%%:*}/$f"
      done) | grep . && fail "testdata differs from ../shared" || true
    fi
  done

  # --- end of hook section ---------------------------------------------
fi

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "test.sh: ${#failed[@]} step(s) failed:" >&2
  printf '  - %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "test.sh: all checks passed"
