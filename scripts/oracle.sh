#!/usr/bin/env bash
# Ask the real Linux 6.1 kernel (in qemu) about programs: a thin wrapper
# around ../shared/tools/kernel-oracle/run.sh, pinned to the kernel build
# the corpus was recorded with, so answers stay comparable.
#   scripts/oracle.sh IN.jsonl OUT.jsonl [--interp] [flags]
# Needs ../shared beside the checkout (it is not part of CI's tests).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
oracle="$here/../shared/tools/kernel-oracle/run.sh"
if [ ! -x "$oracle" ]; then
  echo "oracle.sh: $oracle not found: the kernel oracle lives in ../shared/tools/kernel-oracle" >&2
  exit 2
fi
export ORACLE_KERNEL_PKG=${ORACLE_KERNEL_PKG:-linux-image-6.1.0-56-amd64}
exec "$oracle" "$@"
