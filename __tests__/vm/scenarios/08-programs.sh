# Foreign programs under the action's default download (platforms amd64 and 386), whichever release
# the manifest makes the default; one download and registration serves them all.
# 1. An amd64 Go program: ~2000 goroutines passing values over channels while the collector runs
#    again and again, a map kept across collections, sha256 of the results. Built on the host
#    (golang-go, GOARCH=amd64 CGO_ENABLED=0) with its native output beside it; the emulated run must
#    print the same. amd64 Go assumes user addresses below 2^47: a QEMU that hands out more (9.0 and
#    later without -R, on this 48-bit arm64 kernel) aborts it with `fatal error: lfstack.push`.
# 2. The corpus (corpus.sh; results under 08-programs.corpus): Debian amd64/i386 programs through a
#    sysroot, C built for x86-64-v3 and v4, each against its native output.
# The release is served on the loopback as GitHub serves release downloads (one busybox httpd,
# without scenario 07's redirect: the download path itself is 07's business).
. /opt/vm/scenarios/lib.sh
. /opt/vm/scenarios/corpus.sh
PROGRAMS=/opt/programs
REL=/srv/releases
. $REL/release.env
result assets.error "$RELEASE_ERROR"
result program.error "$(cat $PROGRAMS/go-stress.error 2>/dev/null)"
[ -z "$RELEASE_ERROR" ] || exit 0
result release "$RELEASE_ID $RELEASE_TAG ($RELEASE_DEBIAN)"

# as on a runner image: xz-utils on PATH, no qemu anywhere the action could find one
cp /opt/xz-utils/bin/xz /usr/local/bin/xz
mv $QEMU_STASH /root/.qemu-hidden
GITHUB=127.0.0.1:8083
httpd -f -p $GITHUB -h $REL &
httpd_pid=$!
for i in $(seq 1 50); do
  [ "$(awk '$2 == "0100007F:1F93" && $4 == "0A"' /proc/net/tcp | wc -l)" -eq 1 ] && break
  sleep 0.1
done
export GITHUB_SERVER_URL=http://$GITHUB
export GITHUB_ACTION_REPOSITORY=$RELEASE_REPOSITORY
export GITHUB_REPOSITORY=vm-owner/a-workflow
export RUNNER_TOOL_CACHE=/tmp/tool-cache
rm -rf $RUNNER_TOOL_CACHE

step main --input install=download --input platforms=amd64,386
record_binfmt during
# 1. through binfmt_misc, as a workflow step would start it: the kernel picks the action's interpreter
if [ -x $PROGRAMS/go-stress ]; then
  t0=$(now)
  $PROGRAMS/go-stress > "$WORK/go.out" 2> "$WORK/go.err"
  rc=$?
  result go.exit $rc
  result go.seconds "$(since "$t0")"
  result go.out "$(cat "$WORK/go.out")"
  result go.expected "$(cat $PROGRAMS/go-stress.expected)"
  result go.same "$(cmp -s "$WORK/go.out" $PROGRAMS/go-stress.expected && echo yes || echo no)"
  # the runtime's own words when it aborts (its first lines), and its note on what it collected
  result go.fatal "$(grep -m 3 -e 'fatal error' -e 'invalid packing' -e '^panic' -e 'SIG' "$WORK/go.err")"
  result go.stderr "$(grep -m 1 '^go-stress: ' "$WORK/go.err")"
  sed 's/^/go| /' "$WORK/go.err" | head -n 40
fi

# 2. the corpus, while the same registration stands (LEVEL: main's x86-64-level output, for diagnose)
LEVEL=$(sed -n 's/^x86-64-level=//p' "$WORK/outputs")
S=$SCENARIO.corpus
WORK=/tmp/work/$S
mkdir -p "$WORK"
run_corpus
S=$SCENARIO
WORK=/tmp/work/$S

step post
record_binfmt after
kill $httpd_pid
