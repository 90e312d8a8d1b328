#!/usr/bin/env bash
# Regenerates the llvm-objdump listings and section bytes the assembler
# tests read. Needs clang-14/llvm-14 (Debian's clang, llvm) and
# clang-19/llvm-19 (apt-get install -y clang llvm clang-19 llvm-19).
#   NAME.v3.txt   clang 14 -mcpu=v3, llvm-objdump 14 -d --mattr=+alu32 (decimal spelling)
#   NAME.v4.txt   clang 19 -mcpu=v4, llvm-objdump 19 -d --mcpu=v4 (hex spelling)
#   NAME.vN.hex   the code sections' bytes, in the listing's order, from llvm-objcopy
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for c in *.c; do
  n=${c%.c}
  for v in v3 v4; do
    if [ $v = v3 ]; then cc=clang; od=llvm-objdump; oc=llvm-objcopy; odflags=(-d --mattr=+alu32); else cc=clang-19; od=llvm-objdump-19; oc=llvm-objcopy-19; odflags=(-d --mcpu=v4); fi
    "$cc" -O2 -target bpf -mcpu=$v -c "$c" -o "$tmp/$n.o"
    "$od" "${odflags[@]}" "$tmp/$n.o" | sed "s|$tmp/||" > "$n.$v.txt"
    : > "$n.$v.hex"
    for sec in $(grep '^Disassembly of section' "$n.$v.txt" | sed 's/^Disassembly of section \(.*\):$/\1/'); do
      "$oc" -O binary --only-section="$sec" "$tmp/$n.o" "$tmp/sec.bin"
      od -An -v -tx1 "$tmp/sec.bin" | tr -d ' \n' >> "$n.$v.hex"
    done
    echo >> "$n.$v.hex"
  done
done

# mc.expected: every line of mc.s (llvm's assembler syntax) with the
# encoding llvm-mc 19 gives it.
llvm-mc-19 -triple bpfel -mcpu=v4 -show-encoding mc.s | grep 'encoding:' > mc.expected
