# The machine itself: node runs, the stashed interpreters run the foreign busybox when called
# directly, an x86_64 program exec'd without a handler fails with ENOEXEC, modprobe finds binfmt_misc.
. /opt/vm/scenarios/lib.sh
t0=$(now)
result node.version "$(node --version)"
result node.seconds "$(since "$t0")"
result direct.x86_64 "$($QEMU_STASH/qemu-x86_64-static $X86_64 uname -m 2>&1)"
result direct.i386 "$($QEMU_STASH/qemu-i386-static $I386 uname -m 2>&1)"
result binfmt "$(binfmt_mount)"
try exec $X86_64 uname -m
result shell "$($X86_64 uname -m 2>&1; echo "exit $?")"
result modprobe "$(modprobe -D binfmt_misc 2>&1)"
