#!/usr/bin/env bash
# build.sh: build the web playground into web/dist (the wasm core, the
# TypeScript bundle, wasm_exec.js from the same Go toolchain, precompressed
# copies), then the bpfplay binary, which embeds web/dist.
#
#   scripts/build.sh               everything
#   scripts/build.sh --web         only web/dist (no binary)
#   scripts/build.sh --fast        no minify, no precompression (development)
#
# Needs Go and npm (the npm registry supplies the pinned CodeMirror packages;
# esbuild itself runs through its Go API, pinned in go.mod).
set -euo pipefail
cd "$(dirname "$0")/.."

binary=1
flags=()
for a in "$@"; do
	case "$a" in
	--web) binary=0 ;;
	--fast) flags+=(-minify=false -compress=false) ;;
	*) echo "build.sh: unknown flag $a" >&2; exit 2 ;;
	esac
done

if ! command -v npm >/dev/null 2>&1; then
	echo "build.sh: npm not found; install Node.js and npm (Debian: apt-get install -y npm)" >&2
	exit 1
fi
# Install the locked npm packages when missing or when the lockfile changed.
if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
	npm ci --prefix web --no-audit --no-fund --loglevel=error
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The wasm must stay under 2 MB brotli (issue 8). Not inlining saves ~14%
# after compression; the interpreter keeps inlining (its hot loop), the
# rest of the core (verifier, assembler, JIT listing) barely notices.
# Two cores (docs/web.md, "Two cores"): the page starts with one built
# without the ELF reader (-tags bpfplay_noelf: no cilium/ebpf, 28% smaller,
# so the first verdict comes sooner) and loads the full one when a .o
# arrives.
wasm() {
	GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' \
		-gcflags='all=-l' -gcflags='github.com/bpfplay/bpfplay/core/interp/...=' "$@" ./wasm
}
wasm -tags bpfplay_noelf -o "$tmp/bpfplay.wasm"
wasm -o "$tmp/bpfplay-elf.wasm"
go run ./web/build -web web -out web/dist -wasm "$tmp/bpfplay.wasm" -wasm-elf "$tmp/bpfplay-elf.wasm" "${flags[@]}"

if [ "$binary" = 1 ]; then
	go build -o bpfplay ./cmd/bpfplay
	echo "built ./bpfplay (web playground embedded)"
fi
