#!/usr/bin/env bash
# Regenerates testdata/bpf_asm/*.txtar: bpf_asm sources (written by
# go run ./core/cbpf/internal/asmcases) with what the kernel's own
# tools/bpf/bpf_asm (Linux 6.1, Debian's linux-source-6.1) assembles
# them to, or its error. Needs: apt-get install -y flex bison, and the
# linux-source-6.1 package's tools/bpf (downloaded here with
# apt-get download; only four files are extracted and built).
# Run from the repository root. Tests never run bpf_asm.
set -euo pipefail
root=$(pwd)
out="$root/core/cbpf/testdata/bpf_asm"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
command -v flex >/dev/null && command -v bison >/dev/null || { echo "bpfasm.sh: needs flex and bison (apt-get install -y flex bison)" >&2; exit 2; }
if [ -z "${BPF_ASM:-}" ]; then
  (cd "$tmp" && apt-get download linux-source-6.1 >/dev/null)
  dpkg-deb --fsys-tarfile "$tmp"/linux-source-6.1_*.deb | tar -x -C "$tmp" --wildcards '*.tar.xz'
  tar -xJf "$tmp"/usr/src/linux-source-6.1.tar.xz -C "$tmp" --wildcards \
    'linux-source-6.1/tools/bpf/bpf_asm.c' 'linux-source-6.1/tools/bpf/bpf_exp.*'
  (cd "$tmp/linux-source-6.1/tools/bpf" && flex -o bpf_exp.lex.c bpf_exp.l && bison -d -o bpf_exp.yacc.c bpf_exp.y &&
    cc -O1 -I. -o "$tmp/bpf_asm" bpf_asm.c bpf_exp.yacc.c bpf_exp.lex.c)
  BPF_ASM="$tmp/bpf_asm"
fi
mkdir -p "$tmp/src" "$out"
rm -f "$out"/*.txtar
go run ./core/cbpf/internal/asmcases "$tmp/src"
n=0
for f in "$tmp"/src/*.asm; do
  name=$(basename "$f" .asm)
  {
    echo "kernel tools/bpf/bpf_asm (Linux 6.1) on $name.asm"
    echo "-- asm --"; cat "$f"
    echo "-- bpf_asm --"; "$BPF_ASM" "$f" 2>&1 || true
    echo
  } > "$out/$name.txtar"
  n=$((n+1))
done
echo "bpfasm.sh: $n sources assembled by the kernel's bpf_asm"
