#!/usr/bin/env bash
# What the emulated arm64 machine tests (__tests__/vm) need on a Debian/Ubuntu CI machine:
# qemu-system-aarch64 to boot it. Everything else (kernel, busybox, glibc, qemu-user, node for arm64)
# is fetched by scripts/arm64-vm/fixtures.mjs into .cache/arm64-vm/ with apt-get download (a
# foreign architecture and private lists, over the machine's own sources) and npm pack; that
# needs apt-get, dpkg-deb, tar, gzip and xz (xz-utils), listed here for minimal images.
set -euo pipefail

packages=(qemu-system-arm xz-utils)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f '${Status}\n' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
command -v qemu-system-aarch64 >/dev/null
# fetch the fixtures now (once; cached), so the test's own time is the machine's
node "$(dirname "$0")/../arm64-vm/fixtures.mjs" >/dev/null
