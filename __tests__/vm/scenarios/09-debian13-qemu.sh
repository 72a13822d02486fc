# A Debian 13 runner: trixie's qemu-user (itself static; a QEMU 10) installs /usr/bin/qemu-x86_64
# and qemu-i386, and `install: auto` registers them. A QEMU of 9.0 or later hands x86_64 programs
# the kernel's own addresses, near 2^48 on this 48-bit machine, where amd64 Go cannot take them:
# main must say so and export QEMU_GUEST_BASE=0x800000000000 through GITHUB_ENV. Then, as the job's
# later steps (GITHUB_ENV applied):
#   1. the amd64 Go program (Go 1.19) prints its native output; the same program started without
#      the variable aborts (`fatal error: lfstack.push`), which shows the variable is what helps;
#   2. i386 still runs with the variable (busybox, and Debian's dynamically linked i386 ls through
#      the corpus' sysroot), and so does Debian's amd64 ls.
# Post restores the table. Scenario 10 is the container side (and the download answering 404).
. /opt/vm/scenarios/lib.sh
. /opt/qemu-debian13/debian13.env
PROGRAMS=/opt/programs
CORPUS=/opt/corpus
result debian13.error "$DEBIAN13_ERROR"
result program.error "$(cat $PROGRAMS/go-stress.error 2>/dev/null)"
[ -z "$DEBIAN13_ERROR" ] || exit 0
result debian13.package "$DEBIAN13_PACKAGE"

# as `apt-get install qemu-user` leaves them on Debian 13 (its qemu-user-binfmt is not installed: the action registers)
cp /opt/qemu-debian13/qemu-x86_64 /opt/qemu-debian13/qemu-i386 /usr/bin/
result debian13.files "$(ls /usr/bin/qemu-*)"
result debian13.version "$(/usr/bin/qemu-x86_64 --version | head -n 1)"
# how high this kernel hands out addresses: the top of a native process' stack
result address.stack "$(awk '$6 == "[stack]" { print $1 }' /proc/self/maps)"
export RUNNER_TOOL_CACHE=/tmp/tool-cache
rm -rf $RUNNER_TOOL_CACHE
export GITHUB_ENV=$WORK/github.env
: > "$GITHUB_ENV"
unset QEMU_GUEST_BASE

record_binfmt before
step main --input install=auto --input platforms=amd64,386 --input verify=probe
result main.guest-base "$(grep 'QEMU_GUEST_BASE=0x800000000000' "$WORK/main.log")"
result env.file "$(file_commands "$GITHUB_ENV")"
record_binfmt during
result during.dump "$(binfmt_dump)"

# 1. the Go program in a later step, then without what main exported
if [ -x $PROGRAMS/go-stress ]; then
  result later.env "$(later_step "$GITHUB_ENV" env | grep '^QEMU_GUEST_BASE=')"
  run_go later.go later_step "$GITHUB_ENV" timeout 150 $PROGRAMS/go-stress
  run_go bare.go timeout 150 $PROGRAMS/go-stress
fi

# 2. i386 and Debian's dynamically linked programs in a later step (the variable reaches every QEMU)
result later.i386 "$(later_step "$GITHUB_ENV" $I386 uname -m 2>&1)"
result corpus.error "$(cat $CORPUS/error 2>/dev/null)"
if [ -f $CORPUS/commands ]; then
  set -f
  for name in ls i386-ls; do
    read -r _name program args <<COMMAND
$(grep "^$name " $CORPUS/commands)
COMMAND
    (cd $CORPUS && export QEMU_LD_PREFIX=$CORPUS/sysroot LC_ALL=C TMPDIR=/tmp && later_step "$GITHUB_ENV" timeout 60 $program $args) \
      > "$WORK/$name.out" 2> "$WORK/$name.err"
    result "$name.exit" $?
    result "$name.sha256" "$(sha256sum < "$WORK/$name.out" | cut -d' ' -f1)"
    result "$name.same" "$(cmp -s "$WORK/$name.out" "$CORPUS/expected/$name.out" && echo yes || echo no)"
    result "$name.stderr" "$(head -n 4 "$WORK/$name.err")"
  done
  set +f
fi

step post
record_binfmt after
try after.run $X86_64 uname -m
