# Sourced by the scenario scripts inside the emulated arm64 machine (busybox sh).
# Results go to stdout as `RESULT <scenario> <key>=<value>` (one line; newlines become " | ");
# everything else a scenario prints ends up in the console log prefixed with `LOG <scenario>`.
S=${SCENARIO:?SCENARIO is not set}
BINFMT=/proc/sys/fs/binfmt_misc
PROJECT=/opt/project
QEMU_STASH=/opt/qemu
X86_64=/opt/foreign/busybox-x86_64
I386=/opt/foreign/busybox-i386
WORK=/tmp/work/$S
mkdir -p "$WORK"

now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Starts the VM's Docker engine in the background (no network of its own, vfs): sets dockerd_pid,
# and dockerd_t0 to when it started; its log goes to $WORK/dockerd.log.
start_dockerd() {
  mkdir -p /sys/fs/cgroup /var/lib/docker /etc/docker
  grep -q ' /sys/fs/cgroup ' /proc/mounts || mount -t cgroup2 cgroup2 /sys/fs/cgroup
  dockerd_t0=$(now)
  DOCKER_RAMDISK=true dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
    --data-root /var/lib/docker > "$WORK/dockerd.log" 2>&1 &
  dockerd_pid=$!
}
oneline() { awk 'BEGIN { ORS = "" } { sub(/\r$/, ""); if (NR > 1) print " | "; print }'; }

result() {
  local name=$1
  shift
  printf 'RESULT %s %s=%s\n' "$S" "$name" "$(printf '%s\n' "$*" | oneline)"
}

# binfmt_misc as the action finds it: "mounted", "unmounted" (this kernel keeps the empty
# /proc/sys/fs/binfmt_misc mount point even while the module is not loaded) or "absent".
binfmt_mount() {
  if [ -e $BINFMT/status ]; then echo mounted
  elif [ -d $BINFMT ]; then echo unmounted
  else echo absent
  fi
}

binfmt_module() {
  if grep -q '^binfmt_misc ' /proc/modules; then echo loaded
  elif grep -q 'binfmt_misc' /proc/filesystems; then echo built-in
  else echo unloaded
  fi
}

# The registered entries, sorted, comma separated ("none"). The table outlives an unmount while the
# module stays loaded, so an unmounted table is read through a second mount of the same instance.
binfmt_entries() {
  local dir=$BINFMT list
  grep -q binfmt_misc /proc/filesystems || { echo none; return; }
  if [ "$(binfmt_mount)" != mounted ]; then
    dir=/tmp/binfmt-peek
    mkdir -p $dir
    mount -t binfmt_misc binfmt_misc $dir || { echo unreadable; return; }
  fi
  list=$(ls $dir | grep -v -x -e register -e status | sort | tr '\n' ',' | sed 's/,$//')
  [ $dir = $BINFMT ] || umount $dir
  echo "${list:-none}"
}

# The full text of every entry (to compare a table before and after).
binfmt_dump() {
  [ "$(binfmt_mount)" = mounted ] || return 0
  for entry in $(ls $BINFMT | grep -v -x -e register -e status | sort); do
    printf '%s: %s\n' "$entry" "$(oneline < $BINFMT/$entry)"
  done
}

# record PREFIX: PREFIX.binfmt (mount state), PREFIX.module, PREFIX.entries
record_binfmt() {
  result "$1.binfmt" "$(binfmt_mount)"
  result "$1.module" "$(binfmt_module)"
  result "$1.entries" "$(binfmt_entries)"
}

# try KEY PROGRAM ARGS...: runs a program through a bare execve(2) (node's process.execve: a shell,
# glibc's execvp and libuv would retry an ENOEXEC as a shell script and hide the kernel's answer).
# KEY.exit is the program's exit code (126 when execve failed), KEY.out its output or the errno.
try() {
  local name=$1 out rc
  shift
  out=$( (node --no-warnings -e '
    const [file, ...args] = process.argv.slice(1)
    try {
      process.execve(file, [file, ...args])
    } catch (error) {
      console.error(`execve: ${error.code}: ${error.message}`)
    }
    process.exit(126)
  ' "$@") 2>&1)
  rc=$?
  # node 24 aborts with a stack trace instead of throwing (newer releases throw); same meaning
  case $rc:$out in 134:*"error code "*) rc=126; out="execve: $(printf '%s\n' "$out" | sed -n 's/.*error code \([A-Z0-9]*\).*/\1/p')" ;; esac
  result "$name.exit" $rc
  result "$name.out" "$out"
}

# Debian's qemu-user-static layout: the interpreters in /usr/bin.
qemu_on_machine() {
  cp $QEMU_STASH/qemu-x86_64-static $QEMU_STASH/qemu-i386-static /usr/bin/
}

# file_commands FILE: the `name=value` lines a runner file (GITHUB_OUTPUT, GITHUB_ENV) sets, a
# `name<<DELIMITER` block as one line (its lines joined with " | ").
file_commands() {
  awk '
    !delim && /^[^=<]+<<.+$/ { at = index($0, "<<"); name = substr($0, 1, at - 1); delim = substr($0, at + 2); value = ""; n = 0; next }
    delim && $0 == delim { print name "=" value; delim = ""; next }
    delim { value = (n++ ? value " | " : "") $0; next }
    /=/ { print }
  ' "$1"
}

# later_step ENV_FILE COMMAND ARGS...: COMMAND (a program or a function) as a later step of the job
# runs it, with the variables the action wrote to GITHUB_ENV (ENV_FILE) in its environment
# (local-run names no GITHUB_ENV of its own: a scenario exports one before `step main`).
later_step() {
  local file=$1 line
  shift
  (
    while IFS= read -r line; do
      [ -n "$line" ] && export "${line%%=*}=${line#*=}"
    done <<VARIABLES
$(file_commands "$file")
VARIABLES
    "$@"
  )
}

# run_go KEY COMMAND...: the amd64 Go program (/opt/programs/go-stress, built with an old Go) as
# COMMAND starts it, against its native output: KEY.exit, KEY.seconds, KEY.out, KEY.same,
# KEY.fatal (the runtime's own words when it aborts: `fatal error: lfstack.push` where QEMU hands it
# addresses above 2^47), KEY.stderr (its note on what it collected).
run_go() {
  local name=$1 t0 rc
  shift
  t0=$(now)
  "$@" > "$WORK/$name.out" 2> "$WORK/$name.err"
  rc=$?
  result "$name.exit" $rc
  result "$name.seconds" "$(since "$t0")"
  result "$name.out" "$(head -n 5 "$WORK/$name.out")"
  result "$name.same" "$(cmp -s "$WORK/$name.out" /opt/programs/go-stress.expected && echo yes || echo no)"
  result "$name.fatal" "$(grep -m 3 -e 'fatal error' -e 'invalid packing' -e '^panic' -e 'SIG' "$WORK/$name.err")"
  result "$name.stderr" "$(grep -m 1 '^go-stress: ' "$WORK/$name.err")"
  sed "s/^/$name| /" "$WORK/$name.err" | head -n 20
}

# step main|post [--input name=value]...: one step of one job through the local runner. As under
# Runner.Worker, a job's main and post are children of one runner process (the job's holder in the
# host's ledger): `step main` starts `local-run all --hold` and returns once main has ended (the
# scenario looks at the machine), `step post` lets it go on to post and waits for it.
# Records STEP.exit, STEP.seconds, STEP.process-seconds, STEP.errors (::error:: lines), STEP.warnings and, after main,
# out.NAME per output.
step() {
  local phase=$1 t0 rc line
  shift
  t0=$(now)
  if [ "$phase" = main ]; then
    rm -f "$WORK/release" "$WORK/release.ready" "$WORK/release.done"
    node $PROJECT/scripts/local-run.mjs all --workdir "$WORK" --hold "$WORK/release" --logs "$WORK" "$@" > "$WORK/runner.log" 2>&1 &
    JOB_RUNNER=$!
    while [ ! -f "$WORK/release.ready" ] && kill -0 $JOB_RUNNER 2>/dev/null; do sleep 0.05; done
  else
    touch "$WORK/release"
    wait $JOB_RUNNER
  fi
  rc=$(cat "$WORK/release.$([ "$phase" = main ] && echo ready || echo done)" 2>/dev/null || echo 1)
  [ -s "$WORK/runner.log" ] && sed 's/^/runner| /' "$WORK/runner.log"
  result "$phase.exit" $rc
  result "$phase.seconds" "$(since "$t0")"
  # the step's own node process, without the local runner around it
  result "$phase.process-seconds" "$(cat "$WORK/$phase.seconds" 2>/dev/null)"
  sed "s/^/$phase| /" "$WORK/$phase.log"
  result "$phase.errors" "$(grep '^::error' "$WORK/$phase.log")"
  result "$phase.warnings" "$(grep '^::warning' "$WORK/$phase.log")"
  if [ "$phase" = main ] && [ -f "$WORK/main.output" ]; then
    file_commands "$WORK/main.output" > "$WORK/outputs"
    while IFS= read -r line; do result "out.${line%%=*}" "${line#*=}"; done < "$WORK/outputs"
  fi
  return $rc
}

# A chroot holding only a static x86_64 busybox (no interpreter, no /proc): works with flag F only.
make_chroot() {
  rm -rf "$1"
  mkdir -p "$1/bin"
  cp $X86_64 "$1/bin/busybox"
}
