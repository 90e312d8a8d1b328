#!/usr/bin/env bash
# Builds the real-world corpus objects from their C sources with Debian's
# clang, as users build theirs (clang -O2 -g -target bpf), then drops the
# DWARF sections (llvm-strip -g) to keep the committed objects small: the
# BTF and its line info (.BTF, .BTF.ext) stay. A source may ask for extra
# flags on a line "// build: FLAGS" (e.g. -mcpu=v3).
# Needs: apt-get install -y clang llvm libbpf-dev
# The .o files are committed; tests never run clang. After a rebuild,
# regenerate the records and ask the kernel again (docs/realworld.md).
set -euo pipefail
cd "$(dirname "$0")"
command -v clang >/dev/null || { echo "build.sh: needs clang (apt-get install -y clang llvm libbpf-dev)" >&2; exit 2; }
command -v llvm-strip >/dev/null || { echo "build.sh: needs llvm-strip (apt-get install -y llvm)" >&2; exit 2; }
[ -f /usr/include/bpf/bpf_helpers.h ] || { echo "build.sh: needs libbpf-dev (apt-get install -y libbpf-dev)" >&2; exit 2; }
inc=/usr/include/$(uname -m)-linux-gnu
n=0
for c in *.c; do
  o=${c%.c}.o
  flags=$(sed -n 's|^// build: ||p' "$c")
  # shellcheck disable=SC2086 # the extra flags are words
  clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -I"$inc" -fdebug-prefix-map="$PWD"=. $flags -c "$c" -o "$o"
  llvm-strip -g "$o"
  n=$((n + 1))
  if grep -q '^// variants: .*v3' "$c"; then
    # shellcheck disable=SC2086
    clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -I"$inc" -fdebug-prefix-map="$PWD"=. $flags -mcpu=v3 -c "$c" -o "${c%.c}.v3.o"
    llvm-strip -g "${c%.c}.v3.o"
    n=$((n + 1))
  fi
done
clang --version | head -1 > clang-version.txt
echo "build.sh: built $n objects with $(cat clang-version.txt)"
