#!/usr/bin/env bash
# Installs what every test suite needs on a Debian or Ubuntu machine, as root: the apt packages,
# the dev dependencies (npm ci), then each other scripts/ci/*.sh (Docker and podman, Node 24 for
# the bundle, the arm64 VM's fixtures, the packages package-qemu builds from). Shared by .ci/run
# (CI) and `npm run test:all` (a fresh machine); idempotent: what is there already is kept.
#
#   sudo bash scripts/ci/setup.sh [deps|machine]
#
# `deps` is the apt packages and npm ci, `machine` the scripts; no argument, both. .ci/run runs
# them apart to check dist/ in between, before the long part.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export DEBIAN_FRONTEND=noninteractive
started=$SECONDS
step() { printf '\n== %s (%ss)\n' "$*" "$((SECONDS - started))"; }

deps() {
  step "apt packages"
  local packages=(
    qemu-user-static  # foreign interpreters (arm64, riscv64, ...) for the real-kernel tests
    busybox-static xz-utils zstd openssl ca-certificates python3  # the archive formats and TLS the download tests serve
    mmdebstrap arch-test  # a foreign Debian root file system built under emulation (seed-uses test)
    golang-go   # the amd64 Go program the arm64 VM runs (Go's runtime is what crashes on a bad QEMU)
    # the probe programs' assembly sources are checked against the embedded bytes
    binutils binutils-aarch64-linux-gnu binutils-arm-linux-gnueabihf binutils-riscv64-linux-gnu
    binutils-powerpc64le-linux-gnu binutils-s390x-linux-gnu binutils-mips64el-linux-gnuabi64
  )
  local missing=() p
  for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  # binfmt-support would register every QEMU target at install time; the tests start from a table
  # without arm64/riscv64 handlers (the apt test installs it itself and removes what it registered).
  # (No purge here: the machine's packages are left as they are.)

  step "npm ci"
  npm ci --no-audit --no-fund
}

machine() {
  local script
  for script in scripts/ci/*.sh; do
    [ "$script" != scripts/ci/setup.sh ] || continue
    step "$script"
    bash "$script"
  done
}

part=${1:-both}
case "$part" in
  deps | machine | both) ;;
  *) echo "setup.sh: unknown part '$part': use deps, machine, or no argument for both" >&2; exit 2 ;;
esac
if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: must run as root (it installs apt packages and starts dockerd): sudo npm run test:all" >&2
  exit 1
fi
if [ "$part" != machine ]; then deps; fi
if [ "$part" != deps ]; then machine; fi
