# box64 against the action's default QEMU (7.2.22), program by program (issue 25's measurement).
# Not part of the VM suite: init runs only numbered scripts, and scripts/arm64-vm/measure-box64.mjs
# adds this one to its own machine as 99-box64-measure.sh, with box64 (/opt/box64/box64, built
# by box64.mjs) and the programs (/opt/box64-measure: `programs`, expected/<name>.out, data/).
#
# Each program runs `runs=N` times (kernel command line, default 3) under each engine, the two
# interleaved and their order swapped every round, so a busy host slows both alike:
#   qemu:  qemu-x86_64 PROGRAM with QEMU_LD_PREFIX at the corpus sysroot (libraries, python's stdlib)
#   box64: box64 PROGRAM with BOX64_LD_LIBRARY_PATH at the sysroot's x86_64 libraries (the ones it
#          does not wrap with the machine's arm64 ones)
# PYTHONHOME points at the sysroot's stdlib in both (box64 has no path prefix; QEMU finds it either
# way). box64 is told the CPU count (BOX64_SYSINFO_*): the machine has no lscpu, which box64 would
# start at every launch and whose "not found" would land on the program's stderr (a runner has one).
# $M/box64.env may give a program more box64 settings (`NAME VAR=value...`): that program then
# also runs once under box64 as it is (NAME.box64-default), to show what the settings are for.
# binfmt_misc holds a qemu-x86_64 entry for the programs' own children (python starts one),
# enabled for the QEMU runs only: box64 starts x86_64 children with itself, and an exec it leaves
# to the kernel must fail here, not run under QEMU.
# Results: NAME.ENGINE.N=exit seconds stdout-sha256 same(yes/no); NAME.ENGINE.N.stderr (first lines)
# when the run failed or printed something else, and always for the Go program under box64; a
# text output that differs is diffed into the console log.
. /opt/vm/scenarios/lib.sh
M=/opt/box64-measure
BOX64=/opt/box64/box64
QEMU=/opt/qemu/qemu-x86_64-static
SYSROOT=/opt/corpus/sysroot
RUNS=$(sed -n 's/.*\bruns=\([0-9]*\).*/\1/p' /proc/cmdline)
RUNS=${RUNS:-3}
EACH=900

result runs "$RUNS"
result box64.version "$($BOX64 --version 2>&1 | head -n 1)"
result qemu.version "$($QEMU --version | head -n 1)"
result cpu "$(grep -m 1 -e '^Features' /proc/cpuinfo)"

modprobe binfmt_misc
mount -t binfmt_misc binfmt_misc $BINFMT
ENTRY=$BINFMT/measure-x86_64
printf '%s' ':measure-x86_64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00:\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/opt/qemu/qemu-x86_64-static:' > $BINFMT/register
result binfmt "$(head -n 1 $ENTRY)"

# measure ENGINE NAME ROUND PROGRAM ARGS... (ENGINE box64-default: box64 without the program's box64.env)
measure() {
  local engine=$1 name=$2 round=$3 t0 rc seconds sha same key extra=
  shift 3
  key=$name.$engine.$round
  [ $engine = box64 ] && extra=$(sed -n "s/^$name //p" $M/box64.env)
  if [ $engine = qemu ]; then
    echo 1 > $ENTRY
    t0=$(now)
    (cd $M && exec env QEMU_LD_PREFIX=$SYSROOT PYTHONHOME=$SYSROOT/usr PYTHONDONTWRITEBYTECODE=1 LC_ALL=C TMPDIR=/tmp \
      timeout $EACH $QEMU "$@") < /dev/null > "$WORK/$key.out" 2> "$WORK/$key.err"
    rc=$?
  else
    echo 0 > $ENTRY
    t0=$(now)
    # shellcheck disable=SC2086
    (cd $M && exec env BOX64_LD_LIBRARY_PATH=$SYSROOT/usr/lib/x86_64-linux-gnu BOX64_TRACE_FILE=stderr \
      BOX64_SYSINFO_CACHED=1 BOX64_SYSINFO_NCPU="$(nproc)" $extra \
      PYTHONHOME=$SYSROOT/usr PYTHONDONTWRITEBYTECODE=1 LC_ALL=C TMPDIR=/tmp \
      timeout $EACH $BOX64 "$@") < /dev/null > "$WORK/$key.out" 2> "$WORK/$key.err"
    rc=$?
  fi
  seconds=$(since "$t0")
  sha=$(sha256sum < "$WORK/$key.out" | cut -d' ' -f1)
  same=$(cmp -s "$WORK/$key.out" "$M/expected/$name.out" && echo yes || echo no)
  result "$key" "$rc $seconds $sha $same"
  if [ $rc -ne 0 ] || [ $same = no ] || [ $name.$engine = go.box64 ]; then
    result "$key.stderr" "$(head -n 6 "$WORK/$key.err")"
    # (a binary output, xz's, is not diffed)
    if [ "$(tr -d '\11\12\40-\176' < "$M/expected/$name.out" | head -c 1 | wc -c)" -eq 0 ]; then
      diff "$M/expected/$name.out" "$WORK/$key.out" | head -n 20 | sed "s/^/$key| /"
    fi
  fi
  rm -f "$WORK/$key.out"
}

set -f
while read -r name program args; do
  # shellcheck disable=SC2086
  grep -q "^$name " $M/box64.env && measure box64-default "$name" 1 "$program" $args
  round=1
  while [ $round -le $RUNS ]; do
    if [ $((round % 2)) -eq 1 ]; then order="qemu box64"; else order="box64 qemu"; fi
    for engine in $order; do
      # shellcheck disable=SC2086
      measure $engine "$name" $round "$program" $args
    done
    round=$((round + 1))
  done
done <<PROGRAMS
$(cat $M/programs)
PROGRAMS
set +f
echo -1 > $ENTRY
