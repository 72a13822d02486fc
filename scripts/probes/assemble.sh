#!/usr/bin/env bash
# Assembles the probe sources with binutils and prints each target's code bytes as hex, to compare
# with (or regenerate) the hex strings embedded in src/checks/probe-programs.ts.
#
#   scripts/probes/assemble.sh            # every target that has an assembler here
#   scripts/probes/assemble.sh arm s390x  # some targets
#   LISTING=1 scripts/probes/assemble.sh  # also print the disassembly
#
# Needs (Debian): binutils, binutils-aarch64-linux-gnu, binutils-arm-linux-gnueabihf,
# binutils-riscv64-linux-gnu, binutils-powerpc64le-linux-gnu, binutils-s390x-linux-gnu,
# binutils-mips64el-linux-gnuabi64. loongarch64 has no assembler in Debian 12: its bytes are
# hand-encoded; loongarch64.S documents the encoding and this script prints those words.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# target -> "assembler flags|objcopy|objdump"
tool() {
  case "$1" in
    x86_64) echo "as --64|objcopy|objdump" ;;
    i386) echo "as --32|objcopy|objdump" ;;
    x86-level) echo "as --64|objcopy|objdump" ;;
    aarch64) echo "aarch64-linux-gnu-as|aarch64-linux-gnu-objcopy|aarch64-linux-gnu-objdump" ;;
    arm) echo "arm-linux-gnueabihf-as|arm-linux-gnueabihf-objcopy|arm-linux-gnueabihf-objdump" ;;
    riscv64) echo "riscv64-linux-gnu-as|riscv64-linux-gnu-objcopy|riscv64-linux-gnu-objdump" ;;
    ppc64le) echo "powerpc64le-linux-gnu-as -a64 -mlittle|powerpc64le-linux-gnu-objcopy|powerpc64le-linux-gnu-objdump" ;;
    s390x) echo "s390x-linux-gnu-as -m64|s390x-linux-gnu-objcopy|s390x-linux-gnu-objdump" ;;
    mips64el) echo "mips64el-linux-gnuabi64-as -mabi=64 -march=mips64r2 -EL|mips64el-linux-gnuabi64-objcopy|mips64el-linux-gnuabi64-objdump" ;;
    *) return 1 ;;
  esac
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64 i386 aarch64 arm riscv64 ppc64le s390x mips64el loongarch64 x86-level)

for t in "${targets[@]}"; do
  if [ "$t" = loongarch64 ]; then
    # The hand-encoded words: "# WORD = ..." comments in loongarch64.S, stored little-endian.
    hex="$(grep -o '# [0-9a-f]\{8\} =' "$here/loongarch64.S" | cut -c3-10 |
      while read -r w; do printf '%s%s%s%s' "${w:6:2}" "${w:4:2}" "${w:2:2}" "${w:0:2}"; done)"
    printf '%-12s %3d bytes  %s\n' "$t" $((${#hex} / 2)) "$hex"
    if command -v loongarch64-linux-gnu-as >/dev/null; then
      loongarch64-linux-gnu-as -o "$tmp/$t.o" "$here/$t.S"
      loongarch64-linux-gnu-objcopy -O binary -j .text "$tmp/$t.o" "$tmp/$t.bin"
      real="$(head -c $((${#hex} / 2)) "$tmp/$t.bin" | od -An -v -tx1 | tr -d ' \n')"
      [ "$real" = "$hex" ] || { echo "loongarch64: assembler gives $real" >&2; exit 1; }
    fi
    continue
  fi
  IFS='|' read -r as objcopy objdump <<<"$(tool "$t")"
  read -r asbin _ <<<"$as"
  if ! command -v "$asbin" >/dev/null; then
    echo "$t: $asbin not installed, skipped" >&2
    continue
  fi
  # shellcheck disable=SC2086
  $as -o "$tmp/$t.o" "$here/$t.S"
  $objcopy -O binary -j .text "$tmp/$t.o" "$tmp/$t.bin"
  # Drop the section's alignment padding: keep the bytes up to the label code_end.
  size=$((16#$(${objcopy%objcopy}nm "$tmp/$t.o" | awk '$3 == "code_end" { print $1 }')))
  hex="$(head -c "$size" "$tmp/$t.bin" | od -An -v -tx1 | tr -d ' \n')"
  printf '%-12s %3d bytes  %s\n' "$t" $((${#hex} / 2)) "$hex"
  if [ "${LISTING:-}" = 1 ]; then
    $objdump -d "$tmp/$t.o" | sed -n '/<_start>:\|<__start>:/,$p'
    readelf -h "$tmp/$t.o" | grep Flags
  fi
done
