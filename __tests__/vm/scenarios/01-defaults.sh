# Default inputs with Debian's qemu-user-static on the machine (/usr/bin/qemu-x86_64-static).
# binfmt_misc is not loaded at boot: the action loads and mounts it, registers x86_64 with F, and
# the post step takes everything back out.
. /opt/vm/scenarios/lib.sh
qemu_on_machine
make_chroot /tmp/chroot-x86_64

record_binfmt before
binfmt_dump > "$WORK/dump.before"
try before.run $X86_64 uname -m

step main
record_binfmt during
result during.dump "$(binfmt_dump)"
try during.run $X86_64 uname -m
# the chroot holds only the x86_64 busybox: no interpreter path, no libraries (flag F at work)
result during.chroot "$(chroot /tmp/chroot-x86_64 /bin/busybox uname -m 2>&1)"

step post
record_binfmt after
binfmt_dump > "$WORK/dump.after"
result after.same-dump "$(cmp -s "$WORK/dump.before" "$WORK/dump.after" && echo yes || echo no)"
try after.run $X86_64 uname -m
