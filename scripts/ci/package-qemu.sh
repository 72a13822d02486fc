#!/usr/bin/env bash
# What the package-qemu tests (__tests__/integration/package-qemu.test.ts) need on a Debian CI
# machine: apt-get and apt-helper (apt), dpkg-deb (dpkg), tar, xz (xz-utils: the test makes one
# .xz asset too; the .br ones need only Node's zlib), and a debian-archive-keyring that can verify
# the suite the shipped default release was built from (Debian 13's keys are in bookworm's debian-archive-keyring since 2023.3+deb12u1). The Debian
# mirror is the machine's own (its apt sources); nothing here names one.
#
# Then it fetches the packages the test builds from, once (verified, cached under
# .cache/qemu-debian/), so the test's own time is the machine's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
install() {
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "$@"
}

packages=(apt dpkg tar xz-utils debian-archive-keyring)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f '${Status}\n' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] || install "${missing[@]}"

# The suite of the shipped default release (when package-qemu made it), else Debian 13.
suite=$(node -e '
  const m = require("./src/install/manifest.json")
  const r = m.releases.find(r => r.id === m.default)
  process.stdout.write((r && r.source === "action" && r.debian && r.debian.suite) || "trixie")')
if ! ls /usr/share/keyrings/debian-archive-"$suite"-*.gpg >/dev/null 2>&1 && [ -e /usr/share/keyrings/debian-archive-keyring.gpg ]; then
  echo "package-qemu.sh: no $suite key in debian-archive-keyring; upgrading it" >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --only-upgrade debian-archive-keyring || true
fi

node scripts/package-qemu.mjs "$suite" --hosts amd64,arm64 --targets aarch64,riscv64,x86_64,i386 --fetch-only
