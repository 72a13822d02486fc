# platforms: 386 with the interpreters on the machine: an i386 program runs, post restores.
. /opt/vm/scenarios/lib.sh
qemu_on_machine

record_binfmt before
try before.run $I386 uname -m

step main --input platforms=386
record_binfmt during
result during.dump "$(binfmt_dump)"
try during.run $I386 uname -m
# only what was asked for: x86_64 programs still do not run
try during.x86_64 $X86_64 uname -m

step post
record_binfmt after
try after.run $I386 uname -m
