# Sourced by 08-programs.sh (not a scenario itself: init runs only the numbered scripts). Runs the
# foreign-program corpus the host made (scripts/arm64-vm/corpus.mjs): real Debian amd64 and i386
# programs, dynamically linked, through a sysroot of Debian's libraries made by the action's own
# engine (QEMU_LD_PREFIX), and a C program built for x86-64-v3 and for v4. Each must print what the
# host recorded when it ran the very same files natively (/opt/corpus/expected/<name>.out), or, for
# the v4 builds on a CPU without AVX-512, stop with a message that says why.
# Results (under $S): corpus.error, and per program NAME.exit, NAME.seconds, NAME.sha256 (of stdout),
# NAME.same (stdout byte for byte the native one), NAME.out, NAME.stderr (their first lines), and for a
# program that failed NAME.diagnosis (`setup-x86-on-arm diagnose` of its stderr; $LEVEL: main's x86-64-level).
# With `slow=1` on the kernel command line (SETUP_X86_VM_SLOW=1) also the slow part: python (two
# interpreter starts and OpenSSL's loading) and node for linux-x64 (commands.slow, commands.node).
CORPUS=/opt/corpus

run_corpus() {
  local lists=$CORPUS/commands each=120 name program args t0 rc
  result corpus.error "$(cat $CORPUS/error 2>/dev/null)"
  [ -f $CORPUS/commands ] || return 0
  if grep -q '\bslow=1\b' /proc/cmdline; then
    result slow yes
    result node.error "$(cat $CORPUS/node-x64.error 2>/dev/null)"
    lists="$lists $CORPUS/commands.slow $(ls $CORPUS/commands.node 2>/dev/null)"
    each=600
  fi
  # the programs' loader and libraries (and python's stdlib) come from the sysroot, as a job would set it;
  # no file-name expansion: the arguments are taken as written
  set -f
  while read -r name program args; do
    t0=$(now)
    # through binfmt_misc, as a workflow step would start them: the kernel picks the action's
    # interpreter (one that hangs must not take the scenario's whole time: the others still report)
    (cd $CORPUS && QEMU_LD_PREFIX=$CORPUS/sysroot LC_ALL=C TMPDIR=/tmp exec timeout $each $program $args) \
      > "$WORK/$name.out" 2> "$WORK/$name.err"
    rc=$?
    result "$name.exit" $rc
    result "$name.seconds" "$(since "$t0")"
    result "$name.sha256" "$(sha256sum < "$WORK/$name.out" | cut -d' ' -f1)"
    result "$name.same" "$(cmp -s "$WORK/$name.out" "$CORPUS/expected/$name.out" && echo yes || echo no)"
    result "$name.out" "$(head -n 12 "$WORK/$name.out")"
    result "$name.stderr" "$(head -n 4 "$WORK/$name.err")"
    # what a failure means, as a workflow step would ask the action's command line (with main's x86-64-level output)
    [ $rc -eq 0 ] || result "$name.diagnosis" "$(node $PROJECT/dist/cli/index.js diagnose "$WORK/$name.err" --x86-64-level "$LEVEL" 2>&1)"
    cmp -s "$WORK/$name.out" "$CORPUS/expected/$name.out" ||
      diff "$CORPUS/expected/$name.out" "$WORK/$name.out" | head -n 20 | sed "s/^/$name| /"
  done <<LISTS
$(cat $lists)
LISTS
  set +f
}
