#!/usr/bin/env bash
# Builds the ELF test objects of core/elf from their C sources with
# Debian's clang, as users build theirs: clang -O2 -g -target bpf.
# Needs: apt-get install -y clang llvm libbpf-dev (bpf_helpers.h).
# The .o files are committed (small); tests never run clang.
set -euo pipefail
cd "$(dirname "$0")"
command -v clang >/dev/null || { echo "build.sh: needs clang (apt-get install -y clang llvm libbpf-dev)" >&2; exit 2; }
[ -f /usr/include/bpf/bpf_helpers.h ] || { echo "build.sh: needs libbpf-dev (apt-get install -y libbpf-dev)" >&2; exit 2; }
inc=/usr/include/$(uname -m)-linux-gnu
for c in socket xdp tc kprobe; do
  clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -I"$inc" -fdebug-prefix-map="$PWD"=. -c "$c.c" -o "$c.o"
done
clang --version | head -1 > clang-version.txt
echo "build.sh: built socket.o xdp.o tc.o kprobe.o with $(cat clang-version.txt)"
