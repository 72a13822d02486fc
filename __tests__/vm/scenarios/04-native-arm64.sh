# platforms: arm64 on this arm64 machine: native, nothing to register, success.
. /opt/vm/scenarios/lib.sh
qemu_on_machine

record_binfmt before
step main --input platforms=arm64
record_binfmt during
step post
record_binfmt after
