# install: download from a mirror on the machine's loopback (busybox httpd; there is no other
# network): the tonistiigi/binfmt-style archive with a flat qemu-x86_64, checked against
# qemu-sha256. A second run finds it in the tool cache; a wrong checksum is refused.
. /opt/vm/scenarios/lib.sh
MIRROR=/srv/mirror
httpd -f -p 127.0.0.1:8080 -h $MIRROR &
httpd_pid=$!
tarball=$(awk '/\.tar\.gz$/ { print $2 }' $MIRROR/SHA256SUMS)
sha=$(awk '/\.tar\.gz$/ { print $1 }' $MIRROR/SHA256SUMS)
xzsha=$(awk '/\.xz$/ { print $1 }' $MIRROR/SHA256SUMS)
url=http://127.0.0.1:8080/$tarball
result mirror.fetch "$(wget -q -O - "$url" | sha256sum | cut -d' ' -f1)"
result mirror.sha256 "$sha"
# the tool cache is kept across the runs below (the runner's RUNNER_TOOL_CACHE)
export RUNNER_TOOL_CACHE=$WORK/tool-cache

record_binfmt before
try before.run $X86_64 uname -m
step main --input install=download --input "qemu-url=$url" --input "qemu-sha256=$sha"
record_binfmt during
result during.dump "$(binfmt_dump)"
try during.run $X86_64 uname -m
result during.chroot "$(make_chroot /tmp/chroot-dl; chroot /tmp/chroot-dl /bin/busybox uname -m 2>&1)"
step post
record_binfmt after
try after.run $X86_64 uname -m

# again: the tool cache has it
S=$SCENARIO.cached
WORK=$WORK-cached
mkdir -p "$WORK"
step main --input install=download --input "qemu-url=$url" --input "qemu-sha256=$sha"
try during.run $X86_64 uname -m
step post
record_binfmt after

# a single .xz'd binary given the tar.gz's checksum, with an empty tool cache (the cache is keyed
# by checksum, so the one above would serve it without a download): refused, nothing registered
S=$SCENARIO.badsum
WORK=$WORK-badsum
mkdir -p "$WORK"
export RUNNER_TOOL_CACHE=$WORK/tool-cache
step main --input install=download --input "qemu-url=http://127.0.0.1:8080/qemu-x86_64.xz" --input "qemu-sha256=$sha"
record_binfmt during
step post
record_binfmt after
result xz.sha256 "$xzsha"

kill $httpd_pid
