# The action's default download, for real, in the direction it exists for: no qemu-url, so the
# action asks the repository it runs from for the manifest's default release
# (${GITHUB_SERVER_URL}/${GITHUB_ACTION_REPOSITORY}/releases/download/qemu-v<version>/qemu-x86_64-linux-arm64.xz)
# and checks it against the sha256 and size the manifest pins. The files are the project's own
# assets, built on the host by scripts/package-qemu.mjs from Debian's signed qemu-user (the
# fixtures refuse them unless they are byte for byte what the manifest pins).
#
# "GitHub" is two busybox httpd on the loopback, as github.com serves release downloads: the
# release address answers 302 to another host (port), which serves the file. Both log every
# request (-vv), so the warm run can show it asked nothing.
#   1. cold: empty tool cache, no qemu anywhere on the machine: download, verify, register, run
#   2. warm: same tool cache: cache-hit=true, no request at all
#   3. i386: platforms: 386 adds qemu-i386 to the same tool-cache entry (one request)
#   4. tampered: a copy of the asset with one byte flipped (same size), under another repository,
#      empty tool cache: refused before anything runs, nothing registered or cached, asked once
# Debian's xz-utils is put on PATH first, as on a runner image: the action decompresses .xz with
# the `xz` program, and busybox's xz applet rejects the long options it passes.
. /opt/vm/scenarios/lib.sh
# run KEY PROGRAM ARGS...: a program that should run, straight from the shell (KEY.exit, KEY.out);
# `try` (a bare execve through node, a second or two here) is kept for the ENOEXEC checks
run() {
  local name=$1 out rc
  shift
  out=$("$@" 2>&1)
  rc=$?
  result "$name.exit" $rc
  result "$name.out" "$out"
}
REL=/srv/releases
. $REL/release.env
result assets.error "$RELEASE_ERROR"
[ -z "$RELEASE_ERROR" ] || exit 0
result release "$RELEASE_ID $RELEASE_TAG ($RELEASE_DEBIAN)"
asset=$REL/$RELEASE_REPOSITORY/releases/download/$RELEASE_TAG/$ASSET_x86_64
result served.sha256 "$(sha256sum "$asset" | cut -d' ' -f1)"
result pinned.sha256 "$ASSET_x86_64_SHA256"

# a runner image has xz-utils (busybox's xz applet takes none of the long options the action uses)
cp /opt/xz-utils/bin/xz /usr/local/bin/xz
# (the shell itself would run its own applet for a bare `xz`: busybox prefers applets)
result xz "$(/usr/local/bin/xz --version 2>&1 | head -n 1)"
# no qemu-x86_64 anywhere the action (or PATH) could find one: the stash is hidden
mv $QEMU_STASH /root/.qemu-hidden
result before.qemu-files "$(ls /usr/bin/qemu-* /usr/local/bin/qemu-* $QEMU_STASH 2>/dev/null; which qemu-x86_64 qemu-x86_64-static 2>/dev/null)"

GITHUB=127.0.0.1:8081
OBJECTS=127.0.0.1:8082
cat > /tmp/release-redirect <<EOF
#!/bin/sh
# busybox httpd runs this for every *.xz and *.br under the "github" root: a 302 to the download host
printf 'Status: 302 Found\r\nLocation: http://$OBJECTS%s?response-content-disposition=attachment\r\nContent-Length: 0\r\n\r\n' "\$REQUEST_URI"
EOF
chmod 755 /tmp/release-redirect
printf '*.xz:/tmp/release-redirect\n*.br:/tmp/release-redirect\n' > /tmp/github-httpd.conf
: > /tmp/empty-httpd.conf
httpd -f -vv -p $GITHUB -h $REL -c /tmp/github-httpd.conf 2> /tmp/github.log &
github_pid=$!
httpd -f -vv -p $OBJECTS -h $REL -c /tmp/empty-httpd.conf 2> /tmp/objects.log &
objects_pid=$!
# requests so far, to each server: "<github> <objects>"
requests() { echo "$(grep -c ' url:' /tmp/github.log) $(grep -c ' url:' /tmp/objects.log)"; }
# both listening (ports 8081 and 8082 in /proc/net/tcp, state 0A)
for i in $(seq 1 50); do
  [ "$(awk '$2 ~ /^0100007F:1F9[12]$/ && $4 == "0A"' /proc/net/tcp | wc -l)" -eq 2 ] && break
  sleep 0.1
done

export GITHUB_SERVER_URL=http://$GITHUB
export GITHUB_ACTION_REPOSITORY=$RELEASE_REPOSITORY
# the workflow's own repository: not where the action (and its assets) come from
export GITHUB_REPOSITORY=vm-owner/a-workflow
export RUNNER_TOOL_CACHE=/tmp/tool-cache
rm -rf $RUNNER_TOOL_CACHE
# and no root-owned store copy from an earlier scenario: the cold run must download
rm -rf /var/lib/setup-x86-on-arm/interpreters
make_chroot /tmp/chroot-default-dl

# 1. cold
record_binfmt before
binfmt_dump > "$WORK/dump.before"
try before.run $X86_64 uname -m
step main --input install=download
result main.requests "$(requests)"
result main.url "$(sed -n 's/^downloading //p' "$WORK/main.log")"
result main.downloaded "$(grep '^downloaded ' "$WORK/main.log")"
result main.read "$(grep '^read ' "$WORK/main.log")"
result main.level-line "$(grep 'programs see an' "$WORK/main.log")"
record_binfmt during
result during.dump "$(binfmt_dump)"
run during.run $X86_64 uname -m
result during.chroot "$(chroot /tmp/chroot-default-dl /bin/busybox uname -m 2>&1)"
cached=$RUNNER_TOOL_CACHE/qemu-user-static/$RELEASE_ID/arm64
result cache.files "$(cd $cached 2>/dev/null && ls -A | tr '\n' ' ')"
# what runs is what Debian signed: the cached interpreter is the asset, decompressed
result cache.sha256 "$(sha256sum $cached/qemu-x86_64 | cut -d' ' -f1)"
result asset.raw-sha256 "$ASSET_x86_64_RAW_SHA256"
step post
record_binfmt after
binfmt_dump > "$WORK/dump.after"
result after.same-dump "$(cmp -s "$WORK/dump.before" "$WORK/dump.after" && echo yes || echo no)"
try after.run $X86_64 uname -m
result after.temp.files "$(find "$WORK/temp" -type f 2>/dev/null)"

# 2. warm: the same tool cache, a new job
S=$SCENARIO.warm
WORK=/tmp/work/$S
mkdir -p "$WORK"
result before.requests "$(requests)"
step main --input install=download
result main.requests "$(requests)"
result main.hit "$(grep 'cache hit' "$WORK/main.log")"
record_binfmt during
run during.run $X86_64 uname -m
step post
record_binfmt after

# 3. i386 into the same tool-cache entry (when the release has the i386 asset)
if [ -n "$ASSET_i386" ]; then
  S=$SCENARIO.i386
  WORK=/tmp/work/$S
  mkdir -p "$WORK"
  result before.requests "$(requests)"
  step main --input install=download --input platforms=386
  result main.requests "$(requests)"
  result main.url "$(sed -n 's/^downloading //p' "$WORK/main.log")"
  record_binfmt during
  run during.run $I386 uname -m
  result cache.files "$(cd $cached 2>/dev/null && ls -A | tr '\n' ' ')"
  result cache.sha256 "$(sha256sum $cached/qemu-i386 | cut -d' ' -f1)"
  result asset.raw-sha256 "$ASSET_i386_RAW_SHA256"
  step post
  record_binfmt after
fi

# 4. tampered: one byte flipped (same size: only the sha256 can tell), another repository, empty tool cache
S=$SCENARIO.tampered
WORK=/tmp/work/$S
mkdir -p "$WORK"
tampered_repo=vm-tampered/setup-x86-on-arm
tampered=$REL/$tampered_repo/releases/download/$RELEASE_TAG/$ASSET_x86_64
mkdir -p "$(dirname "$tampered")"
cp "$asset" "$tampered"
node -e '
  const fs = require("fs")
  const fd = fs.openSync(process.argv[1], "r+")
  const at = Math.floor(fs.fstatSync(fd).size / 2)
  const byte = Buffer.alloc(1)
  fs.readSync(fd, byte, 0, 1, at)
  byte[0] ^= 1
  fs.writeSync(fd, byte, 0, 1, at)
  fs.closeSync(fd)
' "$tampered"
result file.size "$(wc -c < "$tampered")"
result file.sha256 "$(sha256sum "$tampered" | cut -d' ' -f1)"
result file.differs "$(cmp "$asset" "$tampered" 2>&1)"
export GITHUB_ACTION_REPOSITORY=$tampered_repo
export RUNNER_TOOL_CACHE=/tmp/tool-cache-tampered
rm -rf $RUNNER_TOOL_CACHE
# and no root-owned store copy from the cold phase: this run must download (and refuse) the file
rm -rf /var/lib/setup-x86-on-arm/interpreters
result before.requests "$(requests)"
record_binfmt before
step main --input install=download
result main.requests "$(requests)"
record_binfmt during
result cache.files "$(find $RUNNER_TOOL_CACHE -type f 2>/dev/null)"
result temp.files "$(find "$WORK/temp" -type f 2>/dev/null)"
step post
record_binfmt after
result after.temp.files "$(find "$WORK/temp" -type f 2>/dev/null)"

kill $github_pid $objects_pid
rm -rf $REL/vm-tampered
sed 's/^/github| /' /tmp/github.log
sed 's/^/objects| /' /tmp/objects.log
