#!/usr/bin/env bash
# Regenerates the golden classic-BPF listings in ../tcpdump and ../libpcap
# from the real tools: tcpdump (Debian bookworm 4.99.3 / libpcap 1.10.3)
# compiles each expression of exprs.txt and prints it with -d, -dd and
# -ddd; pcapdump.c prints synthetic programs (every opcode) through the
# same libpcap bpf_dump(). Needs: apt-get install -y tcpdump libpcap-dev.
# The outputs are committed; the Go tests never run these tools.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/.."
command -v tcpdump >/dev/null || { echo "gen.sh: needs tcpdump (apt-get install -y tcpdump)" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cc -O1 -o "$tmp/pcapdump" "$here/pcapdump.c" -lpcap

mkdir -p "$out/tcpdump"
rm -f "$out"/tcpdump/*.txtar
n=0
while IFS= read -r expr; do
  [ -z "$expr" ] && continue
  n=$((n+1))
  # Each expression twice: optimised (tcpdump's default) and with -O
  # (optimiser off), which keeps scratch memory, tax/txa and ALU ops.
  for opt in "" "-O"; do
    f=$(printf '%s/tcpdump/%02d%s.txtar' "$out" "$n" "$opt")
    {
      echo "tcpdump $(tcpdump --version 2>&1 | head -1 | awk '{print $3}') -y EN10MB $opt: $expr"
      echo "-- expr --"; echo "$expr"
      for d in d dd ddd; do
        echo "-- $d --"; tcpdump -y EN10MB $opt -$d "$expr" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
      done
    } > "$f"
  done
done < "$here/exprs.txt"

# Synthetic programs: every 16-bit opcode value up to 0x1ff with a few
# operand patterns, printed by libpcap's bpf_dump (tcpdump -d/-dd/-ddd).
mkdir -p "$out/libpcap"
for pat in "1 2 74565" "0 255 4294963200" "7 0 0" "255 255 4294967295"; do
  set -- $pat
  name="$out/libpcap/opcodes-jt$1-jf$2-k$3.txtar"
  python3 - "$1" "$2" "$3" > "$tmp/prog.bin" <<'PY'
import struct, sys
jt, jf, k = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
sys.stdout.buffer.write(b"".join(struct.pack("<HBBI", c, jt, jf, k) for c in range(0x200)))
PY
  {
    echo "libpcap bpf_dump of every opcode 0x000..0x1ff with jt=$1 jf=$2 k=$3"
    echo "-- raw --"; xxd -p -c 32 "$tmp/prog.bin"
    echo "-- d --"; "$tmp/pcapdump" 1 < "$tmp/prog.bin"
    echo "-- dd --"; "$tmp/pcapdump" 2 < "$tmp/prog.bin"
    echo "-- ddd --"; "$tmp/pcapdump" 3 < "$tmp/prog.bin"
  } > "$name"
done
# Absolute and indirect loads around Linux's ancillary area (SKF_AD_OFF
# + 0..67 and +0xffc): libpcap on Linux names the ancillary fields.
python3 - > "$tmp/anc.bin" <<'PY'
import struct, sys
out = b""
for code in (0x20, 0x28, 0x30, 0x40):
    for a in list(range(0, 68)) + [0xffc]:
        out += struct.pack("<HBBI", code, 0, 0, (0xfffff000 + a) & 0xffffffff)
sys.stdout.buffer.write(out)
PY
{
  echo "libpcap bpf_dump of ld/ldh/ldb [SKF_AD_OFF+n] and ld [x + SKF_AD_OFF+n]"
  echo "-- raw --"; xxd -p -c 32 "$tmp/anc.bin"
  echo "-- d --"; "$tmp/pcapdump" 1 < "$tmp/anc.bin"
  echo "-- dd --"; "$tmp/pcapdump" 2 < "$tmp/anc.bin"
  echo "-- ddd --"; "$tmp/pcapdump" 3 < "$tmp/anc.bin"
} > "$out/libpcap/ancillary.txtar"
echo "gen.sh: $n tcpdump expressions, 4 opcode tables, 1 ancillary table"
