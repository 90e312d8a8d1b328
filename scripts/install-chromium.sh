#!/usr/bin/env bash
# install-chromium.sh: make sure a headless-capable Chromium is on this
# machine for the browser tests in e2e/. Uses Debian's package (the only
# browser build that installs here without downloading a binary of its own).
# Prints the path of the browser on success.
set -euo pipefail

find_chromium() {
	for c in chromium chromium-browser google-chrome google-chrome-stable; do
		if command -v "$c" >/dev/null 2>&1; then
			command -v "$c"
			return 0
		fi
	done
	return 1
}

if p=$(find_chromium); then
	echo "$p"
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-chromium.sh: no Chromium found and no apt-get; install Chromium or Chrome and put it on PATH (or set BPFPLAY_CHROME=/path/to/chrome)" >&2
	exit 1
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
	SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
# fonts-dejavu-core keeps screenshots readable on minimal images.
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
find_chromium
