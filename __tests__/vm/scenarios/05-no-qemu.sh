# No qemu anywhere (not on PATH, not in /usr/bin or /usr/local/bin, the stash hidden) and
# install: none: the step fails with a message about qemu and leaves no entry behind.
. /opt/vm/scenarios/lib.sh
mv $QEMU_STASH /root/.qemu-hidden
result before.qemu-files "$(ls /usr/bin/qemu-* /usr/local/bin/qemu-* $QEMU_STASH 2>/dev/null)"

record_binfmt before
step main --input install=none
record_binfmt during
try during.run $X86_64 uname -m
step post
record_binfmt after
