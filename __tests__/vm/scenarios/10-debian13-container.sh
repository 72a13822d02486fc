# The container side of scenario 09 (Debian 13's static qemu-user 10.0 in /usr/bin, `install: auto`;
# apart from 09 so that each stays well within a scenario's time with its two Go runs). A variable
# exported for the later steps reaches the programs they start on the host, not a container's: the
# action's warning says `docker run -e QEMU_GUEST_BASE=...`. With Debian's arm64 docker.io as in
# scenario 06 and the amd64 busybox image, the amd64 Go program bind-mounted read-only, from a later
# step (GITHUB_ENV applied):
#   1. `docker run -e QEMU_GUEST_BASE` (the value taken from the step's environment) prints the
#      program's native output;
#   2. the same `docker run` without -e: the Go runtime aborts (lfstack.push).
#
# 404 (a second job): `install: download` with the project's assets answering 404 (an empty
# "GitHub" on the loopback). The manifest's default release falls back to 10.2.3-68
# (tonistiigi/binfmt), but that release's arm64 archive has no sha256 in the manifest, so the
# download's planning sets it aside without a word in the log: on an arm64 host nothing falls back.
# The job fails naming the missing asset after one request, registers nothing, exports nothing.
. /opt/vm/scenarios/lib.sh
. /opt/qemu-debian13/debian13.env
PROGRAMS=/opt/programs
result debian13.error "$DEBIAN13_ERROR"
result program.error "$(cat $PROGRAMS/go-stress.error 2>/dev/null)"
[ -z "$DEBIAN13_ERROR" ] && [ -x $PROGRAMS/go-stress ] || exit 0
cp /opt/qemu-debian13/qemu-x86_64 /opt/qemu-debian13/qemu-i386 /usr/bin/

# the engine starts while main runs (as in scenario 06)
start_dockerd

export RUNNER_TOOL_CACHE=/tmp/tool-cache
rm -rf $RUNNER_TOOL_CACHE
export GITHUB_ENV=$WORK/github.env
: > "$GITHUB_ENV"
unset QEMU_GUEST_BASE
step main --input install=auto --input platforms=amd64,386 --input verify=probe
result env.file "$(file_commands "$GITHUB_ENV")"
record_binfmt during

for i in $(seq 1 120); do docker version > /dev/null 2>&1 && break; sleep 0.5; done
result dockerd.seconds "$(since "$dockerd_t0")"
result dockerd.version "$(docker version --format '{{.Server.Version}}' 2>&1)"
result image.load "$(docker load -i /opt/images/busybox-amd64.tar 2>&1)"
result image.platform "$(docker image inspect --format '{{.Os}}/{{.Architecture}}' busybox:stable 2>&1)"
container() { docker run --rm --network none --platform linux/amd64 -v $PROGRAMS:/programs:ro "$@" busybox:stable /programs/go-stress; }
run_go container.go later_step "$GITHUB_ENV" container -e QEMU_GUEST_BASE
run_go container-bare.go later_step "$GITHUB_ENV" container
result after-runs.containers "$(docker ps -a -q)"

step post
record_binfmt after
kill $dockerd_pid
wait $dockerd_pid
sed 's/^/dockerd| /' "$WORK/dockerd.log" | tail -n 20

# the 404 job
S=$SCENARIO.404
WORK=/tmp/work/$S
mkdir -p "$WORK" /tmp/github-404
httpd -f -vv -p 127.0.0.1:8084 -h /tmp/github-404 2> /tmp/github-404.log &
httpd_pid=$!
for i in $(seq 1 50); do
  [ "$(awk '$2 == "0100007F:1F94" && $4 == "0A"' /proc/net/tcp | wc -l)" -eq 1 ] && break
  sleep 0.1
done
export GITHUB_SERVER_URL=http://127.0.0.1:8084
export GITHUB_ACTION_REPOSITORY=vm-owner/setup-x86-on-arm
export GITHUB_REPOSITORY=vm-owner/a-workflow
export RUNNER_TOOL_CACHE=/tmp/tool-cache-404
rm -rf $RUNNER_TOOL_CACHE /var/lib/setup-x86-on-arm/interpreters
export GITHUB_ENV=$WORK/github.env
: > "$GITHUB_ENV"
step main --input install=download --input platforms=amd64,386 --input verify=probe
result main.requests "$(sed -n 's/.* url:\(.*\)$/\1/p' /tmp/github-404.log)"
result main.downloading "$(sed -n 's/^downloading //p' "$WORK/main.log")"
# what the log says of a fallback: nothing when none was tried
result main.fallback "$(grep -i -e 'falling back' -e 'fallback' -e '10\.2\.3' "$WORK/main.log")"
result env.file "$(file_commands "$GITHUB_ENV")"
record_binfmt during
step post
record_binfmt after
kill $httpd_pid
sed 's/^/github| /' /tmp/github-404.log
rm -rf /tmp/github-404 /tmp/github-404.log
